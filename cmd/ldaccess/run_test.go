package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/ldcmd"
	"github.com/ldaccess/ldaccess/fake"
)

// invocation is one in-process run of the command: its arguments, environment, streams and
// what is a terminal. The zero value runs with nothing set, no stream a terminal.
type invocation struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	// stdout and stderr, when set, receive the output (exec); run captures it instead.
	stdout, stderr                 io.Writer
	stdinTTY, stdoutTTY, stderrTTY bool
	width                          int
	dir                            string
	keyring                        keyring.Store
}

// result is how a run ended.
type result struct {
	code           int
	stdout, stderr string
}

// exec runs the invocation and returns the exit code.
func (inv invocation) exec() int {
	if inv.getenv == nil {
		inv.getenv = func(string) string { return "" }
	}
	if inv.stdin == nil {
		inv.stdin = strings.NewReader("")
	}
	if inv.stdout == nil {
		inv.stdout = io.Discard
	}
	if inv.stderr == nil {
		inv.stderr = io.Discard
	}
	if inv.keyring == nil {
		inv.keyring = keyring.OS() // TestMain made it go-keyring's in-memory mock
	}
	ios := iostreams.New(inv.stdin, inv.stdout, inv.stderr)
	ios.SetStdinTTY(inv.stdinTTY)
	ios.SetStdoutTTY(inv.stdoutTTY)
	ios.SetStderrTTY(inv.stderrTTY)
	if inv.width > 0 {
		ios.SetTerminalWidth(inv.width)
	}
	f := ldcmd.NewFactory(ios, inv.getenv, inv.keyring)
	f.Dir = inv.dir
	return ldcmd.Run(context.Background(), f, inv.args)
}

// run runs the invocation, capturing its output.
func (inv invocation) run() result {
	var out, errb strings.Builder
	inv.stdout, inv.stderr = &out, &errb
	code := inv.exec()
	return result{code, out.String(), errb.String()}
}

// envOf is getenv for a map.
func envOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// runWith runs the command in-process against srv, with stdin and stderr pretending to be
// terminals when tty is true.
func runWith(t *testing.T, srv *fake.Server, stdin string, tty bool, args ...string) result {
	t.Helper()
	env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	return invocation{
		args: append([]string{"--base-url", srv.URL}, args...), getenv: envOf(env),
		stdin: strings.NewReader(stdin), stdinTTY: tty, stdoutTTY: tty, stderrTTY: tty,
	}.run()
}

// newFake and newFakeSeed serve a small seeded account on the scripts' fixed clock.
var newFake, newFakeSeed = cmdtest.NewFake, cmdtest.NewFakeSeed
