// Package ldcmd runs the ldaccess command: it builds the Factory a run shares, executes the
// command line, and turns how it ended into an exit code and one line on stderr.
package ldcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/root"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/version"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
)

// Main runs the process's command line on its streams, and returns the exit code.
func Main() int {
	ctx, stop := notifyInterrupt(context.Background())
	defer stop()
	return Run(ctx, NewFactory(iostreams.System(), os.Getenv, keyring.OS()), os.Args[1:])
}

// NewFactory is what one run shares: the streams, the environment, the keyring, and the
// clock, which LDACCESS_NOW (RFC 3339) fixes so that an audit of the fake account, whose data
// is dated relative to now, is reproducible in tests and documentation.
func NewFactory(ios *iostreams.IOStreams, getenv func(string) string, kr keyring.Store) *cmdutil.Factory {
	now, fixed := time.Now, false
	if s := getenv("LDACCESS_NOW"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			now, fixed = func() time.Time { return t }, true
		}
	}
	v := version.Build()
	sh := &shell.Runner{}
	return &cmdutil.Factory{
		IOStreams: ios,
		Prompter:  iostreams.Prompter{IO: ios},
		Now:       now,
		Getenv:    getenv,
		Keyring:   kr,
		Shell:     sh,
		Output:    &render.Settings{Format: render.Table},
		Version:   v,
		Accounts: &connect.Accounts{
			Flags: connect.DefaultFlags(), IO: ios, Getenv: getenv, Keyring: kr, Shell: sh,
			Now: now, FixedClock: fixed, UserAgent: "ldaccess-cli/" + v,
		},
	}
}

// Run runs the command line args with f, under ctx, and returns the exit code: 128 + the
// signal's number when a signal (notifyInterrupt) ended ctx.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) (code int) {
	ios := f.IOStreams
	f.Shell.Dir = f.Dir
	defer f.Accounts.Close()
	defer f.RunDeferred()
	defer func() {
		if v := recover(); v != nil {
			ios.ClearProgress()
			fmt.Fprintf(ios.ErrOut, "ldaccess: internal error: %v\n%s", v, debug.Stack())
			code = clierr.ExitError
		}
	}()

	cmd := root.NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	ios.ClearProgress()
	err = cmdutil.Explain(ran, err)
	var sig interrupted
	if errors.As(context.Cause(ctx), &sig) {
		reportInterrupted(ios, err)
		return 128 + int(sig.signal)
	}
	code = clierr.Code(err)
	switch code {
	case clierr.ExitOK:
	case clierr.ExitUsage:
		ios.Notef("%s", clierr.OneLine(err.Error(), clierr.MaxLine))
		if ran != nil {
			fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", ran.CommandPath())
		}
	default:
		reportWaits(ios)
		ios.Notef("%s", clierr.Describe(err))
	}
	reportNextStep(ios, err)
	return code
}

// reportWaits says, when a command ends badly, how long LaunchDarkly's rate limit held it
// back: the pauses showed only as progress on a terminal, and not at all in a pipe, but they
// may be why it ran out of --timeout.
func reportWaits(ios *iostreams.IOStreams) {
	if n, d := ios.WaitedForRateLimit(); n > 0 {
		ios.Notef("LaunchDarkly's rate limit held the command back %d time%s, %s in all", n, cmdutil.Plural(n), iostreams.Duration(d.Round(100*time.Millisecond)))
	}
}

// reportInterrupted says that a signal stopped the command, and what was done before, which
// matters (a token already reset, a plan half applied and how to resume it).
func reportInterrupted(ios *iostreams.IOStreams, err error) {
	if err == nil {
		return
	}
	reportWaits(ios)
	var stopped interrupted
	if !errors.Is(err, context.Canceled) && !errors.As(err, &stopped) {
		ios.Notef("%s", clierr.Describe(err))
	}
	fmt.Fprintln(ios.ErrOut, "ldaccess: interrupted")
	reportNextStep(ios, err)
}

// reportNextStep ends the output of a command that left something to put right (a clierr.
// Recovery: a lost secret, an apply stopped part way) with the command line that does it:
// last, where it is seen, and whole on its line, never wrapped, so that it can be copied.
func reportNextStep(ios *iostreams.IOStreams, err error) {
	if what, command := clierr.NextStep(err); command != "" {
		fmt.Fprintf(ios.ErrOut, "ldaccess: %s %s\n", what, command)
	}
}

// interrupted is the cause of a command's context when a signal ended it.
type interrupted struct{ signal syscall.Signal }

// Error names the signal.
func (i interrupted) Error() string { return "interrupted by " + i.signal.String() }

// notifyInterrupt returns a context cancelled with cause interrupted when SIGINT (Ctrl-C) or
// SIGTERM arrives. After the first signal the default handling is back, so that a second
// Ctrl-C ends a command that does not stop.
func notifyInterrupt(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{signal: sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}
