package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app is one run of the command: its standard streams, environment and clock, the values of
// the global flags, and what has to be cleaned up at the end. Nothing is global, so tests run
// the command in-process as often as they like.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// isTerminal reports whether a stream (os.Stdin, os.Stderr …) is a terminal.
	isTerminal func(stream any) bool
	// fixedClock is set when LDACCESS_NOW fixes now.
	fixedClock bool

	status *statusWriter

	// Global flags.
	token       string
	baseURL     string
	instance    string
	apiVersion  string
	timeout     time.Duration
	format      formatFlag
	useFake     bool
	fakeMembers int
	fakeTokens  int
	fakeSeed    int64

	cleanups []func()
}

// run runs the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return newApp(stdin, stdout, stderr, getenv).run(args)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	a := &app{
		stdin:      stdin,
		stdout:     stdout,
		stderr:     stderr,
		getenv:     getenv,
		now:        time.Now,
		isTerminal: isTerminal,
		format:     formatTable,
	}
	// LDACCESS_NOW fixes the clock (RFC 3339), so that an audit of the fake account, whose data
	// is dated relative to now, is reproducible in tests and documentation.
	if s := getenv("LDACCESS_NOW"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			a.now = func() time.Time { return t }
			a.fixedClock = true
		}
	}
	return a
}

// isTerminal reports whether stream is an *os.File (or anything with a file descriptor) open
// on a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) run(args []string) (code int) {
	a.status = &statusWriter{w: a.stderr, tty: a.isTerminal(a.stderr)}
	defer func() {
		for i := len(a.cleanups) - 1; i >= 0; i-- {
			a.cleanups[i]()
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			a.status.clear()
			fmt.Fprintf(a.stderr, "ldaccess: internal error: %v\n%s", v, debug.Stack())
			code = exitError
		}
	}()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	a.status.clear()
	code = exitCode(err)
	switch code {
	case exitOK:
	case exitUsage:
		fmt.Fprintf(a.stderr, "ldaccess: %s\n", oneLine(err.Error(), 500))
		if cmd != nil {
			fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	case exitFindings:
		fmt.Fprintf(a.stderr, "ldaccess: %s\n", err)
	default:
		fmt.Fprintf(a.stderr, "ldaccess: %s\n", describeError(err))
	}
	return code
}

// onExit registers f to run when the command is done, last registered first.
func (a *app) onExit(f func()) { a.cleanups = append(a.cleanups, f) }

// runE adapts a command's function: its errors are marked as its own (see runError), so that
// only errors cobra makes while parsing count as usage errors by default.
func (a *app) runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd, args); err != nil {
			return &runError{err: err}
		}
		return nil
	}
}

const rootLong = `ldaccess reviews and administers the access tokens and members of a LaunchDarkly account.

  ldaccess audit                        an access review: stale, unused and over-privileged
                                        tokens and members, with a summary of findings
  ldaccess tokens list|get|create|reset|delete
  ldaccess members list|get|invite|remove|set-role|add-to-teams

Connecting:
  Give an access token with --token or in LD_ACCESS_TOKEN. The commercial instance is the
  default; pick another with --instance eu|federal, or any URL with --base-url.
  --fake runs every command against an embedded fake account instead (with rate limits, so
  the client's backoff shows), and "ldaccess serve-fake" serves one for other tools.

Output:
  --format table (default), json or csv. JSON is the API's own representation for list and
  get commands, so it can be fed to jq or to other programs.

Destructive commands (tokens reset, tokens delete, members remove, members set-role) ask for
confirmation when stdin is a terminal. Otherwise they refuse to run unless --yes is given.

Exit codes:
  0  success
  1  an API or network error (one line: status, LaunchDarkly's code and message, request id),
     or a confirmation was declined
  2  a usage error: unknown command or flag, bad arguments, no access token
  3  audit --fail-on-findings found something`

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "ldaccess",
		Short:         "Review and administer LaunchDarkly access tokens and account members",
		Long:          rootLong,
		Version:       buildVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// No Args: cobra's default for a root with subcommands reports unknown commands, and
		// without a subcommand prints the help.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.timeout > 0 && cmd.Annotations["timeout"] != "none" {
				ctx, cancel := context.WithTimeout(cmd.Context(), a.timeout)
				a.onExit(cancel)
				cmd.SetContext(ctx)
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&a.token, "token", "", "LaunchDarkly access token (default $LD_ACCESS_TOKEN)")
	pf.StringVar(&a.baseURL, "base-url", "", "LaunchDarkly base URL, overriding --instance")
	pf.StringVar(&a.instance, "instance", "commercial", "LaunchDarkly instance: commercial, eu or federal")
	pf.StringVar(&a.apiVersion, "api-version", "", "LD-API-Version to send (default the library's, 20240415)")
	pf.DurationVar(&a.timeout, "timeout", 5*time.Minute, "give up on the whole command after this long (0 for never; serve-fake runs until interrupted)")
	pf.VarP(&a.format, "format", "o", "output format: table, json or csv")
	pf.BoolVar(&a.useFake, "fake", false, "run against an embedded fake LaunchDarkly account instead of a real one")
	pf.IntVar(&a.fakeMembers, "fake-members", 3000, "how many members the --fake account has")
	pf.IntVar(&a.fakeTokens, "fake-tokens", 0, "how many tokens the --fake account has (default about one per 60 members, at least 12)")
	pf.Int64Var(&a.fakeSeed, "fake-seed", 1, "seed for the --fake account's data; the same seed gives the same account")

	root.AddCommand(a.auditCmd(), a.tokensCmd(), a.membersCmd(), a.serveFakeCmd(), a.versionCmd())
	a.registerCompletions(root)
	return root
}

// exactArgs is cobra.ExactArgs with a message naming what is expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s (got %d argument%s)", cmdName(cmd), what, len(args), plural(len(args)))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with a message naming what is expected.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s takes %s", cmdName(cmd), what)
		}
		return nil
	}
}

// cmdName is the command's path without the program's name: "tokens get".
func cmdName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// groupCmd is a command that only holds subcommands: run alone, or with an unknown
// subcommand, it is a usage error.
func groupCmd(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			if len(args) > 0 {
				return usagef("unknown command %q for %q; want one of %s", args[0], cmd.CommandPath(), strings.Join(names, ", "))
			}
			return usagef("%s needs a subcommand: %s", cmdName(cmd), strings.Join(names, ", "))
		},
	}
	c.AddCommand(subs...)
	return c
}

// errNoToken explains how to connect.
var errNoToken = errors.New(`no access token: pass --token or set LD_ACCESS_TOKEN ` +
	`(create one in LaunchDarkly under Organization settings, Authorization), ` +
	`or try --fake to use an embedded fake account`)
