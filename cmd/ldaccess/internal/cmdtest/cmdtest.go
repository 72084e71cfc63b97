// Package cmdtest is what the commands' tests are built with: a Factory on in-memory streams,
// a fake LaunchDarkly to connect it to, and the execution of one command's argv, as gh's
// tests do, so that parsing is tested from argv to options without a server and every run
// in-process.
package cmdtest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/fake"
)

// Now is the tests' fixed clock.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Streams are a test run's streams.
type Streams struct {
	In       *strings.Reader
	Out, Err *bytes.Buffer
}

// NewFactory is a Factory on in-memory streams (stdin holds stdin; no stream is a terminal
// until the test says so), on the fixed clock, with no account configured and no keyring.
func NewFactory(t testing.TB, stdin string) (*cmdutil.Factory, *Streams) {
	t.Helper()
	st := &Streams{In: strings.NewReader(stdin), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	ios := iostreams.New(st.In, st.Out, st.Err)
	now := func() time.Time { return Now }
	getenv := func(string) string { return "" }
	sh := &shell.Runner{}
	accounts := &connect.Accounts{Flags: connect.DefaultFlags(), IO: ios, Getenv: getenv, Now: now, FixedClock: true, UserAgent: "ldaccess-test", Shell: sh}
	t.Cleanup(accounts.Close)
	f := &cmdutil.Factory{
		IOStreams: ios,
		Prompter:  iostreams.Prompter{IO: ios},
		Now:       now,
		Getenv:    getenv,
		Output:    &render.Settings{Format: render.Table},
		Accounts:  accounts,
		Shell:     sh,
		Version:   "test",
	}
	t.Cleanup(f.RunDeferred)
	return f, st
}

// NewFake serves a small seeded account on the fixed clock, closed when the test ends.
func NewFake(t testing.TB, members, tokens int) *fake.Server {
	t.Helper()
	return NewFakeSeed(t, members, tokens, 3)
}

// NewFakeSeed is NewFake with another seed: another account.
func NewFakeSeed(t testing.TB, members, tokens int, seed int64) *fake.Server {
	t.Helper()
	srv := fake.NewServer(fake.Options{
		Account: fake.Seed(fake.SeedOptions{Members: members, Tokens: tokens, Seed: seed, Now: Now}),
		Now:     func() time.Time { return Now },
	})
	t.Cleanup(srv.Close)
	return srv
}

// ConnectTo points f at srv, with its admin token, as --base-url and --token given on the
// command line would: the commands a run prints for the user to run (Env.Again) name the
// account with --base-url, as they would then.
func ConnectTo(f *cmdutil.Factory, srv *fake.Server) {
	root, run := &cobra.Command{Use: "ldaccess"}, &cobra.Command{Use: "run"}
	root.AddCommand(run)
	pf := root.PersistentFlags()
	pf.StringVar(&f.Accounts.Flags.BaseURL, "base-url", "", "")
	pf.StringVar(&f.Accounts.Flags.Token, "token", "", "")
	_ = pf.Set("base-url", srv.URL)
	_ = pf.Set("token", srv.AdminSecret())
	f.Ran(run)
}

// Execute runs cmd alone with argv, as the root would run it, and returns how it ended, in
// the command's words (cmdutil.Explain).
func Execute(cmd *cobra.Command, argv ...string) error {
	cmd.SetArgs(argv)
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	cmd.SetIn(&bytes.Buffer{})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	ran, err := cmd.ExecuteContextC(context.Background())
	return cmdutil.Explain(ran, err)
}

// Capture returns a runF that records the options it is given, and where they go.
func Capture[O any]() (func(context.Context, *O) error, **O) {
	var got *O
	return func(_ context.Context, o *O) error {
		got = o
		return nil
	}, &got
}

// Parse makes a command with newCmd from a fresh Factory (whose stdin is a terminal when tty)
// and runs argv through it up to the options its RunE hands on, without running anything:
// it returns those options (nil when parsing refused argv), and the error.
func Parse[O any](t testing.TB, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, tty bool, argv ...string) (*O, error) {
	t.Helper()
	f, _ := NewFactory(t, "")
	f.IOStreams.SetStdinTTY(tty)
	runF, got := Capture[O]()
	err := Execute(newCmd(f, runF), argv...)
	return *got, err
}

// Prompter answers every question with Answer, and records the questions.
type Prompter struct {
	Answer    bool
	Secret    string
	Questions []string
}

// Confirm records the question and answers it.
func (p *Prompter) Confirm(_ context.Context, question string) (bool, error) {
	p.Questions = append(p.Questions, question)
	return p.Answer, nil
}

// Password records the prompt and returns Secret.
func (p *Prompter) Password(prompt string) (string, error) {
	p.Questions = append(p.Questions, prompt)
	return p.Secret, nil
}
