package members

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// RemoveOptions are "members remove"'s.
type RemoveOptions struct {
	cmdutil.Env
	// Member is an ID or an email address.
	Member string
	Yes    bool
}

// NewCmdRemove is "members remove". runF, when not nil, runs instead of removeRun (tests).
func NewCmdRemove(f *cmdutil.Factory, runF func(context.Context, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "remove MEMBER",
		Short: "Remove a member from the account, by ID or email address",
		Long: `Remove a member from the account. Their personal access tokens stop working.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Args:              cmdutil.ExactArgs(1, "one member ID or email address"),
		ValidArgsFunction: completion.Members(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Member = args[0]
			if opts.Member == "me" {
				return clierr.Usagef(`refusing to remove "me", the member whose token this is`)
			}
			if err := cmdutil.CheckConfirmable(opts.IO, opts.Yes, "members remove"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	return cmd
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	id := opts.Member
	var m api.Member
	if isEmail(id) || !opts.Yes {
		if m, err = resolve(ctx, c, id); err != nil {
			return err
		}
		id = m.ID
	}
	err = cmdutil.ConfirmDestructive(ctx, opts.Prompter, opts.Yes, func() (string, error) {
		return fmt.Sprintf("Remove %s (%s, role %s, last seen %s) from the account?",
			m.Email, m.ID, present.MemberRole(review.MemberOf(m)), render.Day(m.LastSeen)), nil
	})
	if err != nil {
		return err
	}
	if err := c.DeleteMember(ctx, id); err != nil {
		return err
	}
	return opts.Print(present.Deleted("member", id))
}
