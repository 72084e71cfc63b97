package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// fakeRateLimit is the rate limit of the --fake account: generous enough that a demo of a few
// thousand members finishes in seconds, tight enough that the client's pacing shows.
func fakeRateLimit() *fake.RateLimit {
	return &fake.RateLimit{Route: 10, Global: 40, Window: time.Second}
}

// fakeAccount seeds the fake account --fake and serve-fake use.
func (a *app) fakeAccount() (*fake.Account, error) {
	return a.fakeAccountOf(a.flagsTarget())
}

// fakeAccountOf seeds the fake account of a target.
func (a *app) fakeAccountOf(t target) (*fake.Account, error) {
	if t.FakeMembers < 1 || t.FakeMembers > 1_000_000 {
		return nil, usagef("%s must be between 1 and 1000000, not %d", t.from("fake-members"), t.FakeMembers)
	}
	tokens := t.FakeTokens
	if tokens < 0 {
		return nil, usagef("%s must not be negative", t.from("fake-tokens"))
	}
	if tokens == 0 {
		tokens = max(12, t.FakeMembers/60)
	}
	return fake.Seed(fake.SeedOptions{Members: t.FakeMembers, Tokens: tokens, Seed: t.FakeSeed, Now: a.now()}), nil
}

// fakeOptions configures the fake of --fake and serve-fake. Rate limits are on unless
// limited is false or the clock is fixed (LDACCESS_NOW): a fixed clock would never end a
// window. With a fixed clock the fake runs on it too, so that its output is reproducible.
func (a *app) fakeOptions(acct *fake.Account, limited bool) fake.Options {
	opts := fake.Options{Account: acct, SCIM: a.fakeSCIM}
	if a.fixedClock {
		opts.Now = a.now
	} else if limited {
		opts.RateLimit = fakeRateLimit()
	}
	return opts
}

// instanceFlag is --instance: exactly commercial, eu or federal, checked while flags are parsed.
type instanceFlag string

const (
	instanceCommercial = "commercial"
	instanceEU         = "eu"
	instanceFederal    = "federal"
)

// String, Type and Set make instanceFlag a pflag.Value.
func (f *instanceFlag) String() string { return string(*f) }
func (f *instanceFlag) Type() string   { return "commercial|eu|federal" }
func (f *instanceFlag) Set(s string) error {
	if _, err := instanceURL(s); err != nil {
		return err
	}
	*f = instanceFlag(s)
	return nil
}

// instanceURL is the base URL of a LaunchDarkly instance.
func instanceURL(instance string) (string, error) {
	switch instance {
	case instanceCommercial:
		return wrapper.BaseURL, nil
	case instanceEU:
		return wrapper.BaseURLEU, nil
	case instanceFederal:
		return wrapper.BaseURLFederal, nil
	}
	return "", fmt.Errorf("must be commercial, eu or federal, not %q", instance)
}

// target is one account to connect to, from the global flags or from a profile.
type target struct {
	// Profile is the profile's name, "" for the global flags.
	Profile string
	// Instance is commercial, eu or federal; BaseURL, when set, overrides it.
	Instance   string
	BaseURL    string
	APIVersion string
	// Fake targets an embedded fake account seeded with these.
	Fake        bool
	FakeMembers int
	FakeTokens  int
	FakeSeed    int64
	// token gets the access token (not for the fake); usage errors say how to give one.
	token func(context.Context) (string, error)
	// from says where a setting comes from in messages: "--base-url" or "profile prod's base-url".
	from func(setting string) string
}

// account names the target for people: the profile, or the host it reaches.
func (t target) account() string {
	switch {
	case t.Profile != "":
		return t.Profile
	case t.Fake:
		return fmt.Sprintf("embedded fake, seed %d", t.FakeSeed)
	}
	if u, err := url.Parse(t.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return t.Instance
}

// instanceName is the instance for a report: commercial, eu, federal, custom or fake.
func (t target) instanceName() string {
	switch {
	case t.Fake:
		return "fake"
	case t.BaseURL != "":
		if u, _ := instanceURL(t.Instance); u == t.BaseURL {
			return t.Instance
		}
		return "custom"
	}
	return t.Instance
}

// flagsTarget is the account the global flags name, without a profile.
func (a *app) flagsTarget() target {
	return target{
		Instance: string(a.instance), BaseURL: a.baseURL, APIVersion: a.apiVersion,
		Fake: a.useFake, FakeMembers: a.fakeMembers, FakeTokens: a.fakeTokens, FakeSeed: a.fakeSeed,
		token: func(context.Context) (string, error) {
			token := a.token
			if token == "" {
				token = a.getenv("LD_ACCESS_TOKEN")
			}
			if strings.TrimSpace(token) == "" {
				return "", &usageError{msg: errNoToken.Error()}
			}
			return token, nil
		},
		from: func(setting string) string { return "--" + setting },
	}
}

// targets are the accounts the command line names: each --profile (or $LDACCESS_PROFILE),
// else the global flags.
func (a *app) targets() ([]target, error) {
	names := a.profiles
	if len(names) == 0 {
		if p := strings.TrimSpace(a.getenv("LDACCESS_PROFILE")); p != "" {
			names = []string{p}
		}
	}
	if len(names) == 0 {
		return []target{a.flagsTarget()}, nil
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	var ts []target
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, usagef("profile %q is named twice", n)
		}
		seen[n] = true
		p, ok := cfg.Profiles[n]
		if !ok {
			return nil, cfg.unknownProfile(n)
		}
		ts = append(ts, a.profileTarget(n, p))
	}
	return ts, a.checkAccountFlags(ts)
}

// checkAccountFlags refuses the flags that name one account's place or token when several
// accounts are reviewed: they would send every profile's token to one place.
func (a *app) checkAccountFlags(ts []target) error {
	if len(ts) < 2 {
		return nil
	}
	for _, f := range []string{"token", "base-url", "instance"} {
		if a.changed(f) {
			return usagef("--%s applies to one account: give it with one --profile, not %d", f, len(ts))
		}
	}
	return nil
}

// connect returns a client for the one account the command line names.
func (a *app) connect(ctx context.Context) (*wrapper.Client, error) {
	ts, err := a.targets()
	if err != nil {
		return nil, err
	}
	c, _, err := a.connectTo(ctx, ts[0])
	return c, err
}

// connectTo returns a client for t: an embedded fake, or LaunchDarkly (or a base URL) with
// t's token. It also returns the base URL it uses.
func (a *app) connectTo(ctx context.Context, t target) (*wrapper.Client, string, error) {
	var token, base string
	if t.Fake {
		if a.changed("base-url") {
			return nil, "", usagef("--fake and --base-url cannot be used together")
		}
		for _, f := range []string{"token", "instance"} {
			if a.changed(f) {
				a.status.notef("--%s is ignored with --fake: the embedded account has its own", f)
			}
		}
		acct, err := a.fakeAccountOf(t)
		if err != nil {
			return nil, "", err
		}
		srv := fake.NewServer(a.fakeOptions(acct, true))
		a.onExit(srv.Close)
		a.status.notef("%susing an embedded fake LaunchDarkly account with %d members (not a real account)", profilePrefix(t), len(acct.Members))
		token, base = srv.AdminSecret(), srv.URL
	} else {
		var err error
		if base, err = resolveBaseURL(t); err != nil {
			return nil, "", err
		}
		if note := baseURLNote(t); note != "" {
			a.status.notef("%s", note)
		}
		if token, err = t.token(ctx); err != nil {
			return nil, "", err
		}
		token = strings.TrimSpace(token)
	}
	opts := []wrapper.Option{
		wrapper.WithBaseURL(base),
		wrapper.WithUserAgent("ldaccess-cli/" + buildVersion()),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 6, MaxWait: time.Minute}),
		wrapper.WithLogger(slog.New(retryLogHandler{s: a.status})),
	}
	if t.APIVersion != "" {
		opts = append(opts, wrapper.WithAPIVersion(t.APIVersion))
	}
	c, err := wrapper.New(token, opts...)
	if err != nil {
		// The wrapper never quotes the token. resolveBaseURL has checked the URL, so what is
		// left is the API version or a token with characters a header cannot hold.
		if strings.Contains(err.Error(), "API version") {
			return nil, "", usagef("%s %q is not an API version like 20240415", t.from("api-version"), t.APIVersion)
		}
		return nil, "", usagef("%sthe access token is not usable: %s", profilePrefix(t), plainWords(err.Error()))
	}
	a.addRedaction(c.Redact)
	return c, base, nil
}

func profilePrefix(t target) string {
	if t.Profile == "" {
		return ""
	}
	return "profile " + t.Profile + ": "
}

// resolveBaseURL is t's base URL, checked here so that a mistake is explained in the words of
// the flag (or profile setting) that caused it: an absolute http(s) URL, https unless the host
// is this machine, without the /api/v2 every path already starts with.
func resolveBaseURL(t target) (string, error) {
	if t.BaseURL == "" {
		u, err := instanceURL(t.Instance)
		if err != nil {
			return "", usagef("%s %v", t.from("instance"), err)
		}
		return u, nil
	}
	u, err := url.Parse(strings.TrimSpace(t.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usagef("%s %q is not a URL like https://app.launchdarkly.com", t.from("base-url"), t.BaseURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", usagef("%s %s is plain http to another machine, which would send the access token unencrypted: use https://%s",
			t.from("base-url"), u.Redacted(), u.Host+strings.TrimSuffix(u.Path, "/"))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", usagef("%s must be a plain URL like https://app.launchdarkly.com, without user, query or fragment", t.from("base-url"))
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v2")
	u.RawPath = ""
	return strings.TrimSuffix(u.String(), "/"), nil
}

// baseURLNote explains a base URL that resolveBaseURL corrected.
func baseURLNote(t target) string {
	if strings.HasSuffix(strings.TrimSuffix(strings.TrimSpace(t.BaseURL), "/"), "/api/v2") {
		fixed, _ := resolveBaseURL(t)
		return fmt.Sprintf("%s is the address of LaunchDarkly, without /api/v2 (every request adds it): using %s", t.from("base-url"), fixed)
	}
	return ""
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
