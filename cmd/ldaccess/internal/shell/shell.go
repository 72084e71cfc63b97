// Package shell runs the shell command lines the user gives ldaccess (a token-command, an
// --exec that receives a new secret) with what they need and nothing more: not the access
// token in their environment, and a secret only on their standard input.
package shell

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Command is line run by the shell (/bin/sh -c, cmd /c on Windows) in dir (this process's
// working directory when empty), with Env as its environment.
func Command(ctx context.Context, dir, line string) *exec.Cmd {
	shell, flag := "/bin/sh", "-c"
	if runtime.GOOS == "windows" {
		shell, flag = "cmd", "/c"
	}
	cmd := exec.CommandContext(ctx, shell, flag, line)
	cmd.Dir = dir
	cmd.Env = Env()
	return cmd
}

// Env is the environment of the commands ldaccess runs: its own, without the access token it
// may hold, which those commands have no need of.
func Env() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "LD_ACCESS_TOKEN=") })
}

// HandOver runs the shell command line with a token's new secret on its standard input, and
// nowhere else: not in its arguments, not in its environment, not on the terminal. The
// command's own output goes to stderr (so that stdout stays ldaccess's), with the secret, or
// any 8 characters of it, redacted should a careless command echo what it read.
// LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME are in its environment.
func HandOver(ctx context.Context, dir, line string, t api.Token, stderr io.Writer) error {
	secret := t.Secret
	if len(secret) <= 4 {
		return fmt.Errorf("the answer held no secret to hand over")
	}
	cmd := Command(ctx, dir, line)
	cmd.Stdin = strings.NewReader(secret)
	var output bytes.Buffer
	cmd.Stdout = &LimitedWriter{W: &output, N: 64 << 10}
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 2 * time.Second // after Ctrl-C, do not wait on what the command started
	// The name is the server's: a control character in it would make exec refuse to start
	// the command, after the reset, and lose the new secret.
	cmd.Env = append(cmd.Env, "LDACCESS_TOKEN_ID="+iostreams.Clean(t.ID, false), "LDACCESS_TOKEN_NAME="+iostreams.Clean(t.Name, false))
	err := cmd.Run()
	if out := wrapper.Redact(output.String(), secret); out != "" {
		fmt.Fprint(stderr, out)
	}
	if err != nil {
		return fmt.Errorf("%q failed: %v", line, err)
	}
	return nil
}

// LimitedWriter keeps the first N bytes written to W and drops the rest.
type LimitedWriter struct {
	W io.Writer
	N int
}

// Write writes what is left of the first N bytes and reports all of p written.
func (l *LimitedWriter) Write(p []byte) (int, error) {
	k := min(len(p), l.N)
	l.N -= k
	if k > 0 {
		if _, err := l.W.Write(p[:k]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Page shows text on the terminal: through the pager (iostreams.Pager, run as a shell command
// line with LESS=FRX unless LESS is set, as git does) when stdout is a terminal and text is
// longer than the screen, else written to stdout as it is. The text is redacted first, as all
// output is. A pager that cannot be started is passed over.
func Page(ctx context.Context, ios *iostreams.IOStreams, text []byte) error {
	lines, height := bytes.Count(text, []byte("\n")), ios.TerminalHeight()
	if ios.Pager() == "" || !ios.IsStdoutTTY() || height == 0 || lines < height {
		_, err := ios.Out.Write(text)
		return err
	}
	cmd := Command(ctx, "", ios.Pager())
	if _, ok := os.LookupEnv("LESS"); !ok {
		cmd.Env = append(cmd.Env, "LESS=FRX")
	}
	cmd.Stdin = strings.NewReader(ios.Redact(string(text)))
	cmd.Stdout = ios.Terminal()
	cmd.Stderr = ios.ErrOut
	if err := cmd.Start(); err != nil {
		_, err := ios.Out.Write(text)
		return err
	}
	return cmd.Wait()
}
