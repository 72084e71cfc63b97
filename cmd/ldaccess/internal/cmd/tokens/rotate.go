package tokens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/review"
)

// RotateOptions are "tokens rotate"'s.
type RotateOptions struct {
	cmdutil.Env
	ID  string
	Yes bool
	// Exec receives the new secret on its standard input.
	Exec string
	// ExpireOldIn is how long the old secret keeps working: review.DefaultGrace unless told,
	// review.ExpireOldAtOnce for at once.
	ExpireOldIn time.Duration
}

// NewCmdRotate is "tokens rotate". runF, when not nil, runs instead of rotateRun (tests).
func NewCmdRotate(f *cmdutil.Factory, runF func(context.Context, *RotateOptions) error) *cobra.Command {
	opts := &RotateOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "rotate TOKEN-ID --exec COMMAND",
		Short: "Reset a token and hand its new secret to a command (a secret manager), never to the terminal",
		Long: `Rotate an access token: reset it, then run COMMAND (with /bin/sh -c) with the new secret on its
standard input, and nowhere else: not in its arguments, not in its environment, not on the
terminal. LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME are in its environment; no access token is.

The old secret keeps working for an hour (--expire-old-in), time for the programs using it to
switch, and for a failed hand-over to be put right before anything goes down: if COMMAND fails,
the new secret is lost (it is never printed), and the command says until when the old secret
works and prints the exact command that recovers the token, a second rotation that ends only
the lost secret. --expire-old-in now stops the old secret at once.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Example: `  ldaccess tokens rotate 9cec50a2bd2d26fee5f2f5cb --exec 'cat > new-secret.txt'
  ldaccess tokens rotate 9cec50a2bd2d26fee5f2f5cb --yes --expire-old-in 24h --exec 'cat > new-secret.txt'
  # into a secret manager: --exec 'vault kv put secret/ld token=-', or
  #   --exec 'aws secretsmanager put-secret-value --secret-id ld-token --secret-string file:///dev/stdin'`,
		Args:              cmdutil.ExactArgs(1, "one token ID"),
		ValidArgsFunction: completion.TokenIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if strings.TrimSpace(opts.Exec) == "" {
				return clierr.Usagef("--exec is required: the command that receives the new secret on stdin (use tokens reset to print it instead)")
			}
			if err := cmdutil.CheckConfirmable(opts.IO, opts.Yes, "tokens rotate"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return rotateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Exec, "exec", "", "shell command that receives the new secret on stdin (required)")
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addExpireOldInFlag(cmd, &opts.ExpireOldIn)
	return cmd
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	c, err := confirmChange(ctx, opts.Env, opts.Yes, opts.ID, func(t api.Token) string {
		return fmt.Sprintf("Rotate token %s and hand the new secret to %s? %s.", describe(t), shell.Quote(opts.Exec), graceQuestion(opts.ExpireOldIn))
	})
	if err != nil {
		return err
	}
	rot, err := review.Rotate(ctx, c, opts.ID, review.RotateOptions{
		ExpireOldIn: opts.ExpireOldIn,
		Handover:    func(ctx context.Context, t api.Token) error { return opts.Shell.HandOver(ctx, opts.Exec, t, opts.IO) },
		Now:         opts.Now,
	})
	if err != nil {
		return recoverable(err, opts.Env, opts.Yes, "rotate", opts.ID, "--exec", opts.Exec)
	}
	if err := opts.Print(present.Token(rot.Token, opts.Format(), "")); err != nil {
		return err
	}
	opts.IO.Notef("rotated token %s: the new secret went to the command; %s", rot.Token.ID, oldSecret(rot.OldSecretUntil))
	return nil
}

// graceQuestion says in a question how long the old secret will work.
func graceQuestion(expireOldIn time.Duration) string {
	if expireOldIn < 0 {
		return "Its current secret stops working at once"
	}
	return "Its current secret keeps working for " + review.FormatAge(expireOldIn)
}

// oldSecret says until when the old secret works, to the second.
func oldSecret(until time.Time) string {
	if until.IsZero() {
		return "the old secret stopped working at once (--expire-old-in now)"
	}
	return "the old secret keeps working until " + until.UTC().Format(time.RFC3339)
}

// recoverable is the error of a rotation: a hand-over that failed (review.HandoverError) says
// what state the token is in and comes with the exact command that recovers it — "tokens verb
// id" again, with the flags that hand the new secret over (handover), ending at once only the
// secret that was lost (the old secret's end stays where the first reset put it).
func recoverable(err error, env cmdutil.Env, yes bool, verb, id string, handover ...string) error {
	var he *review.HandoverError
	if !errors.As(err, &he) {
		return err
	}
	return &clierr.Recovery{Err: err, Command: env.RecoverToken(verb, id, yes, handover...)}
}
