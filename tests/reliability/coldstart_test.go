package reliability

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// TestColdStartDrawsAtMostOne429: goroutines starting together on a fresh client, more of them
// than a route's window takes, draw at most one 429 in any window of the fake's rate limits,
// the first included: until the first answer reports the budget, the client sends one request
// on the route.
func TestColdStartDrawsAtMostOne429(t *testing.T) {
	const goroutines, budget = 12, 3
	window := 300 * time.Millisecond
	srv := fake.NewServer(fake.Options{AdminSecret: canary, RateLimit: &fake.RateLimit{Route: budget, Window: window}})
	t.Cleanup(srv.Close)
	h := newHarness(t, srv.URL, withClock(nil, nil), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 10, MaxWait: 5 * time.Second}))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			<-start
			_, err := h.c.GetMember(context.Background(), "me")
			assert.NoError(t, h.check(err))
		})
	}
	close(start)
	wg.Wait()
	per := map[int64]int{}
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			per[r.Time.UnixNano()/int64(window)]++
		}
	}
	for w, n := range per {
		require.LessOrEqual(t, n, 1, "429s in window %d", w)
	}
}
