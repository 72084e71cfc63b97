package members

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
)

// inviteBatch is how many people LaunchDarkly invites in one request, all or nothing.
const inviteBatch = 50

// InviteOptions are "members invite"'s: one form per invitee.
type InviteOptions struct {
	cmdutil.Env
	Invitees []api.NewMemberForm
}

// NewCmdInvite is "members invite". runF, when not nil, runs instead of inviteRun (tests).
func NewCmdInvite(f *cmdutil.Factory, runF func(context.Context, *InviteOptions) error) *cobra.Command {
	opts := &InviteOptions{Env: f.Env()}
	var form api.NewMemberForm
	var customRoles, teams []string
	cmd := &cobra.Command{
		Use:   "invite EMAIL... (--role ROLE | --custom-role KEY...)",
		Short: "Invite people to the account",
		Long: `Invite one or more people by email address, all with the same role or custom roles, and
optionally onto teams. LaunchDarkly invites at most 50 people a request and all or nothing: if
one address cannot be invited, nobody in that request is, and the error names the addresses.`,
		Example: `  ldaccess members invite sandy@acme.com omar@acme.com --role writer --team platform
  ldaccess members invite dana@acme.com --custom-role flag-editor --first-name Dana`,
		Args: cmdutil.MinArgs(1, "one or more email addresses"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (form.FirstName != "" || form.LastName != "") && len(args) > 1 {
				return clierr.Usagef("--first-name and --last-name apply to a single invitee")
			}
			form.CustomRoles, form.TeamKeys = cmdutil.SplitList(customRoles), cmdutil.SplitList(teams)
			invitees, err := invitees(args, form)
			if err != nil {
				return err
			}
			opts.Invitees = invitees
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inviteRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.EnumFlag(cmd, &form.Role, "role", "", "", cmdutil.Enum{Values: cmdutil.MemberRoles(), Hint: customRoleHint}, "built-in role")
	fl.StringSliceVar(&customRoles, "custom-role", nil, "custom role key (repeatable, or comma-separated)")
	fl.StringSliceVar(&teams, "team", nil, "team key to add the invitees to (repeatable, or comma-separated)")
	fl.StringVar(&form.FirstName, "first-name", "", "the invitee's first name (one invitee only)")
	fl.StringVar(&form.LastName, "last-name", "", "the invitee's last name (one invitee only)")
	cmd.MarkFlagsOneRequired("role", "custom-role")
	return cmd
}

// customRoleHint explains a role that is not built in: it may be a custom role's key.
func customRoleHint(role string) string {
	return "must be " + cmdutil.OrList(cmdutil.MemberRoles()) + ", not " + `"` + role + `"` + " (use --custom-role for custom roles)"
}

// invitees is one form per address, like form; an address that is not one, or is given
// twice, is a usage error.
func invitees(emails []string, form api.NewMemberForm) ([]api.NewMemberForm, error) {
	var forms []api.NewMemberForm
	seen := map[string]bool{}
	for _, email := range emails {
		email = strings.TrimSpace(email)
		if !isEmail(email) {
			return nil, clierr.Usagef("%q is not an email address", email)
		}
		if seen[strings.ToLower(email)] {
			return nil, clierr.Usagef("%s is given twice", email)
		}
		seen[strings.ToLower(email)] = true
		f := form
		f.Email = email
		forms = append(forms, f)
	}
	return forms, nil
}

func inviteRun(ctx context.Context, opts *InviteOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	var invited []api.Member
	for start := 0; start < len(opts.Invitees); start += inviteBatch {
		batch := opts.Invitees[start:min(start+inviteBatch, len(opts.Invitees))]
		ms, err := c.InviteMembers(ctx, batch...)
		if err != nil {
			if len(invited) > 0 {
				_ = opts.Print(present.Members(invited, opts.Format()))
				opts.IO.Notef("invited the first %d; the next request failed", len(invited))
			}
			return err
		}
		invited = append(invited, ms...)
	}
	return opts.Print(present.Members(invited, opts.Format()))
}
