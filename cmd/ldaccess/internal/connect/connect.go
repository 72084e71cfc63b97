// Package connect turns what the command line names — the global flags, or profiles — into
// accounts to connect to, and into clients for them: LaunchDarkly with a token from wherever
// the profile says, or an embedded fake account.
package connect

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Flags are the global flags that say which account to connect to, and how.
type Flags struct {
	Token       string
	BaseURL     string
	Instance    string
	Profiles    []string
	APIVersion  string
	Fake        bool
	FakeMembers int
	FakeTokens  int
	FakeSeed    int64
	FakeSCIM    bool
}

// DefaultFlags are the flags' defaults.
func DefaultFlags() Flags {
	return Flags{Instance: config.InstanceCommercial, FakeMembers: 3000, FakeSeed: 1}
}

// Accounts connects a run of the command to the accounts its command line names. Close ends
// what it started (embedded fakes).
type Accounts struct {
	Flags Flags
	// Changed reports whether a global flag was given on the command line (nil: none was).
	Changed func(flag string) bool
	IO      *iostreams.IOStreams
	Getenv  func(string) string
	Keyring keyring.Store
	// Now is the run's clock; FixedClock is set when LDACCESS_NOW fixes it, and then the
	// embedded fake runs on it too, without rate limits (a fixed clock would never end a window).
	Now        func() time.Time
	FixedClock bool
	// Shell runs token-commands, and is told of every token the run uses, so that no command
	// it runs gets one.
	Shell     *shell.Runner
	UserAgent string

	mu      sync.Mutex
	closers []func()
}

// Given reports whether the global flag was given on the command line.
func (a *Accounts) Given(flag string) bool { return a.Changed != nil && a.Changed(flag) }

// Close stops the embedded fakes the run started.
func (a *Accounts) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

func (a *Accounts) onClose(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closers = append(a.closers, f)
}

// Client returns a client for the one account the command line names.
func (a *Accounts) Client(ctx context.Context) (*wrapper.Client, error) {
	ts, err := a.Targets()
	if err != nil {
		return nil, err
	}
	c, _, err := a.Connect(ctx, ts[0])
	return c, err
}

// Connect returns a client for t — an embedded fake, or LaunchDarkly (or a base URL) with t's
// token — and the base URL it uses. The client's token is added to what the streams redact.
func (a *Accounts) Connect(ctx context.Context, t Target) (*wrapper.Client, string, error) {
	var token, base string
	var err error
	if t.Fake {
		token, base, err = a.startFake(t)
	} else {
		token, base, err = a.reach(ctx, t)
	}
	if err != nil {
		return nil, "", err
	}
	notes := retryNotes{io: a.IO}
	opts := []wrapper.Option{
		wrapper.WithBaseURL(base),
		wrapper.WithUserAgent(a.UserAgent),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 6, MaxWait: time.Minute, OnRetry: notes.retry, OnPace: notes.pace}),
	}
	if t.APIVersion != "" {
		if strings.Trim(t.APIVersion, "0123456789") != "" {
			return nil, "", clierr.Usagef("%s %q is not an API version like 20240415", t.From("api-version"), t.APIVersion)
		}
		opts = append(opts, wrapper.WithAPIVersion(t.APIVersion))
	}
	c, err := wrapper.New(token, opts...)
	if err != nil {
		// ResolveBaseURL has checked the URL, the API version is digits and the user agent is
		// ours: what is left is a token a header cannot hold. The wrapper never quotes it.
		return nil, "", clierr.Usagef("%sthe access token is not usable: it is empty or holds spaces or control characters", t.prefix())
	}
	a.IO.AddRedaction(c.Redact)
	a.Shell.KeepOut("", token)
	return c, base, nil
}

// startFake starts the embedded fake account of t, stopped by Close.
func (a *Accounts) startFake(t Target) (token, base string, err error) {
	if a.Given("base-url") {
		return "", "", clierr.Usagef("--fake and --base-url cannot be used together")
	}
	for _, f := range []string{"token", "instance"} {
		if a.Given(f) {
			a.IO.Notef("--%s is ignored with --fake: the embedded account has its own", f)
		}
	}
	acct, err := a.FakeAccount(t)
	if err != nil {
		return "", "", err
	}
	srv := fake.NewServer(a.FakeOptions(acct, true))
	a.onClose(srv.Close)
	a.IO.Notef("%susing an embedded fake LaunchDarkly account with %d members (not a real account)", t.prefix(), len(acct.Members))
	return srv.AdminSecret(), srv.URL, nil
}

// reach is LaunchDarkly's base URL for t, and t's token.
func (a *Accounts) reach(ctx context.Context, t Target) (token, base string, err error) {
	if base, err = ResolveBaseURL(t); err != nil {
		return "", "", err
	}
	if note := BaseURLNote(t); note != "" {
		a.IO.Notef("%s", note)
	}
	if token, err = t.token(ctx); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(token), base, nil
}
