package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Default thresholds of Options.
const (
	DefaultStaleAfter  = 90 * 24 * time.Hour
	DefaultRotateAfter = 90 * 24 * time.Hour
)

// Options are the thresholds of a review. The zero value means the defaults.
type Options struct {
	// StaleAfter is how long unused (tokens) or unseen (members, invites) counts as stale;
	// DefaultStaleAfter if zero.
	StaleAfter time.Duration
	// RotateAfter is how old a token's secret may get before it is due for rotation;
	// DefaultRotateAfter if zero.
	RotateAfter time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time `json:"-"`
	// Progress, if set, is told how far the listing has got: what ("members" or "tokens"),
	// how many so far, and whether that list is complete.
	Progress func(what string, n int, done bool) `json:"-"`
}

func (o Options) withDefaults() Options {
	if o.StaleAfter <= 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	if o.RotateAfter <= 0 {
		o.RotateAfter = DefaultRotateAfter
	}
	return o
}

// Run reviews every member and token of the account the client is for, and records who ran it
// (Report.Caller). Listing every token needs an admin token; with another, Run reviews the
// tokens of the caller's own member and says so with Report.AllTokens false.
func Run(ctx context.Context, c *wrapper.Client, o Options) (Report, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, bool) {}
	}
	me, err := readMe(ctx, c)
	if err != nil {
		return Report{}, err
	}
	var members []api.Member
	for m, err := range c.Members(ctx, wrapper.MembersQuery{}) {
		if err != nil {
			return Report{}, fmt.Errorf("listing members: %w", err)
		}
		members = append(members, m)
		progress("members", len(members), false)
	}
	progress("members", len(members), true)
	all := true
	tokens, err := listTokens(ctx, c, true, progress)
	if errors.Is(err, wrapper.ErrForbidden) {
		// Only admins may list every token: review the caller's own rather than nothing.
		all = false
		tokens, err = listTokens(ctx, c, false, progress)
	}
	if err != nil {
		return Report{}, fmt.Errorf("listing tokens: %w", err)
	}
	progress("tokens", len(tokens), true)
	r := BuildReport(members, tokens, now(), o)
	r.AllTokens = all
	// Every token of the caller's member is in the list, all of them or its own.
	r.Caller = callerFrom(me, tokens, c.SecretSuffix())
	return r, nil
}

func listTokens(ctx context.Context, c *wrapper.Client, all bool, progress func(string, int, bool)) ([]api.Token, error) {
	var tokens []api.Token
	for t, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: all}) {
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, MaskSecret(t))
		progress("tokens", len(tokens), false)
	}
	return tokens, nil
}

// MaskSecret keeps at most the last four characters of a token's secret. LaunchDarkly sends
// only those except in the answers to create and reset; this makes sure a review or a plan
// never holds more even if a server sent it.
func MaskSecret(t api.Token) api.Token {
	if len(t.Secret) > 4 {
		t.Secret = t.Secret[len(t.Secret)-4:]
	}
	return t
}
