package wrapper

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spentServer answers every request with 200 and, on the first, reports the given window spent
// until three seconds from the clock's now.
func spentServer(t *testing.T, clk *fakeClock, header string, opts ...Option) (*Client, *recorder) {
	rec := &recorder{}
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if rec.record(r, nil) == 1 {
			w.Header().Set(header, "0")
			w.Header().Set("X-Ratelimit-Reset", ms(clk.Now().Add(3*time.Second)))
		} else {
			w.Header().Set(header, "5")
		}
		if r.URL.Path == "/api/v2/members" {
			writeJSON(w, 200, `{"items":[],"_links":{},"totalCount":0}`)
			return
		}
		writeJSON(w, 200, memberJSON)
	}, append([]Option{WithRetry(testPolicy(clk))}, opts...)...)
	return c, rec
}

func TestPacingWaitsForRouteReset(t *testing.T) {
	clk := newFakeClock()
	c, rec := spentServer(t, clk, "X-Ratelimit-Route-Remaining")
	_, err := c.GetMember(bg, "m1")
	require.NoError(t, err)
	assert.Empty(t, clk.Waits())

	// Another route is not held back.
	_, err = c.ListMembers(bg, MembersQuery{})
	require.NoError(t, err)
	assert.Empty(t, clk.Waits())

	// The same route, another ID: waits for the reset before sending, with no 429 in between.
	_, err = c.GetMember(bg, "m2")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Second}, clk.Waits())
	assert.Equal(t, 3, rec.Count())

	// The window has reset: no more waiting.
	_, err = c.GetMember(bg, "m3")
	require.NoError(t, err)
	assert.Len(t, clk.Waits(), 1)
}

func TestPacingGlobalHoldsEveryRoute(t *testing.T) {
	clk := newFakeClock()
	c, _ := spentServer(t, clk, "X-Ratelimit-Global-Remaining")
	_, err := c.GetMember(bg, "m1")
	require.NoError(t, err)
	_, err = c.ListMembers(bg, MembersQuery{})
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Second}, clk.Waits())
}

func TestPacingSharedAcrossGoroutines(t *testing.T) {
	clk := newFakeClock()
	clk.frozen = true // every waiter sees the same window
	c, rec := spentServer(t, clk, "X-Ratelimit-Route-Remaining")
	_, err := c.GetMember(bg, "m1")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var fails atomic.Int32
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetMember(bg, "m"+string(rune('a'+i))); err != nil {
				fails.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, fails.Load())
	assert.Len(t, clk.Waits(), 8, "every goroutine waited for the reset")
	assert.Equal(t, 9, rec.Count())
}

func TestPacingWaitBeyondMaxWaitFailsWithoutSending(t *testing.T) {
	clk := newFakeClock()
	c, rec := spentServer(t, clk, "X-Ratelimit-Route-Remaining",
		WithRetry(RetryPolicy{MaxWait: time.Second, Clock: clk, Rand: fixedRand(0)}))
	_, err := c.GetMember(bg, "m1")
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m2")
	checkErr(t, err)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.Equal(t, 0, rl.Attempts)
	assert.WithinDuration(t, epoch.Add(3*time.Second), rl.Reset, 0)
	assert.Equal(t, 1, rec.Count(), "the request was sent into a spent window")
	assert.Empty(t, clk.Waits())
}

func TestPacingIgnoresUselessHeaders(t *testing.T) {
	for _, reset := range []string{"", "garbage", "-5", "1"} { // absent, unparsable, negative, long past
		clk := newFakeClock()
		c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Ratelimit-Route-Remaining", "0")
			w.Header().Set("X-Ratelimit-Global-Remaining", "0")
			w.Header().Set("X-Ratelimit-Reset", reset)
			writeJSON(w, 200, memberJSON)
		}, WithRetry(testPolicy(clk)))
		for range 3 {
			_, err := c.GetMember(bg, "m1")
			require.NoError(t, err)
		}
		assert.Empty(t, clk.Waits(), "reset %q", reset)
	}
}

func TestRouteKey(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/api/v2/members", "GET /api/v2/members"},
		{"GET", "/api/v2/members/", "GET /api/v2/members/"},
		{"GET", "/api/v2/members/abc", "GET /api/v2/members/{id}"},
		{"GET", "/api/v2/members/me", "GET /api/v2/members/{id}"},
		{"POST", "/api/v2/members/abc/teams", "POST /api/v2/members/{id}/teams"},
		{"POST", "/api/v2/tokens/t1/reset", "POST /api/v2/tokens/{id}/reset"},
		{"DELETE", "/prefix/api/v2/tokens/t1", "DELETE /prefix/api/v2/tokens/{id}"},
		{"GET", "/other", "GET /other"},
	} {
		assert.Equal(t, tt.want, routeKey(tt.method, tt.path))
	}
}
