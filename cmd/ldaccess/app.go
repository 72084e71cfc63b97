package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
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
	// termWidth is the width in columns of the terminal a stream is open on, 0 if unknown.
	termWidth func(stream any) int
	// fixedClock is set when LDACCESS_NOW fixes now.
	fixedClock bool

	status *statusWriter
	// redact, set once a client exists, keeps the tokens of every client the run made (one
	// an account) off stdout, stderr and the files it writes: every write passes through it
	// whole (see redactingWriter). addRedaction adds a client's.
	redact func(string) string

	// Global flags.
	token       string
	baseURL     string
	instance    instanceFlag
	profiles    []string
	apiVersion  string
	timeout     time.Duration
	format      formatFlag
	wide        bool
	fields      []string
	useFake     bool
	fakeMembers int
	fakeTokens  int
	fakeSeed    int64
	fakeSCIM    bool

	// changed reports whether a flag was given on the command line (set once flags are parsed).
	changed func(name string) bool
	// keyring holds tokens of profiles; the OS keyring but in tests.
	keyring secretStore

	cleanupMu sync.Mutex // audit connects to several accounts at once
	cleanups  []func()
	// dir is the directory relative file names (--plan, --policy, --from …) are in, and the
	// one the commands it runs (--exec, token-command) start in: the process's working
	// directory when empty. Tests that run the command in-process set it.
	dir string
}

// run runs the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return newApp(stdin, stdout, stderr, getenv).run(args)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	a := &app{
		stdin:      stdin,
		getenv:     getenv,
		now:        time.Now,
		isTerminal: isTerminal,
		termWidth:  termWidth,
		format:     formatTable,
		instance:   instanceCommercial,
		keyring:    osKeyring{},
		changed:    func(string) bool { return false },
	}
	a.stdout, a.stderr = &redactingWriter{w: stdout, a: a}, &redactingWriter{w: stderr, a: a}
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

// redactingWriter writes what the command prints, the client's token redacted from each write
// as a whole: whatever prints what a server sent writes it in one piece (render does), so
// that no write boundary splits the token.
type redactingWriter struct {
	w io.Writer
	a *app
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	if s := r.a.redacted(string(p)); s != string(p) {
		_, err := io.WriteString(r.w, s)
		return len(p), err
	}
	return r.w.Write(p)
}

// stream is the stream a command writes to, without the redaction in front of it: what
// isTerminal and termWidth ask about.
func stream(w io.Writer) io.Writer {
	if r, ok := w.(*redactingWriter); ok {
		return r.w
	}
	return w
}

// isTerminal reports whether stream is an *os.File (or anything with a file descriptor) open
// on a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth is the width of the terminal stream is open on, or 0.
func termWidth(stream any) int {
	f, ok := stream.(interface{ Fd() uintptr })
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// renderOptions fits tables to stdout when it is a terminal, unless --wide.
func (a *app) renderOptions() renderOptions {
	o := renderOptions{Fields: a.fields}
	if !a.wide && a.isTerminal(stream(a.stdout)) {
		o.Width = a.termWidth(stream(a.stdout))
	}
	return o
}

func (a *app) run(args []string) (code int) {
	a.status = &statusWriter{w: a.stderr, tty: a.isTerminal(stream(a.stderr))}
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

	ctx, stop := notifyInterrupt(context.Background())
	defer stop()

	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	a.status.clear()
	var sig interrupted
	if errors.As(context.Cause(ctx), &sig) {
		// The shell's convention, 128 + the signal's number: a script sees that it was stopped.
		var stopped interrupted
		if err != nil && !errors.Is(err, context.Canceled) && !errors.As(err, &stopped) {
			// What was done before the interruption matters (a token already reset, a plan
			// half applied and how to resume it).
			fmt.Fprintf(a.stderr, "ldaccess: %s\n", describeError(err))
		}
		if err != nil {
			fmt.Fprintln(a.stderr, "ldaccess: interrupted")
		}
		return 128 + int(sig.signal)
	}
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

// onExit registers f to run when the command is done, last registered first.
func (a *app) onExit(f func()) {
	a.cleanupMu.Lock()
	defer a.cleanupMu.Unlock()
	a.cleanups = append(a.cleanups, f)
}

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
                                        tokens and members, grouped by risk; --format html
                                        writes a report for auditors
  ldaccess audit --plan plan.json --policy policy.json
                                        ... and a remediation plan of the policy's actions
  ldaccess apply plan.json              carry a plan out: exactly, once, resumably (journal)
  ldaccess tokens list|get|create|reset|rotate|delete
  ldaccess members list|get|invite|remove|set-role|add-to-teams|offboard
  ldaccess profile add|list|show|remove named accounts and where their tokens come from

Connecting:
  Give an access token with --token or in LD_ACCESS_TOKEN. The commercial instance is the
  default; pick another with --instance eu|federal, or any URL with --base-url.
  --profile NAME (or LDACCESS_PROFILE) takes all of that from a profile instead, its token
  from an environment variable, the OS keyring or a command: see "ldaccess profile --help".
  --fake runs every command against an embedded fake account instead (with rate limits, so
  the client's backoff shows), and "ldaccess serve-fake" serves one for other tools.

Output:
  --format table (default), json or csv; html for audit. On a terminal tables fit its width
  (--wide shows every column in full); in a pipe they are never cut. JSON is the API's own
  representation for list and get commands, ready for jq; --fields a,b keeps those fields.

Destructive commands (tokens reset, tokens delete, members remove, members set-role) ask for
confirmation when stdin is a terminal. Otherwise they refuse to run unless --yes is given.

Exit codes:
  0    success
  1    an API or network error (one line: status, LaunchDarkly's code and message, request id),
       or a confirmation was declined
  2    a usage error: unknown command or flag, bad arguments, no access token
  3    audit --fail-on-findings found something; apply skipped actions whose object changed
  130  interrupted (Ctrl-C)`

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
			if len(a.fields) > 0 && a.format != formatJSON {
				return usagef("--fields selects JSON fields: use it with --format json")
			}
			a.changed = cmd.Flags().Changed
			if len(a.profiles) > 1 && cmd.Annotations["profiles"] == "" {
				return usagef("--profile can be given once, except to audit")
			}
			if a.format == formatHTML && cmd.Annotations["html"] == "" {
				return usagef("--format html is only for audit; %s prints table, json or csv", cmdName(cmd))
			}
			if a.timeout > 0 && cmd.Annotations["timeout"] != "none" {
				ctx, cancel := context.WithTimeout(cmd.Context(), a.timeout)
				a.onExit(cancel)
				cmd.SetContext(ctx)
			}
			return nil
		},
	}
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&a.token, "token", "", "LaunchDarkly access token (default $LD_ACCESS_TOKEN)")
	pf.StringVar(&a.baseURL, "base-url", "", "LaunchDarkly base URL, overriding --instance")
	pf.Var(&a.instance, "instance", "LaunchDarkly instance: commercial, eu or federal")
	pf.StringArrayVar(&a.profiles, "profile", nil, "use the account of this profile (default $LDACCESS_PROFILE; see ldaccess profile)")
	pf.StringVar(&a.apiVersion, "api-version", "", "LD-API-Version to send (default the library's, 20240415)")
	pf.DurationVar(&a.timeout, "timeout", 5*time.Minute, "give up on the whole command after this long (0 for never; serve-fake runs until interrupted)")
	pf.VarP(&a.format, "format", "o", "output format: table, json or csv (and html for audit)")
	pf.BoolVar(&a.wide, "wide", false, "on a terminal, show every column in full instead of fitting tables to its width")
	pf.StringSliceVar(&a.fields, "fields", nil, "with --format json, keep only these top-level fields (comma-separated)")
	pf.BoolVar(&a.useFake, "fake", false, "run against an embedded fake LaunchDarkly account instead of a real one")
	pf.IntVar(&a.fakeMembers, "fake-members", 3000, "how many members the --fake account has")
	pf.IntVar(&a.fakeTokens, "fake-tokens", 0, "how many tokens the --fake account has (default about one per 60 members, at least 12)")
	pf.Int64Var(&a.fakeSeed, "fake-seed", 1, "seed for the --fake account's data; the same seed gives the same account")
	pf.BoolVar(&a.fakeSCIM, "fake-scim", false, "the --fake account's members are managed by SCIM: removals and invites are refused")

	root.AddCommand(a.auditCmd(), a.applyCmd(), a.tokensCmd(), a.membersCmd(), a.profileCmd(), a.serveFakeCmd(), a.versionCmd())
	a.registerCompletions(root)
	return root
}

// usageTemplate is cobra's, except that a subcommand's help names the global flags in one line
// instead of repeating all of them above its own; "ldaccess --help" lists them.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global flags (--profile, --token, --instance, --base-url, --format, --fake …) work here too:
see "{{.Root.Name}} --help".{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`

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

// plural and pluralES are the endings of a count's noun: "1 action", "2 actions"; "1
// address", "2 addresses".
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
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
	`choose a --profile (see ldaccess profile --help), or try --fake to use an embedded fake account`)

// path resolves a file name the user gave against a.dir.
func (a *app) path(name string) string {
	if a.dir == "" || name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(a.dir, name)
}

// addRedaction adds a client's redaction to what the command's output goes through, keeping
// those of the clients made before: with several profiles, every account's token is kept out.
func (a *app) addRedaction(redact func(string) string) {
	if prev := a.redact; prev != nil {
		a.redact = func(s string) string { return redact(prev(s)) }
		return
	}
	a.redact = redact
}

// redacted is s with the tokens of the run's clients redacted.
func (a *app) redacted(s string) string {
	if a.redact == nil {
		return s
	}
	return a.redact(s)
}
