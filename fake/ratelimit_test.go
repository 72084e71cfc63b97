package fake

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimitsOffByDefault(t *testing.T) {
	_, c := newServer(t, Options{})
	r := c.do("GET", "/api/v2/members", nil)
	for _, h := range []string{"X-Ratelimit-Global-Remaining", "X-Ratelimit-Route-Remaining", "X-Ratelimit-Reset"} {
		assert.Empty(t, r.header.Get(h))
	}
}

func TestRateLimits(t *testing.T) {
	clk := newClock() // 12:00:00 exactly: a window starts now
	srv, c := newServer(t, Options{Account: smallAccount(), Now: clk.Now, RateLimit: &RateLimit{Route: 2, Global: 3}})
	reset := strconv.FormatInt(clk.Now().Add(10*time.Second).UnixMilli(), 10)

	r := c.do("GET", "/api/v2/members", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "2", r.header.Get("X-Ratelimit-Global-Remaining"))
	assert.Equal(t, "1", r.header.Get("X-Ratelimit-Route-Remaining"))
	assert.Equal(t, reset, r.header.Get("X-Ratelimit-Reset"))

	// Another path on the same route shares its count; the route pattern is the key.
	r = c.do("GET", "/api/v2/members?limit=1", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "0", r.header.Get("X-Ratelimit-Route-Remaining"))

	// The route is spent: 429, not processed.
	r = c.do("GET", "/api/v2/members", nil)
	wantError(t, r, 429, "rate_limited")
	assert.Equal(t, "0", r.header.Get("X-Ratelimit-Route-Remaining"))
	assert.Equal(t, "1", r.header.Get("X-Ratelimit-Global-Remaining"), "a refused request uses nothing")
	assert.Empty(t, r.header.Get("Retry-After"))

	// Another route still has room, until the global window is spent too.
	r = c.do("POST", "/api/v2/tokens", `{"role":"reader"}`)
	require.Equal(t, 201, r.status, "body: %s", r.body)
	assert.Equal(t, "1", r.header.Get("X-Ratelimit-Route-Remaining"))
	assert.Equal(t, "0", r.header.Get("X-Ratelimit-Global-Remaining"))
	r = c.do("POST", "/api/v2/tokens", `{"role":"reader"}`)
	wantError(t, r, 429, "rate_limited")
	assert.Equal(t, 1, srv.Applied("postToken"), "the refused write was not applied")

	// Errors carry the headers too, and count.
	clk.Add(10 * time.Second)
	r = c.as("").do("GET", "/api/v2/members", nil)
	wantError(t, r, 401, "unauthorized")
	assert.Equal(t, "2", r.header.Get("X-Ratelimit-Global-Remaining"))

	// A new window starts afresh.
	r = c.do("GET", "/api/v2/members", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, strconv.FormatInt(clk.Now().Add(10*time.Second).UnixMilli(), 10), r.header.Get("X-Ratelimit-Reset"))
}

func TestRateLimitRetryAfter(t *testing.T) {
	clk := newClock()
	clk.Add(3500 * time.Millisecond)
	_, c := newServer(t, Options{Now: clk.Now, RateLimit: &RateLimit{Global: 1, Window: 5 * time.Second, RetryAfter: true}})
	r := c.do("GET", "/api/v2/tokens", nil)
	require.Equal(t, 200, r.status)
	assert.Empty(t, r.header.Get("X-Ratelimit-Route-Remaining"), "no route limit, no route header")
	r = c.do("GET", "/api/v2/tokens", nil)
	wantError(t, r, 429, "rate_limited")
	assert.Equal(t, "2", r.header.Get("Retry-After"), "1.5 s to the reset, rounded up")
}
