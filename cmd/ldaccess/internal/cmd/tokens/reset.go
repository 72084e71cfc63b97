package tokens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/review"
)

// ResetOptions are "tokens reset"'s.
type ResetOptions struct {
	cmdutil.Env
	ID  string
	Yes bool
	// ExpireOldIn is how long the old secret keeps working: review.DefaultGrace unless told,
	// review.ExpireOldAtOnce for at once.
	ExpireOldIn time.Duration
}

// NewCmdReset is "tokens reset". runF, when not nil, runs instead of resetRun (tests).
func NewCmdReset(f *cmdutil.Factory, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "reset TOKEN-ID",
		Short: "Replace a token's secret and print the new one, once",
		Long: `Reset an access token: LaunchDarkly issues a new secret, printed once in this command's
output. The old secret keeps working for an hour (--expire-old-in), time for the programs
using it to switch; --expire-old-in now stops it at once. To hand the new secret to a secret
manager instead of printing it, use tokens rotate.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Example: `  ldaccess tokens reset 9cec50a2bd2d26fee5f2f5cb --expire-old-in 24h
  ldaccess tokens reset 9cec50a2bd2d26fee5f2f5cb --yes --expire-old-in now --format json | jq -r .token`,
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

// addExpireOldInFlag adds --expire-old-in, which reset and rotate share: how long the old
// secret keeps working, review.DefaultGrace unless told; "now" or 0 stops it at once
// (review.ExpireOldAtOnce).
func addExpireOldInFlag(cmd *cobra.Command, d *time.Duration) {
	*d = review.DefaultGrace
	cmd.Flags().Var(&expireOldIn{d}, "expire-old-in", `keep the old secret working this long: "1h", "2d"; "now" (or 0) stops it at once`)
}

// expireOldIn is --expire-old-in's value.
type expireOldIn struct{ d *time.Duration }

func (e *expireOldIn) Type() string { return "duration" }

func (e *expireOldIn) String() string {
	if *e.d < 0 {
		return "now"
	}
	return review.FormatAge(*e.d)
}

func (e *expireOldIn) Set(s string) error {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return errors.New("must not be negative")
	}
	if strings.EqualFold(s, "now") {
		*e.d = review.ExpireOldAtOnce
		return nil
	}
	d, err := review.ParseAge(s)
	switch {
	case err != nil:
		return errors.New(`want "now", or a duration like 1h, 90m or 2d`)
	case d == 0:
		*e.d = review.ExpireOldAtOnce
	case d > review.MaxGrace:
		return fmt.Errorf("at most %s: longer, the old secret works as if the token had not been rotated", review.FormatAge(review.MaxGrace))
	default:
		*e.d = d
	}
	return nil
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	c, err := confirmChange(ctx, opts.Env, opts.Yes, opts.ID, func(t api.Token) string {
		return fmt.Sprintf("Reset token %s? %s.", describe(t), graceQuestion(opts.ExpireOldIn))
	})
	if err != nil {
		return err
	}
	// The hand-over is this command's output: the one place the new secret is printed.
	rot, err := review.Rotate(ctx, c, opts.ID, review.RotateOptions{
		ExpireOldIn: opts.ExpireOldIn,
		Handover:    func(_ context.Context, t api.Token) error { return printSecret(opts.Env, t, "reset") },
		Now:         opts.Now,
	})
	if err != nil {
		return recoverable(err, opts.Env, opts.Yes, "reset", opts.ID)
	}
	opts.IO.Notef("%s", oldSecret(rot.OldSecretUntil))
	return nil
}
