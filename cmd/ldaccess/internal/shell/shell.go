// Package shell runs the shell command lines the user gives ldaccess (a token-command, an
// --exec that receives a new secret) with what they need and nothing more: no access token in
// their environment, and a new secret only on their standard input.
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
	"sync"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/tokenshape"
	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// TokenVariable is the environment variable ldaccess reads its token from by default.
const TokenVariable = "LD_ACCESS_TOKEN"

// Runner runs the command lines of one run of ldaccess. Every command it starts gets the
// run's environment without the run's access tokens: no variable that is a source of one
// (LD_ACCESS_TOKEN, any profile's token-env), and none whose value holds a token the run uses
// (whether it came from --token, a variable, the keyring or a token-command). Those commands
// have no need of them, and whatever they start, log or crash-report would get them too. An
// --exec that receives a new secret (HandOver) gets no variable holding anything shaped like
// an access token either; a token-command, whose job is to find its profile's token, may read
// one the run does not use.
type Runner struct {
	// Dir is the directory commands start in: the process's working directory when empty.
	Dir string
	// Environ is the environment commands start from, before the tokens are taken out;
	// os.Environ when nil.
	Environ func() []string

	mu        sync.Mutex
	variables []string // sources of tokens, by name
	tokens    []string // tokens the run uses
}

// KeepOut adds to what no command gets: the variable a token comes from (if not ""), and the
// token (if not ""), wherever it is found in a variable's value.
func (r *Runner) KeepOut(variable, token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if variable != "" && !slices.Contains(r.variables, variable) {
		r.variables = append(r.variables, variable)
	}
	if token = strings.TrimSpace(token); token != "" && !slices.Contains(r.tokens, token) {
		r.tokens = append(r.tokens, token)
	}
}

// Env is the environment of the commands ldaccess runs: its own without the variables that
// hold or name a token the run uses (see Runner), and, with shapes, any that holds something
// shaped like a token; and the names of the variables it left out.
func (r *Runner) Env(shapes bool) (env, left []string) {
	environ := os.Environ
	if r.Environ != nil {
		environ = r.Environ
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, kv := range environ() {
		name, value, _ := strings.Cut(kv, "=")
		if r.holdsToken(name, value) || (shapes && tokenshape.In(value)) {
			left = append(left, name)
			continue
		}
		env = append(env, kv)
	}
	return env, left
}

// holdsToken reports whether a variable is a source of a token the run uses, or holds one.
func (r *Runner) holdsToken(name, value string) bool {
	if strings.EqualFold(name, TokenVariable) || slices.ContainsFunc(r.variables, func(v string) bool { return strings.EqualFold(v, name) }) {
		return true
	}
	return slices.ContainsFunc(r.tokens, func(t string) bool { return strings.Contains(value, t) })
}

// Command is the line run by the shell (/bin/sh -c, cmd /c on Windows) in Dir, with Env(false) as
// its environment (a token-command's), and the names of the variables left out of it.
func (r *Runner) Command(ctx context.Context, line string) (*exec.Cmd, []string) {
	return r.command(ctx, line, false)
}

func (r *Runner) command(ctx context.Context, line string, shapes bool) (*exec.Cmd, []string) {
	shell, flag := "/bin/sh", "-c"
	if runtime.GOOS == "windows" {
		shell, flag = "cmd", "/c"
	}
	cmd := exec.CommandContext(ctx, shell, flag, line)
	cmd.Dir = r.Dir
	env, left := r.Env(shapes)
	cmd.Env = env
	return cmd, left
}

// HandOver runs the shell command line with a token's new secret on its standard input, and
// nowhere else: not in its arguments, not in its environment, not on the terminal (and no
// other token in its environment: Env(true)). From then on the streams redact the new secret
// as they do the run's own token, so that nothing ldaccess prints afterwards (an error quoting
// a server, the command's own output, which goes to stderr so that stdout stays ldaccess's)
// shows it. LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME are in the command's environment.
func (r *Runner) HandOver(ctx context.Context, line string, t api.Token, ios *iostreams.IOStreams) error {
	secret := t.Secret // review.Rotate has refused an answer without one
	ios.AddSecret(secret)
	cmd, _ := r.command(ctx, line, true)
	cmd.Stdin = strings.NewReader(secret)
	var output bytes.Buffer
	cmd.Stdout = &LimitedWriter{W: &output, N: 64 << 10}
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 2 * time.Second // after Ctrl-C, do not wait on what the command started
	// The name is the server's: a control character in it would make exec refuse to start
	// the command, after the reset, and lose the new secret.
	cmd.Env = append(cmd.Env, "LDACCESS_TOKEN_ID="+iostreams.Clean(t.ID, false), "LDACCESS_TOKEN_NAME="+iostreams.Clean(t.Name, false))
	err := cmd.Run()
	if out := output.String(); out != "" {
		fmt.Fprint(ios.ErrOut, out) // redacted by the stream
	}
	if err != nil {
		return fmt.Errorf("%s failed: %v", Quote(line), err)
	}
	return nil
}

// Quote quotes s for a shell, so that a command ldaccess prints for the user to run reads
// back exactly as it was: as it is when it holds only letters, digits and -_./:=@%+, else in
// single quotes, or, when it holds characters that printing would drop or act on (control and
// format characters, see textsafe.Harmful), in $'…' with those written as escapes (bash, zsh,
// ksh and POSIX.1-2024 sh read it).
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	if !strings.ContainsFunc(s, textsafe.Harmful) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && textsafe.Harmful(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case textsafe.Harmful(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String() + "'"
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
// line, like every command the user gives, with LESS=FRX unless LESS is set, as git does)
// when stdout is a terminal and text is longer than the screen, else written to stdout as it
// is. The text is redacted first, as all output is. A pager that cannot be started is passed
// over.
func (r *Runner) Page(ctx context.Context, ios *iostreams.IOStreams, text []byte) error {
	lines, height := bytes.Count(text, []byte("\n")), ios.TerminalHeight()
	if ios.Pager() == "" || !ios.IsStdoutTTY() || height == 0 || lines < height {
		_, err := ios.Out.Write(text)
		return err
	}
	cmd, _ := r.Command(ctx, ios.Pager())
	if !slices.ContainsFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "LESS=") }) {
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
