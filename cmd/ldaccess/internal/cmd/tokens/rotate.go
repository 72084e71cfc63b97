package tokens

import (
	"context"
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
	Exec           string
	ExpireOldIn    time.Duration
	PrintOnFailure bool
	// Dir is the directory Exec runs in.
	Dir string
}

// NewCmdRotate is "tokens rotate". runF, when not nil, runs instead of rotateRun (tests).
func NewCmdRotate(f *cmdutil.Factory, runF func(context.Context, *RotateOptions) error) *cobra.Command {
	opts := &RotateOptions{Env: f.Env(), Dir: f.Dir}
	cmd := &cobra.Command{
		Use:   "rotate TOKEN-ID --exec COMMAND",
		Short: "Reset a token and hand its new secret to a command (a secret manager), never to the terminal",
		Long: `Rotate an access token: reset it, then run COMMAND (with /bin/sh -c) with the new secret on its
standard input, and nowhere else: not in its arguments, not in its environment, not on the
terminal. LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME are in its environment.

Keep the old secret working with --expire-old-in while the programs using it switch. If the
command fails, the rotation is reported with the exact time the old secret stops working, and
the new secret is lost unless --print-on-failure was given, which prints it on stdout.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Example: `  ldaccess tokens rotate 9cec50a2bd2d26fee5f2f5cb --expire-old-in 1h --exec 'cat > new-secret.txt'
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
	fl.BoolVar(&opts.PrintOnFailure, "print-on-failure", false, "if the command fails, print the new secret on stdout rather than lose it")
	addExpireOldInFlag(cmd, &opts.ExpireOldIn)
	return cmd
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	c, err := confirmChange(ctx, opts.Env, opts.Yes, opts.ID, func(t api.Token) string {
		return fmt.Sprintf("Rotate token %s and hand the new secret to %q?", describe(t), opts.Exec)
	})
	if err != nil {
		return err
	}
	expires, ro := resetOptions(opts.Now(), opts.ExpireOldIn)
	t, err := c.ResetToken(ctx, opts.ID, ro...)
	if err != nil {
		return err
	}
	grace := "the old secret stopped working at once"
	if !expires.IsZero() {
		grace = "the old secret keeps working until " + expires.UTC().Format(time.RFC3339)
	}
	if herr := shell.HandOver(ctx, opts.Dir, opts.Exec, t, opts.IO.ErrOut); herr != nil {
		if opts.PrintOnFailure {
			fmt.Fprintln(opts.IO.Out, t.Secret)
			return fmt.Errorf("token %s was reset, but handing over its new secret failed: %v; the new secret is printed above; %s", t.ID, herr, grace)
		}
		return fmt.Errorf("token %s was reset, but handing over its new secret failed: %v; the new secret is lost (--print-on-failure prints it); %s", t.ID, herr, grace)
	}
	if err := opts.Print(present.Token(review.MaskSecret(t), opts.Format(), "")); err != nil {
		return err
	}
	opts.IO.Notef("rotated token %s: the new secret went to the command; %s", t.ID, grace)
	return nil
}
