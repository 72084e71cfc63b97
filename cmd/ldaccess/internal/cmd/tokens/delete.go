package tokens

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// DeleteOptions are "tokens delete"'s.
type DeleteOptions struct {
	cmdutil.Env
	ID  string
	Yes bool
}

// NewCmdDelete is "tokens delete". runF, when not nil, runs instead of deleteRun (tests).
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "delete TOKEN-ID",
		Short: "Delete an access token",
		Long: `Delete an access token; programs using it lose access at once.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Args:              cmdutil.ExactArgs(1, "one token ID"),
		ValidArgsFunction: completion.TokenIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckConfirmable(opts.IO, opts.Yes, "tokens delete"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	c, err := confirmChange(ctx, opts.Env, opts.Yes, opts.ID, func(t api.Token) string {
		return fmt.Sprintf("Delete token %s, last used %s?", describe(t), render.Day(t.LastUsed))
	})
	if err != nil {
		return err
	}
	if err := c.DeleteToken(ctx, opts.ID); err != nil {
		return err
	}
	return opts.Print(present.Deleted("token", opts.ID))
}
