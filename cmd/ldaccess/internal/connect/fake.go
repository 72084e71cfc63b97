package connect

import (
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/fake"
)

// fakeRateLimit is the rate limit of the --fake account: generous enough that a demo of a few
// thousand members finishes in seconds, tight enough that the client's pacing shows.
func fakeRateLimit() *fake.RateLimit {
	return &fake.RateLimit{Route: 10, Global: 40, Window: time.Second}
}

// FakeAccount seeds the fake account of t.
func (a *Accounts) FakeAccount(t Target) (*fake.Account, error) {
	if t.FakeMembers < 1 || t.FakeMembers > 1_000_000 {
		return nil, clierr.Usagef("%s must be between 1 and 1000000, not %d", t.From("fake-members"), t.FakeMembers)
	}
	tokens := t.FakeTokens
	if tokens < 0 {
		return nil, clierr.Usagef("%s must not be negative", t.From("fake-tokens"))
	}
	if tokens == 0 {
		tokens = max(12, t.FakeMembers/60)
	}
	return fake.Seed(fake.SeedOptions{Members: t.FakeMembers, Tokens: tokens, Seed: t.FakeSeed, Now: a.Now()}), nil
}

// FakeOptions configures the fake of --fake and serve-fake. Rate limits are on unless
// limited is false or the clock is fixed (LDACCESS_NOW): a fixed clock would never end a
// window. With a fixed clock the fake runs on it too, so that its output is reproducible.
func (a *Accounts) FakeOptions(acct *fake.Account, limited bool) fake.Options {
	opts := fake.Options{Account: acct, SCIM: a.Flags.FakeSCIM}
	if a.FixedClock {
		opts.Now = a.Now
	} else if limited {
		opts.RateLimit = fakeRateLimit()
	}
	return opts
}
