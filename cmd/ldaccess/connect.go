package main

import (
	"context"
	"log/slog"
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
	if a.fakeMembers < 1 || a.fakeMembers > 1_000_000 {
		return nil, usagef("--fake-members must be between 1 and 1000000, not %d", a.fakeMembers)
	}
	tokens := a.fakeTokens
	if tokens < 0 {
		return nil, usagef("--fake-tokens must not be negative")
	}
	if tokens == 0 {
		tokens = max(12, a.fakeMembers/60)
	}
	return fake.Seed(fake.SeedOptions{Members: a.fakeMembers, Tokens: tokens, Seed: a.fakeSeed, Now: a.now()}), nil
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

// connect returns a client for the account the global flags name: an embedded fake with
// --fake, else LaunchDarkly (or --base-url) with --token or $LD_ACCESS_TOKEN.
func (a *app) connect(context.Context) (*wrapper.Client, error) {
	token := a.token
	base := ""
	if a.useFake {
		if a.baseURL != "" {
			return nil, usagef("--fake and --base-url cannot be used together")
		}
		acct, err := a.fakeAccount()
		if err != nil {
			return nil, err
		}
		srv := fake.NewServer(a.fakeOptions(acct, true))
		a.onExit(srv.Close)
		a.status.notef("using an embedded fake LaunchDarkly account with %d members (not a real account)", len(acct.Members))
		token, base = srv.AdminSecret(), srv.URL
	} else {
		if token == "" {
			token = a.getenv("LD_ACCESS_TOKEN")
		}
		token = strings.TrimSpace(token)
		if token == "" {
			return nil, &usageError{msg: errNoToken.Error()}
		}
		var err error
		if base, err = a.resolveBaseURL(); err != nil {
			return nil, err
		}
	}
	opts := []wrapper.Option{
		wrapper.WithBaseURL(base),
		wrapper.WithUserAgent("ldaccess-cli/" + buildVersion()),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 6, MaxWait: time.Minute}),
		wrapper.WithLogger(slog.New(retryLogHandler{s: a.status})),
	}
	if a.apiVersion != "" {
		opts = append(opts, wrapper.WithAPIVersion(a.apiVersion))
	}
	c, err := wrapper.New(token, opts...)
	if err != nil {
		// The wrapper never quotes the token; these are problems with the flags.
		return nil, &usageError{msg: strings.TrimPrefix(err.Error(), "ldaccess: ")}
	}
	a.redact = c.Redact
	return c, nil
}

// resolveBaseURL picks the base URL from --base-url or --instance.
func (a *app) resolveBaseURL() (string, error) {
	if a.baseURL != "" {
		return a.baseURL, nil
	}
	switch strings.ToLower(a.instance) {
	case "", "commercial", "us":
		return wrapper.BaseURL, nil
	case "eu":
		return wrapper.BaseURLEU, nil
	case "federal", "fed":
		return wrapper.BaseURLFederal, nil
	}
	return "", usagef("--instance must be commercial, eu or federal, not %q", a.instance)
}
