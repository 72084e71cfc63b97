package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/testclock"
	"github.com/ldaccess/ldaccess/wrapper"
)

// The fuzz targets reach every parser of server input through the wrapper's exported API,
// over an in-memory http.RoundTripper: no sockets, no real sleeping (the retry policy's clock
// advances virtually), microseconds an iteration. Seed corpora are in testdata/fuzz/<Name>/;
// `go test` runs them, `make fuzz` explores.

const memBase = "https://ld.example"

// virtualClock starts at a fixed instant and moves only when the client waits, by the wait.
type virtualClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

var clockEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

// memClient is a client with the canary token whose transport is rt.
func memClient(t *testing.T, rt roundTripFunc, clock testclock.Clock, p wrapper.RetryPolicy) *harness {
	t.Helper()
	return newHarness(t, memBase, withClock(clock, rt), wrapper.WithRetry(p))
}

// countingRT answers with f and counts requests.
type countingRT struct {
	mu   sync.Mutex
	n    int
	reqs []*http.Request
}

func (c *countingRT) wrap(f func(n int, r *http.Request) *http.Response) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.n++
		n := c.n
		c.reqs = append(c.reqs, r)
		c.mu.Unlock()
		if r.Body != nil {
			r.Body.Close()
		}
		return f(n, r), nil
	}
}

func jsonHeader(ctype string) http.Header {
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return h
}

// FuzzDecodeMember: whatever body a 200 carries, GetMember returns exactly what
// encoding/json makes of it when that succeeds on a JSON object, a bounded error otherwise,
// and no panic.
func FuzzDecodeMember(f *testing.F) {
	f.Add([]byte(memberJSON("m000")), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		rt := &countingRT{}
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			return memResponse(r, 200, jsonHeader(ctype), string(body))
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		got, err := hs.c.GetMember(context.Background(), "m000")
		hs.check(err)
		compareDecoding(t, body, &got, err)
	})
}

// FuzzDecodeMembersPage does the same for a page of members (ListMembers) and for the
// iterator over it, which must end, on its own, with the members of the page.
func FuzzDecodeMembersPage(f *testing.F) {
	f.Add([]byte(pageJSON(ids("m", 2), "", 2)), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		rt := &countingRT{}
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			return memResponse(r, 200, jsonHeader(ctype), string(body))
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		got, err := hs.c.ListMembers(context.Background(), wrapper.MembersQuery{PageSize: 100})
		hs.check(err)
		compareDecoding(t, body, &got, err)

		// The iterator over a server that answers this page to every request: it ends with an
		// error or after the page's members; never loops.
		n := 0
		for _, err := range hs.c.Members(context.Background(), wrapper.MembersQuery{PageSize: 100}) {
			hs.check(err)
			if n++; n > 2000 {
				break // a page of members with empty IDs and a huge count is merely long
			}
		}
	})
}

// FuzzDecodeTokensPage covers ListTokens and the token iterator.
func FuzzDecodeTokensPage(f *testing.F) {
	f.Add([]byte(`{"items":[],"_links":{},"totalCount":0}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		rt := &countingRT{}
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			return memResponse(r, 200, jsonHeader(ctype), string(body))
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		got, err := hs.c.ListTokens(context.Background(), wrapper.TokensQuery{PageSize: 25})
		hs.check(err)
		compareDecoding(t, body, &got, err)
		n := 0
		for _, err := range hs.c.Tokens(context.Background(), wrapper.TokensQuery{PageSize: 25}) {
			hs.check(err)
			if n++; n > 2000 {
				break
			}
		}
	})
}

// compareDecoding checks the wrapper's result against encoding/json's reading of body.
func compareDecoding[T any](t *testing.T, body []byte, got *T, err error) {
	t.Helper()
	var want T
	uerr := json.Unmarshal(body, &want)
	if uerr == nil && !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		// Every success body is one JSON object: null or an array is a broken server.
		uerr = errors.New("not a JSON object")
	}
	if uerr == nil {
		require.NoError(t, err, "a body encoding/json accepts was refused\nbody: %q", trunc(body))
		require.Equal(t, want, *got, "decoded otherwise than encoding/json\nbody: %q", trunc(body))
	}
	if err != nil {
		require.LessOrEqual(t, len(err.Error()), 4096, "bytes in the error message")
	}
}

func trunc(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}

// FuzzErrorResponse: any 4xx or 5xx answer becomes an *APIError with the right status, the
// sentinel that goes with it, a printable and bounded message, code and request ID, and no
// token even when the server echoes it ("$TOKEN" in the body or X-Request-Id is replaced by
// the Authorization the request carried).
func FuzzErrorResponse(f *testing.F) {
	f.Add(uint16(404), "application/json", []byte(`{"code":"not_found","message":"Unknown resource identifier","id":"r1"}`), "")
	f.Fuzz(func(t *testing.T, status uint16, ctype string, body []byte, reqID string) {
		code := 400 + int(status)%200
		rt := &countingRT{}
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			tok := r.Header.Get("Authorization")
			h := jsonHeader(ctype)
			if reqID != "" {
				h["X-Request-Id"] = []string{strings.ReplaceAll(reqID, "$TOKEN", tok)}
			}
			return memResponse(r, code, h, strings.ReplaceAll(string(body), "$TOKEN", tok))
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		_, err := hs.c.GetMember(context.Background(), "m000")
		hs.check(err)
		require.Error(t, err, "status %d gave no error", code)
		var ae *wrapper.APIError
		if !errors.As(err, &ae) {
			if code == 429 && errors.Is(err, wrapper.ErrRateLimited) {
				return // a *RateLimitError
			}
			require.Failf(t, "not an *APIError", "status %d gave %T %q", code, err, err)
		}
		assert.Equal(t, code, ae.StatusCode, "StatusCode")
		sentinels := map[int]error{400: wrapper.ErrInvalidRequest, 401: wrapper.ErrUnauthorized, 403: wrapper.ErrForbidden,
			404: wrapper.ErrNotFound, 409: wrapper.ErrConflict, 422: wrapper.ErrInvalidRequest, 429: wrapper.ErrRateLimited}
		if s, ok := sentinels[code]; ok {
			assert.ErrorIs(t, err, s, "status %d", code)
		}
		for _, s := range []error{wrapper.ErrInvalidRequest, wrapper.ErrUnauthorized, wrapper.ErrForbidden, wrapper.ErrNotFound, wrapper.ErrConflict, wrapper.ErrRateLimited} {
			if sentinels[code] != s {
				assert.NotErrorIs(t, err, s, "status %d", code)
			}
		}
		for name, v := range map[string]struct {
			s   string
			max int
		}{"Message": {ae.Message, 1000}, "Code": {ae.Code, 100}, "RequestID": {ae.RequestID, 100}} {
			assert.LessOrEqual(t, len(v.s), v.max, "bytes in %s", name)
			assert.True(t, printable(v.s), "%s is not printable: %q", name, v.s)
		}
		for _, e := range ae.InvalidEmails {
			assert.True(t, printable(e), "InvalidEmails holds %q: not printable", e)
			assert.LessOrEqual(t, len(e), 1000, "InvalidEmails holds %q: not bounded", e)
		}
		assert.True(t, printable(err.Error()), "the error message is not printable: %q", err.Error())
	})
}

// printable reports whether s is valid UTF-8 without control characters: safe for a log line
// and a terminal.
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// FuzzWaitHeaders: whatever Retry-After, X-Ratelimit-Reset and X-Ratelimit-*-Remaining a
// response carries, the client never waits longer than MaxWait, never asks for a negative
// wait, ends (with the member or a rate-limit error), and does not panic. Waits are virtual.
func FuzzWaitHeaders(f *testing.F) {
	f.Add(uint16(429), "1", "", "", "")
	f.Fuzz(func(t *testing.T, status uint16, retryAfter, reset, routeRemaining, globalRemaining string) {
		code := []int{429, 200, 503, 502, 504, 400}[int(status)%6]
		clock := &virtualClock{now: clockEpoch}
		rt := &countingRT{}
		p := fastPolicy()
		p.MaxWait = time.Minute
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			if n > 1 {
				return memResponse(r, 200, jsonHeader("application/json"), memberJSON("m000"))
			}
			h := jsonHeader("application/json")
			for k, v := range map[string]string{"Retry-After": retryAfter, "X-Ratelimit-Reset": reset,
				"X-Ratelimit-Route-Remaining": routeRemaining, "X-Ratelimit-Global-Remaining": globalRemaining} {
				if v != "" {
					h[k] = []string{v}
				}
			}
			if code == 200 {
				return memResponse(r, 200, h, memberJSON("m000"))
			}
			return memResponse(r, code, h, `{"code":"x","message":"y"}`)
		}), clock, p)
		// A deadline far beyond any virtual wait, so that it never shortens one; the waits are
		// virtual, so the calls take microseconds of real time.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		for call := 1; call <= 2; call++ {
			m, err := hs.c.GetMember(ctx, "m000")
			hs.check(err)
			switch {
			case err == nil:
				require.Equal(t, "m000", m.ID, "call %d: member", call)
			case errors.Is(err, wrapper.ErrRateLimited):
				// A window reported spent (…-Remaining: 0) until a reset too far away makes
				// the next attempt a rate-limit error, whatever the first answer was.
			case code == 400 && call == 1:
				require.ErrorIs(t, err, wrapper.ErrInvalidRequest, "call 1")
			case code >= 500 && call == 1:
				// A 5xx whose Retry-After is too long to wait is reported as it is.
				var ae *wrapper.APIError
				require.ErrorAs(t, err, &ae, "call 1: want the member or the %d", code)
				require.Equal(t, code, ae.StatusCode, "call 1: %v; want the member or the %d", err, code)
			default:
				require.Failf(t, "unexpected outcome", "call %d (first answer %d): %v; want the member or a rate-limit error", call, code, err)
			}
		}
		require.LessOrEqual(t, time.Since(start), 5*time.Second, "real time the calls took; the waits should be virtual")
		clock.mu.Lock()
		defer clock.mu.Unlock()
		// MaxWait holds against the wait the server asks for; the client's own jitter, up to a
		// tenth more (at least 50ms), may come on top (RetryPolicy's documentation).
		limit := p.MaxWait + max(p.MaxWait/10, 50*time.Millisecond)
		for _, d := range clock.waits {
			assert.Positive(t, d, "wait")
			assert.LessOrEqual(t, d, limit, "wait: want at most MaxWait (%v) plus jitter", p.MaxWait)
		}
		assert.LessOrEqual(t, rt.n, 2*p.MaxAttempts, "requests for two calls")
	})
}

// FuzzNextLink: whatever next link the first page carries, the client never sends the token
// to another scheme or host, sends a bounded number of requests, and yields each member at
// most once.
func FuzzNextLink(f *testing.F) {
	f.Add("/api/v2/members?limit=3&offset=3", int32(6))
	f.Fuzz(func(t *testing.T, href string, total int32) {
		first := pageJSON(ids("m", 3), "", int(total))
		if hj, err := json.Marshal(href); err == nil {
			first = strings.Replace(first, `"_links":{}`, `"_links":{"next":{"href":`+string(hj)+`,"type":"application/json"}}`, 1)
		}
		second := pageJSON(ids("n", 3), "", 6)
		rt := &countingRT{}
		var leaked []string
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			own := r.URL.Scheme == "https" && strings.EqualFold(r.URL.Host, "ld.example")
			if !own && r.Header.Get("Authorization") != "" {
				leaked = append(leaked, r.URL.String())
			}
			if n == 1 {
				return memResponse(r, 200, jsonHeader("application/json"), first)
			}
			return memResponse(r, 200, jsonHeader("application/json"), second)
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		seen := map[string]int{}
		n := 0
		for m, err := range hs.c.Members(context.Background(), wrapper.MembersQuery{PageSize: 3}) {
			hs.check(err)
			if err != nil {
				break
			}
			seen[m.ID]++
			require.LessOrEqual(t, seen[m.ID], 1, "times member %s was yielded (next link %q)", m.ID, href)
			n++
			require.LessOrEqual(t, n, 1000, "members from two pages (next link %q)", href)
		}
		require.Empty(t, leaked, "Authorization sent to another host (next link %q)", href)
		require.LessOrEqual(t, rt.n, 1000, "requests")
	})
}

// FuzzMemberFilter: MemberFilter.String never panics, and for values free of the syntax's
// separators (',' and '|', which LaunchDarkly cannot escape) it renders terms that parse back
// to the filter, and reaches the server unchanged as the filter query parameter.
func FuzzMemberFilter(f *testing.F) {
	f.Add("abc", "admin\nwriter", "", "", "platform", uint8(0), uint8(0), int64(0))
	f.Fuzz(func(t *testing.T, query, roles, idList, emails, team string, noTeam, lastSeen uint8, before int64) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		fl := wrapper.MemberFilter{Query: query, Roles: split(roles), IDs: split(idList), Emails: split(emails), TeamKey: team}
		switch noTeam % 3 {
		case 1:
			fl.NoTeam = ptr(true)
		case 2:
			fl.NoTeam = ptr(false)
		}
		switch lastSeen % 4 {
		case 1:
			fl.LastSeen = wrapper.NeverSeen()
		case 2:
			fl.LastSeen = wrapper.NoLastSeenData()
		case 3:
			fl.LastSeen = wrapper.SeenBefore(time.UnixMilli(before))
		}
		s := fl.String()
		require.Equal(t, s, fl.String(), "String is not deterministic")
		clean := !strings.ContainsAny(query+roles+idList+emails+team, ",|")
		if clean {
			checkFilterTerms(t, fl, s, lastSeen%4, before)
		}

		// Through the API: the server receives the rendering unchanged.
		rt := &countingRT{}
		var got []string
		hs := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
			got = append(got, r.URL.Query().Get("filter"))
			return memResponse(r, 200, jsonHeader("application/json"), pageJSON(nil, "", 0))
		}), &virtualClock{now: clockEpoch}, fastPolicy())
		_, err := hs.c.ListMembers(context.Background(), wrapper.MembersQuery{Filter: fl})
		hs.check(err)
		if err == nil {
			require.Equal(t, []string{s}, got, "filters the server received, against what String renders")
		}
	})
}

func checkFilterTerms(t *testing.T, fl wrapper.MemberFilter, s string, lastSeen uint8, before int64) {
	t.Helper()
	want := map[string]string{}
	if fl.Query != "" {
		want["query"] = fl.Query
	}
	if len(fl.Roles) > 0 {
		want["role"] = strings.Join(fl.Roles, "|")
	}
	if len(fl.IDs) > 0 {
		want["id"] = strings.Join(fl.IDs, "|")
	}
	if len(fl.Emails) > 0 {
		want["email"] = strings.Join(fl.Emails, "|")
	}
	if fl.TeamKey != "" {
		want["team"] = fl.TeamKey
	}
	if fl.NoTeam != nil {
		want["noteam"] = strconv.FormatBool(*fl.NoTeam)
	}
	switch lastSeen {
	case 1:
		want["lastSeen"] = `{"never":true}`
	case 2:
		want["lastSeen"] = `{"noData":true}`
	case 3:
		want["lastSeen"] = `{"before":` + strconv.FormatInt(before, 10) + `}`
	}
	got := map[string]string{}
	if s != "" {
		for _, term := range strings.Split(s, ",") {
			field, value, ok := strings.Cut(term, ":")
			require.True(t, ok, "term %q of %q has no ':'", term, s)
			_, dup := got[field]
			require.False(t, dup, "field %q twice in %q", field, s)
			got[field] = value
		}
	}
	if lastSeen == 3 {
		// The JSON form may differ in spacing; compare its meaning.
		var a, b map[string]int64
		require.NoError(t, json.Unmarshal([]byte(got["lastSeen"]), &a), "lastSeen term %q", got["lastSeen"])
		require.NoError(t, json.Unmarshal([]byte(want["lastSeen"]), &b), "lastSeen term wanted %q", want["lastSeen"])
		require.Equal(t, b, a, "lastSeen term %q, want %q", got["lastSeen"], want["lastSeen"])
		delete(got, "lastSeen")
		delete(want, "lastSeen")
	}
	require.Equal(t, want, got, "terms %q parse to", s)
}
