package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"

	"github.com/ldaccess/ldaccess/review"
)

// handOver runs the shell command line with a token's new secret on its standard input, and
// nowhere else: not in its arguments, not in its environment, not on the terminal. The
// command's own output goes to stderr, so that stdout stays this command's.
func (a *app) handOver(ctx context.Context, command string, t api.Token) error {
	secret := t.Secret
	if len(secret) <= 4 {
		return fmt.Errorf("the answer held no secret to hand over")
	}
	shell, flag := "/bin/sh", "-c"
	if runtime.GOOS == "windows" {
		shell, flag = "cmd", "/c"
	}
	cmd := exec.CommandContext(ctx, shell, flag, command)
	cmd.Dir = a.dir
	cmd.Stdin = strings.NewReader(secret)
	var output bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &output, n: 64 << 10}
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 2 * time.Second // after Ctrl-C, do not wait on what the command started
	// The name is the server's: a control character in it would make exec refuse to start
	// the command, after the reset, and lose the new secret.
	cmd.Env = append(childEnv(), "LDACCESS_TOKEN_ID="+visible(t.ID, false), "LDACCESS_TOKEN_NAME="+visible(t.Name, false))
	err := cmd.Run()
	// The command's output goes to stderr, with the secret, or any 8 characters of it,
	// redacted should a careless command echo what it read.
	if out := wrapper.Redact(output.String(), secret); out != "" {
		fmt.Fprint(a.stderr, out)
	}
	if err != nil {
		return fmt.Errorf("%q failed: %v", command, err)
	}
	return nil
}

func (a *app) tokensRotateCmd() *cobra.Command {
	var yes, printOnFailure bool
	var command string
	expireOld := ageFlag(0)
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
		Example: `  ldaccess tokens rotate 61095542756dba551110ae21 --expire-old-in 1h \
      --exec 'aws secretsmanager put-secret-value --secret-id ld-token --secret-string file:///dev/stdin'
  ldaccess tokens rotate 61095542756dba551110ae21 --yes --exec 'vault kv put secret/ld token=-'`,
		Args: exactArgs(1, "one token ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if strings.TrimSpace(command) == "" {
				return usagef("--exec is required: the command that receives the new secret on stdin (use tokens reset to print it instead)")
			}
			id := args[0]
			c, err := a.confirmTokenChange(ctx, yes, "tokens rotate", id, func(t api.Token) string {
				return fmt.Sprintf("Rotate token %q (%s, owner %s) and hand the new secret to %q?", t.Name, t.ID, tokenOwner(t), command)
			})
			if err != nil {
				return err
			}
			var opts []wrapper.ResetOption
			var expires time.Time
			if expireOld > 0 {
				expires = a.now().Add(time.Duration(expireOld)).Truncate(time.Millisecond)
				opts = append(opts, wrapper.ExpireOldKeyAt(expires))
			}
			t, err := c.ResetToken(ctx, id, opts...)
			if err != nil {
				return err
			}
			grace := "the old secret stopped working at once"
			if !expires.IsZero() {
				grace = "the old secret keeps working until " + expires.UTC().Format(time.RFC3339)
			}
			if herr := a.handOver(ctx, command, t); herr != nil {
				if printOnFailure {
					fmt.Fprintln(a.stdout, t.Secret)
					return fmt.Errorf("token %s was reset, but handing over its new secret failed: %v; the new secret is printed above; %s", t.ID, herr, grace)
				}
				return fmt.Errorf("token %s was reset, but handing over its new secret failed: %v; the new secret is lost (--print-on-failure prints it); %s", t.ID, herr, grace)
			}
			if err := a.render(tokenView(review.MaskSecret(t), string(a.format), "")); err != nil {
				return err
			}
			a.status.notef("rotated token %s: the new secret went to the command; %s", t.ID, grace)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&command, "exec", "", "shell command that receives the new secret on stdin (required)")
	f.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	f.BoolVar(&printOnFailure, "print-on-failure", false, "if the command fails, print the new secret on stdout rather than lose it")
	f.Var(&expireOld, "expire-old-in", `keep the old secret working this long: "1h", "2d" (default: stop at once)`)
	return cmd
}

// childEnv is the environment of the commands ldaccess runs (--exec, token-command): its own,
// without the access token it may hold, which those commands have no need of.
func childEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "LD_ACCESS_TOKEN=") })
}
