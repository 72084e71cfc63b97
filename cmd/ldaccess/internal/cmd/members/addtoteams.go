package members

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
)

// AddToTeamsOptions are "members add-to-teams"'s.
type AddToTeamsOptions struct {
	cmdutil.Env
	// Member is an ID or an email address.
	Member string
	Teams  []string
}

// NewCmdAddToTeams is "members add-to-teams". runF, when not nil, runs instead of
// addToTeamsRun (tests).
func NewCmdAddToTeams(f *cmdutil.Factory, runF func(context.Context, *AddToTeamsOptions) error) *cobra.Command {
	opts := &AddToTeamsOptions{Env: f.Env()}
	return &cobra.Command{
		Use:               "add-to-teams MEMBER TEAM-KEY...",
		Short:             "Add a member to one or more teams",
		Example:           `  ldaccess members add-to-teams ariel.flores@acme.com platform security`,
		Args:              cmdutil.MinArgs(2, "a member and one or more team keys"),
		ValidArgsFunction: completion.Members(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Member, opts.Teams = args[0], cmdutil.SplitList(args[1:])
			if len(opts.Teams) == 0 {
				return clierr.Usagef("no team keys given")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return addToTeamsRun(cmd.Context(), opts)
		},
	}
}

func addToTeamsRun(ctx context.Context, opts *AddToTeamsOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	id, err := resolveID(ctx, c, opts.Member)
	if err != nil {
		return err
	}
	m, err := c.AddMemberToTeams(ctx, id, opts.Teams...)
	if err != nil {
		return err
	}
	return opts.Print(present.Member(m, opts.Format()))
}
