package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// Destructive commands (tokens reset, rotate and delete; members remove, set-role and
// offboard; apply) go through one helper: --yes goes ahead; on a terminal the user is asked;
// otherwise, in a script or a pipe, the command refuses with a usage error (exit 2) rather
// than guess, so an unattended run never deletes anything it was not told to.

// AddYesFlag adds --yes (-y) to a destructive command.
func AddYesFlag(cmd *cobra.Command, yes *bool) {
	cmd.Flags().BoolVarP(yes, "yes", "y", false, "do not ask for confirmation")
}

// CheckConfirmable is the part of the confirmation that needs no request: a command's RunE
// calls it, so that a refusal costs nothing.
func CheckConfirmable(ios *iostreams.IOStreams, yes bool, action string) error {
	if !yes && !ios.CanPrompt() {
		return clierr.Usagef("%s needs confirmation, and stdin is not a terminal: pass --yes to go ahead", action)
	}
	return nil
}

// ConfirmDestructive asks the question question makes (it may read what is about to change),
// unless yes. A "no" is clierr.ErrDeclined.
func ConfirmDestructive(ctx context.Context, p Prompter, yes bool, question func() (string, error)) error {
	if yes {
		return nil
	}
	q, err := question()
	if err != nil {
		return err
	}
	ok, err := p.Confirm(ctx, q)
	if err != nil {
		return err
	}
	if !ok {
		return clierr.ErrDeclined
	}
	return nil
}
