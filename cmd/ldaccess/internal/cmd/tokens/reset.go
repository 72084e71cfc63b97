package tokens

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// ResetOptions are "tokens reset"'s.
type ResetOptions struct {
	cmdutil.Env
	ID  string
	Yes bool
	// ExpireOldIn keeps the old secret working this long; 0 stops it at once.
	ExpireOldIn time.Duration
}

// NewCmdReset is "tokens reset". runF, when not nil, runs instead of resetRun (tests).
func NewCmdReset(f *cmdutil.Factory, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "reset TOKEN-ID",
		Short: "Replace a token's secret and print the new one, once",
		Long: `Reset an access token: LaunchDarkly issues a new secret, printed once in this command's
output. The old secret stops working at once, or after --expire-old-in to give the programs
using it time to switch.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Example: `  ldaccess tokens reset 9cec50a2bd2d26fee5f2f5cb --expire-old-in 1h
  ldaccess tokens reset 9cec50a2bd2d26fee5f2f5cb --yes --format json | jq -r .token`,
		Args:              cmdutil.ExactArgs(1, "one token ID"),
		ValidArgsFunction: completion.TokenIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.CheckConfirmable(opts.IO, opts.Yes, "tokens reset"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addExpireOldInFlag(cmd, &opts.ExpireOldIn)
	return cmd
}

// addExpireOldInFlag adds --expire-old-in, which reset and rotate share.
func addExpireOldInFlag(cmd *cobra.Command, d *time.Duration) {
	cmdutil.DurationFlag(cmd.Flags(), d, "expire-old-in", 0, `keep the old secret working this long: "1h", "2d" (default: it stops at once)`)
}

// resetOptions are the reset's options: the old secret's expiry, when there is one.
func resetOptions(now time.Time, expireOldIn time.Duration) (time.Time, []wrapper.ResetOption) {
	if expireOldIn <= 0 {
		return time.Time{}, nil
	}
	expires := now.Add(expireOldIn).Truncate(time.Millisecond)
	return expires, []wrapper.ResetOption{wrapper.ExpireOldKeyAt(expires)}
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	when := "at once"
	if opts.ExpireOldIn > 0 {
		when = "in " + review.FormatAge(opts.ExpireOldIn)
	}
	c, err := confirmChange(ctx, opts.Env, opts.Yes, opts.ID, func(t api.Token) string {
		return fmt.Sprintf("Reset token %s? Its current secret stops working %s.", describe(t), when)
	})
	if err != nil {
		return err
	}
	_, ro := resetOptions(opts.Now(), opts.ExpireOldIn)
	t, err := c.ResetToken(ctx, opts.ID, ro...)
	if err != nil {
		return err
	}
	return printSecret(opts.Env, t, "reset")
}
