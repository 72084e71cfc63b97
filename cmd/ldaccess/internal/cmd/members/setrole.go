package members

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/wrapper"
)

// SetRoleOptions are "members set-role"'s.
type SetRoleOptions struct {
	cmdutil.Env
	// Member is an ID or an email address.
	Member string
	Role   string
	Yes    bool
}

// NewCmdSetRole is "members set-role". runF, when not nil, runs instead of setRoleRun (tests).
func NewCmdSetRole(f *cmdutil.Factory, runF func(context.Context, *SetRoleOptions) error) *cobra.Command {
	opts := &SetRoleOptions{Env: f.Env()}
	roles := cmdutil.MemberRoles()
	cmd := &cobra.Command{
		Use:   "set-role MEMBER ROLE",
		Short: "Change a member's built-in role (" + cmdutil.OrList(roles) + ")",
		Long: `Replace a member's built-in role. MEMBER is an ID or an email address.

Changing access is treated as destructive: it asks for confirmation when stdin is a terminal,
and otherwise refuses to run without --yes.`,
		Example: `  ldaccess members set-role ariel.flores@acme.com writer --yes`,
		Args:    cmdutil.ExactArgs(2, "a member and a role"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return cobra.FixedCompletions(roles, cobra.ShellCompDirectiveNoFileComp)(cmd, args, prefix)
			}
			return completion.Members(f)(cmd, args, prefix)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Member, opts.Role = args[0], args[1]
			switch {
			case opts.Role == "owner":
				return clierr.Usagef("ownership cannot be given with set-role")
			case !slices.Contains(roles, opts.Role):
				return clierr.Usagef("ROLE must be %s, not %q", cmdutil.OrList(roles), opts.Role)
			}
			if err := cmdutil.CheckConfirmable(opts.IO, opts.Yes, "members set-role"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRoleRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	return cmd
}

func setRoleRun(ctx context.Context, opts *SetRoleOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	m, err := resolve(ctx, c, opts.Member)
	if err != nil {
		return err
	}
	err = cmdutil.ConfirmDestructive(ctx, opts.Prompter, opts.Yes, func() (string, error) {
		return fmt.Sprintf("Change the role of %s (%s) from %s to %s?", m.Email, m.ID, m.Role, opts.Role), nil
	})
	if err != nil {
		return err
	}
	updated, err := c.PatchMember(ctx, m.ID, wrapper.Replace("/role", opts.Role))
	if err != nil {
		return err
	}
	return opts.Print(present.Member(updated, opts.Format()))
}
