package review

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Default thresholds of Options.
const (
	DefaultStaleAfter  = 90 * 24 * time.Hour
	DefaultRotateAfter = 90 * 24 * time.Hour
)

// Options adjust a review: its thresholds, its clock, who is told its progress, and what
// it records as having made it. The zero value means the defaults.
type Options struct {
	// StaleAfter is how long unused (tokens) or unseen (members, invites) counts as stale;
	// DefaultStaleAfter if zero.
	StaleAfter time.Duration
	// RotateAfter is how old a token's secret may get before it is due for rotation;
	// DefaultRotateAfter if zero.
	RotateAfter time.Duration
	// Version names the software that runs the review, for the record ("ldaccess v1.4.0"); the
	// ldaccess command passes its own. When empty, Run records this module's version as the
	// program's build information gives it.
	Version string
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
// (Report.Caller), where (Instance, BaseURL) and what it could see (Coverage). Listing every
// token needs an admin token; with another, Run reviews the tokens of the caller's own member
// and says so (Report.Incomplete).
//
// Run reads members a page at a time and keeps of each only its Member and findings, so that
// its memory grows by a few hundred bytes per member: a review of 100,000 members, written
// with WriteReport, peaks at about 90 MB.
func Run(ctx context.Context, c *wrapper.Client, o Options) (Report, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, bool) {}
	}
	if o.Version == "" {
		o.Version = moduleVersion()
	}
	me, err := readMe(ctx, c)
	if err != nil {
		return Report{}, err
	}
	b := newBuilder(now(), o)
	for page, err := range c.MemberPages(ctx, wrapper.MembersQuery{}) {
		if err != nil {
			return Report{}, fmt.Errorf("listing members: %w", err)
		}
		b.expect(page.TotalCount)
		for _, m := range page.Items {
			b.addMember(m)
		}
		progress("members", len(b.r.Members), false)
	}
	progress("members", len(b.r.Members), true)
	tokens, all, err := listTokens(ctx, c, true, progress)
	if err != nil {
		return Report{}, fmt.Errorf("listing tokens: %w", err)
	}
	progress("tokens", len(tokens), true)
	r := b.finish(tokens)
	r.Coverage = Coverage{AllTokens: all, AllMembers: true}
	r.BaseURL = c.BaseURL()
	r.Instance = instanceOf(r.BaseURL)
	// Every token of the caller's member is in the list, all of them or its own.
	r.Caller = callerFrom(me, tokens, c.SecretSuffix())
	return r, nil
}

// instanceOf names the LaunchDarkly instance at a base URL.
func instanceOf(base string) string {
	switch strings.TrimSuffix(base, "/") {
	case wrapper.BaseURL:
		return "commercial"
	case wrapper.BaseURLEU:
		return "eu"
	case wrapper.BaseURLFederal:
		return "federal"
	}
	return "custom"
}

// moduleVersion is "ldaccess review" and this module's version, as the program's build
// information records it.
func moduleVersion() string {
	const path = "github.com/ldaccess/ldaccess"
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == path && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == path && d.Version != "" {
				v = d.Version
			}
		}
	}
	return "ldaccess review " + v
}

// listTokens lists every token (all) or the caller's own, their secrets masked; sawAll says
// whether the list is every token: asked for all of them, a caller that may not list them gets
// its own.
func listTokens(ctx context.Context, c *wrapper.Client, all bool, progress func(string, int, bool)) (tokens []api.Token, sawAll bool, err error) {
	for t, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: all}) {
		if all && errors.Is(err, wrapper.ErrForbidden) {
			// Only admins may list every token: the caller's own rather than nothing.
			return listTokens(ctx, c, false, progress)
		}
		if err != nil {
			return nil, false, err
		}
		tokens = append(tokens, MaskSecret(t))
		progress("tokens", len(tokens), false)
	}
	return tokens, all, nil
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
