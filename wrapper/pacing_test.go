package wrapper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spentServer answers every request with 200 and, on the first, reports the given window spent
// for three seconds. It runs in memory, for a synctest bubble.
func spentServer(t *testing.T, header string, opts ...Option) (*Client, *memServer) {
	first := true
	return newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
		if first {
			first = false
			w.Header().Set(header, "0")
			w.Header().Set("X-Ratelimit-Reset", ms(time.Now().Add(3*time.Second)))
		} else {
			w.Header().Set(header, "5")
		}
		if r.URL.Path == "/api/v2/members" {
			writeJSON(w, 200, `{"items":[],"_links":{},"totalCount":0}`)
			return
		}
		writeJSON(w, 200, memberJSON)
	}, append([]Option{withJitter(0.5)}, opts...)...)
}

func TestPacingWaitsForRouteReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, srv := spentServer(t, "X-Ratelimit-Route-Remaining")
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)

		// Another route is not held back.
		_, err = c.ListMembers(bg, MembersQuery{})
		require.NoError(t, err)
		assert.Zero(t, time.Since(start))

		// The same route, another ID: waits for the reset before sending, with no 429 in between.
		_, err = c.GetMember(bg, "m2")
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{0, 3 * time.Second}, srv.waits())

		// The window has reset: no more waiting.
		_, err = c.GetMember(bg, "m3")
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{0, 3 * time.Second, 0}, srv.waits())
	})
}

// A request held back for a spent window is told to RetryPolicy.OnPace, with how long it
// waits: a wait that is not a retry (no OnRetry), and that a program may show as progress.
func TestPacingWaitIsAPaceEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var paced []PaceEvent
		retries := 0
		c, _ := spentServer(t, "X-Ratelimit-Route-Remaining", WithRetry(RetryPolicy{
			OnPace:  func(e PaceEvent) { paced = append(paced, e) },
			OnRetry: func(RetryEvent) { retries++ },
		}))
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		assert.Empty(t, paced, "a window not yet spent holds nothing back")
		_, err = c.GetMember(bg, "m2")
		require.NoError(t, err)
		assert.Equal(t, []PaceEvent{{Method: "GET", Path: "/api/v2/members/m2", Wait: 3 * time.Second}}, paced)
		assert.Zero(t, retries)
	})
}

func TestPacingGlobalHoldsEveryRoute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, srv := spentServer(t, "X-Ratelimit-Global-Remaining")
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		_, err = c.ListMembers(bg, MembersQuery{})
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{3 * time.Second}, srv.waits())
	})
}

func TestPacingSharedAcrossGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, srv := spentServer(t, "X-Ratelimit-Route-Remaining")
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				_, err := c.GetMember(bg, "m"+string(rune('a'+i)))
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		require.Len(t, srv.at, 9)
		for _, at := range srv.at[1:] {
			assert.Equal(t, 3*time.Second, at.Sub(start), "every goroutine waited for the reset")
		}
	})
	// A clock that does not move as far as the reset (frozen) still ends the wait: that
	// window is over.
	synctest.Test(t, func(t *testing.T) {
		clk := newFakeClock()
		clk.now, clk.frozen = time.Now(), true
		c, srv := spentServer(t, "X-Ratelimit-Route-Remaining", withClock(clk, 0.5))
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				_, err := c.GetMember(bg, "m"+string(rune('a'+i)))
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.Len(t, clk.Waits(), 8, "every goroutine waited for the reset")
		assert.Len(t, srv.at, 9)
	})
}

func TestPacingWaitBeyondMaxWaitFailsWithoutSending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, srv := spentServer(t, "X-Ratelimit-Route-Remaining", WithRetry(RetryPolicy{MaxWait: time.Second}), withJitter(0))
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		_, err = c.GetMember(bg, "m2")
		checkErr(t, err)
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, 0, rl.Attempts)
		assert.WithinDuration(t, start.Add(3*time.Second), rl.Reset, 0)
		assert.Len(t, srv.at, 1, "the request was sent into a spent window")
		assert.Zero(t, time.Since(start), "a wait was started")
	})
}

func TestPacingIgnoresUselessHeaders(t *testing.T) {
	for _, reset := range []string{"", "garbage", "-5", "1"} { // absent, unparsable, negative, long past
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Ratelimit-Route-Remaining", "0")
				w.Header().Set("X-Ratelimit-Global-Remaining", "0")
				w.Header().Set("X-Ratelimit-Reset", reset)
				writeJSON(w, 200, memberJSON)
			}, withJitter(0.5))
			for range 3 {
				_, err := c.GetMember(bg, "m1")
				require.NoError(t, err)
			}
			assert.Zero(t, time.Since(start), "reset %q", reset)
		})
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

// windowServer limits each route to budget requests per fixed window of the clock, as
// LaunchDarkly does, answering 429 past it, and counts per window what it answered. It runs
// in a synctest bubble, on its virtual clock, from start.
type windowServer struct {
	start  time.Time
	budget int
	window time.Duration

	mu     sync.Mutex
	used   map[int64]map[string]int // requests accepted, by window and route
	n429   map[int64]int            // 429s by window
	served int
}

func (s *windowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	win := time.Now().UnixMilli() / s.window.Milliseconds()
	reset := (win + 1) * s.window.Milliseconds()
	route := routeKey(r.Method, r.URL.Path)
	s.mu.Lock()
	if s.used == nil {
		s.used, s.n429 = map[int64]map[string]int{}, map[int64]int{}
	}
	if s.used[win] == nil {
		s.used[win] = map[string]int{}
	}
	ok := s.used[win][route] < s.budget
	if ok {
		s.used[win][route]++
		s.served++
	} else {
		s.n429[win]++
	}
	left := s.budget - s.used[win][route]
	s.mu.Unlock()
	w.Header().Set("X-Ratelimit-Route-Remaining", strconv.Itoa(left))
	w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(reset, 10))
	if !ok {
		writeJSON(w, 429, `{"code":"rate_limited","message":"slow down"}`)
		return
	}
	time.Sleep(200 * time.Microsecond) // so that the goroutines' requests overlap
	writeJSON(w, 200, memberJSON)
}

// tooMany returns the windows with more than one 429, the first included, and the most 429s
// in any window.
func (s *windowServer) tooMany() (map[int64]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := s.start.UnixMilli() / s.window.Milliseconds()
	bad, most := map[int64]int{}, 0
	for w, n := range s.n429 {
		most = max(most, n)
		if n > 1 {
			bad[w-first] = n
		}
	}
	return bad, most
}

// TestPacingGoroutinesShareBudget: goroutines sharing a client on one route spend its budget
// without overrunning it. Requests in flight count against the window before any response
// reports them, so at most one 429 a window (in practice none) and every call succeeds. In the
// first window, of which nothing is known, the goroutines wait for the first answer; after
// that, the limit seen holds back the burst of goroutines woken by each reset.
func TestPacingGoroutinesShareBudget(t *testing.T) {
	for _, tt := range []struct{ goroutines, budget, calls int }{
		{4, 5, 30},
		{4, 10, 40},
		{8, 8, 20},
		{3, 3, 20},
		{8, 4, 10},
		{16, 5, 5},
	} {
		t.Run(fmt.Sprintf("%d goroutines, %d a window", tt.goroutines, tt.budget), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &windowServer{start: time.Now(), budget: tt.budget, window: time.Second}
				c, err := New(testToken, WithBaseURL("http://127.0.0.1"), WithRetry(RetryPolicy{MaxAttempts: 10}), withJitter(0.5),
					WithHTTPClient(&http.Client{Transport: memTransport(func(r *http.Request) *http.Response {
						w := httptest.NewRecorder()
						srv.ServeHTTP(w, r)
						return w.Result()
					})}))
				require.NoError(t, err)
				var wg sync.WaitGroup
				for g := range tt.goroutines {
					wg.Go(func() {
						for i := range tt.calls {
							if _, err := c.GetMember(bg, fmt.Sprintf("m%d-%d", g, i)); !assert.NoError(t, err) {
								return
							}
						}
					})
				}
				wg.Wait()
				total := tt.goroutines * tt.calls
				assert.Equal(t, total, srv.served)
				bad, most := srv.tooMany()
				assert.Empty(t, bad, "429s by window")
				// The budget is used, not just respected: a window of slack at most.
				minimum := (total + tt.budget - 1) / tt.budget
				windows := int(time.Since(srv.start)/time.Second) + 1
				t.Logf("%d calls in %d windows (minimum %d); at most %d 429s in a window", total, windows, minimum, most)
				assert.LessOrEqual(t, windows, minimum+1)
			})
		})
	}
}

func TestPacerCountsDown(t *testing.T) {
	p := newPacer()
	req := httptest.NewRequest("GET", "/api/v2/members/a", nil)
	other := httptest.NewRequest("GET", "/api/v2/members/b", nil) // the same route
	reset := epoch.Add(10 * time.Second)
	h := func(left int) http.Header {
		return http.Header{"X-Ratelimit-Route-Remaining": {strconv.Itoa(left)}, "X-Ratelimit-Reset": {ms(reset)}}
	}

	// A route answered without a report: requests go, and are counted as in flight.
	warm(p, req)
	t1, _, _, ok := p.reserve(req, epoch)
	require.True(t, ok)
	t2, _, _, ok := p.reserve(req, epoch)
	require.True(t, ok)
	// The first answer says 5 left; the second request, still in flight, may not be counted
	// in that yet: 4 for new requests.
	p.done(req, t1, h(5), epoch)
	var tickets []ticket
	for range 4 {
		tk, _, _, ok := p.reserve(other, epoch)
		require.True(t, ok)
		tickets = append(tickets, tk)
	}
	at, ok := p.until(req, epoch)
	require.True(t, ok, "the budget is spent before any response says so")
	assert.True(t, reset.Equal(at))
	_, at, _, ok = p.reserve(req, epoch)
	assert.False(t, ok)
	assert.True(t, reset.Equal(at))

	// The second answer: 4 left when it was counted, and four requests in flight since.
	p.done(req, t2, h(4), epoch)
	_, _, _, ok = p.reserve(req, epoch)
	assert.False(t, ok)
	// Answers that raced: a higher count after a lower one does not raise it.
	p.done(req, tickets[3], h(0), epoch)
	p.done(req, tickets[0], h(3), epoch)
	_, ok = p.until(req, epoch)
	assert.True(t, ok)

	// Another route is not held back, nor is the next window.
	list := httptest.NewRequest("GET", "/api/v2/members", nil)
	tk, _, _, ok := p.reserve(list, epoch)
	assert.True(t, ok)
	p.done(list, tk, nil, epoch)
	_, ok = p.until(req, reset)
	assert.False(t, ok, "the window has reset")

	// A report on a newer window replaces the old, whatever its count.
	rw := p.routes["GET /api/v2/members/{id}"]
	p.done(req, tickets[1], http.Header{"X-Ratelimit-Route-Remaining": {"7"}, "X-Ratelimit-Reset": {ms(reset.Add(10 * time.Second))}}, epoch)
	assert.Equal(t, 7, rw.lowest)
	// A late report on the older window changes nothing.
	p.done(req, tickets[2], h(0), epoch)
	assert.Equal(t, 7, rw.lowest)
	assert.Zero(t, rw.inflight)
	assert.Zero(t, p.global.inflight)
}

// warm has the pacer hear an answer without a report on req's route, which opens it.
func warm(p *pacer, req *http.Request) {
	tk, _, _, _ := p.reserve(req, epoch)
	p.done(req, tk, http.Header{}, epoch)
}

// TestPacerAnswersGiveBackSlots: a request in flight holds a slot only until its answer shows
// whether the server had counted it before the lowest report.
func TestPacerAnswersGiveBackSlots(t *testing.T) {
	p := newPacer()
	req := httptest.NewRequest("GET", "/api/v2/members/a", nil)
	reset := epoch.Add(time.Second)
	h := func(left int) http.Header {
		return http.Header{"X-Ratelimit-Route-Remaining": {strconv.Itoa(left)}, "X-Ratelimit-Reset": {ms(reset)}}
	}
	warm(p, req)
	var tickets []ticket
	for range 4 { // a window opens with four requests at once, counted 9, 8, 7, 6 left
		tk, _, _, _ := p.reserve(req, epoch)
		tickets = append(tickets, tk)
	}
	left := func() int {
		n := 0
		for ; ; n++ {
			if _, ok := p.until(req, epoch); ok {
				return n
			}
			tk, _, _, _ := p.reserve(req, epoch)
			defer p.done(req, tk, nil, epoch.Add(time.Hour)) // an answer from later: no report, no loss
		}
	}
	p.done(req, tickets[3], h(6), epoch) // the last counted answers first
	assert.Equal(t, 3, left(), "6 less the three in flight, which may come after")
	p.done(req, tickets[0], h(9), epoch)
	assert.Equal(t, 4, left(), "that one was counted before the 6")
	p.done(req, tickets[1], h(8), epoch)
	p.done(req, tickets[2], h(7), epoch)
	assert.Equal(t, 6, left())
}

// TestPacerHoldsBurstAfterReset: once a window resets, the next is unknown until a response
// reports it; meanwhile no more requests go than the limit seen, and at least one.
func TestPacerHoldsBurstAfterReset(t *testing.T) {
	p := newPacer()
	req := httptest.NewRequest("GET", "/api/v2/members/a", nil)
	reset := epoch.Add(time.Second)
	tk, _, _, _ := p.reserve(req, epoch)
	p.done(req, tk, http.Header{"X-Ratelimit-Route-Remaining": {"2"}, "X-Ratelimit-Reset": {ms(reset)}}, epoch)
	var tickets []ticket
	for range 2 {
		tk, _, _, ok := p.reserve(req, epoch)
		require.True(t, ok)
		tickets = append(tickets, tk)
	}
	_, at, answered, ok := p.reserve(req, epoch)
	require.False(t, ok)
	assert.Nil(t, answered)
	assert.True(t, reset.Equal(at))

	// The window resets with two requests still in flight: a limit of 3 leaves one.
	_, _, _, ok = p.reserve(req, reset)
	require.True(t, ok)
	_, at, answered, ok = p.reserve(req, reset)
	require.False(t, ok)
	assert.True(t, at.IsZero())
	require.NotNil(t, answered)
	select {
	case <-answered:
		require.Fail(t, "closed before any answer")
	default:
	}
	// An answer from the new window: 1 left when counted, two requests still in flight.
	p.done(req, tickets[0], http.Header{"X-Ratelimit-Route-Remaining": {"1"}, "X-Ratelimit-Reset": {ms(reset.Add(time.Second))}}, reset)
	<-answered
	at, ok = p.until(req, reset)
	assert.True(t, ok, "the new window is spent")
	assert.True(t, reset.Add(time.Second).Equal(at))

	// With nothing in flight a request always goes, to learn the new window, even if answers
	// without a report used up the limit seen.
	q := newPacer()
	tk, _, _, _ = q.reserve(req, epoch)
	q.done(req, tk, http.Header{"X-Ratelimit-Route-Remaining": {"0"}, "X-Ratelimit-Reset": {ms(reset)}}, epoch)
	for range 3 {
		tk, _, _, ok := q.reserve(req, reset)
		require.True(t, ok)
		q.done(req, tk, nil, reset)
	}

	// A limit seen long ago no longer holds.
	later := reset.Add(time.Second + limitMemory) // past the last window reported
	for range 3 {
		_, _, _, ok := p.reserve(req, later)
		require.True(t, ok)
	}
}

func TestPacerGlobalCountsEveryRoute(t *testing.T) {
	p := newPacer()
	reset := epoch.Add(time.Second)
	tk, _, _, _ := p.reserve(httptest.NewRequest("GET", "/api/v2/members", nil), epoch)
	p.done(httptest.NewRequest("GET", "/api/v2/members", nil), tk,
		http.Header{"X-Ratelimit-Global-Remaining": {"2"}, "X-Ratelimit-Reset": {ms(reset)}}, epoch)
	for _, path := range []string{"/api/v2/tokens", "/api/v2/members/x"} {
		_, _, _, ok := p.reserve(httptest.NewRequest("GET", path, nil), epoch)
		assert.True(t, ok)
	}
	at, ok := p.until(httptest.NewRequest("DELETE", "/api/v2/tokens/t", nil), epoch)
	assert.True(t, ok)
	assert.True(t, reset.Equal(at))
	assert.Equal(t, 2, p.global.inflight)
}

func TestPacerNoResponseReleasesSlot(t *testing.T) {
	p := newPacer()
	req := httptest.NewRequest("GET", "/api/v2/members/a", nil)
	tk, _, _, _ := p.reserve(req, epoch)
	p.done(req, tk, http.Header{"X-Ratelimit-Route-Remaining": {"3"}, "X-Ratelimit-Reset": {ms(epoch.Add(time.Second))}}, epoch)
	tk, _, _, _ = p.reserve(req, epoch)
	require.NotNil(t, tk.route)
	assert.Equal(t, 1, tk.route.inflight)
	p.done(req, tk, nil, epoch) // a lost connection: the server may have counted it
	assert.Zero(t, tk.route.inflight)
	assert.Zero(t, p.global.inflight)
	assert.Equal(t, 1, tk.route.lost)
	// Until the next window.
	p.done(req, tk, http.Header{"X-Ratelimit-Route-Remaining": {"3"}, "X-Ratelimit-Reset": {ms(epoch.Add(2 * time.Second))}}, epoch)
	assert.Zero(t, tk.route.lost)
}

// TestPacerAllocations: without rate-limit headers a request costs the pacer no allocation,
// and with them none either once its route is known.
func TestPacerAllocations(t *testing.T) {
	p := newPacer()
	req := httptest.NewRequest("GET", "/api/v2/members/a", nil)
	plain := http.Header{"Content-Type": {"application/json"}}
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		tk, _, _, _ := p.reserve(req, epoch)
		p.done(req, tk, plain, epoch)
	}))
	// A new window each time, so that none is spent.
	var limited []http.Header
	for i := range 200 {
		limited = append(limited, http.Header{"X-Ratelimit-Route-Remaining": {"5"}, "X-Ratelimit-Reset": {ms(epoch.Add(time.Duration(i+1) * time.Second))}})
	}
	tk, _, _, _ := p.reserve(req, epoch)
	p.done(req, tk, limited[0], epoch) // the route's entry is made
	i := 0
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		i++
		now := epoch.Add(time.Duration(i) * time.Second)
		tk, _, _, ok := p.reserve(req, now)
		require.True(t, ok, "held back")
		p.done(req, tk, limited[i], now)
	}))
}

// TestPacingCountdownObeysMaxWaitAndDeadline: a window found spent by counting the requests
// in flight, though no response said 0, is refused at once beyond MaxWait or the deadline,
// without sending.
func TestPacingCountdownObeysMaxWaitAndDeadline(t *testing.T) {
	for _, deadline := range []bool{false, true} {
		t.Run(fmt.Sprintf("deadline=%v", deadline), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				rec := &recorder{}
				arrived, release := make(chan struct{}), make(chan struct{})
				policy := RetryPolicy{MaxWait: 2 * time.Second}
				ctx := bg
				if deadline {
					policy.MaxWait = 0
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(bg, time.Second) // shorter than the window's 3s
					defer cancel()
				}
				c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
					if n := rec.record(r, nil); n > 1 {
						arrived <- struct{}{}
						<-release
					}
					w.Header().Set("X-Ratelimit-Route-Remaining", "2")
					w.Header().Set("X-Ratelimit-Reset", ms(start.Add(3*time.Second)))
					writeJSON(w, 200, memberJSON)
				}, WithRetry(policy), withJitter(0))
				_, err := c.GetMember(ctx, "m1") // 2 left
				require.NoError(t, err)
				var wg sync.WaitGroup
				for _, id := range []string{"m2", "m3"} { // both in flight: none left
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := c.GetMember(ctx, id)
						assert.NoError(t, err)
					}()
					<-arrived
				}
				_, err = c.GetMember(ctx, "m4")
				close(release)
				wg.Wait()
				var rl *RateLimitError
				require.ErrorAs(t, checkErr(t, err), &rl)
				assert.Equal(t, 0, rl.Attempts)
				assert.WithinDuration(t, start.Add(3*time.Second), rl.Reset, 0)
				if deadline {
					assert.ErrorIs(t, err, context.DeadlineExceeded)
				}
				assert.Equal(t, 3, rec.Count(), "a request was sent into a spent window")
				assert.Zero(t, time.Since(start), "a wait was started")
			})
		})
	}
}

// until, for tests, returns when req may be sent, if that is after now, without taking a slot.
func (p *pacer) until(req *http.Request, now time.Time) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.spentUntil(p.route(req), now)
}

// memTransport answers in memory with f, so that a test can run in a synctest bubble.
type memTransport func(*http.Request) *http.Response

func (f memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := f(r)
	resp.Request = r
	return resp, nil
}

func memReply(status int, h http.Header, body string) *http.Response {
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

// TestPacingColdStart: goroutines starting together on a fresh client send one request on a
// route and wait for its answer. If it reports a budget they share it, so that the first
// window, like every other, draws at most one 429; if it reports none, the route is not
// limited and they all go at once.
func TestPacingColdStart(t *testing.T) {
	const goroutines = 8
	t.Run("limited", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			used, n429 := map[int64]int{}, map[int64]int{}
			c, err := New(testToken, WithBaseURL("http://127.0.0.1"), WithHTTPClient(&http.Client{Transport: memTransport(func(r *http.Request) *http.Response {
				defer time.Sleep(10 * time.Millisecond) // the answer's way back: requests overlap
				mu.Lock()
				defer mu.Unlock()
				win := time.Now().Unix()
				h := http.Header{"X-Ratelimit-Reset": {strconv.FormatInt((win+1)*1000, 10)}}
				if used[win] == 2 {
					n429[win]++
					h.Set("X-Ratelimit-Route-Remaining", "0")
					return memReply(429, h, `{"code":"rate_limited","message":"slow down"}`)
				}
				used[win]++
				h.Set("X-Ratelimit-Route-Remaining", strconv.Itoa(2-used[win]))
				return memReply(200, h, memberJSON)
			})}))
			require.NoError(t, err)
			var wg sync.WaitGroup
			for i := range goroutines {
				wg.Go(func() {
					_, err := c.GetMember(bg, fmt.Sprint("m", i))
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			for win, n := range n429 {
				assert.LessOrEqual(t, n, 1, "429s in window %d", win)
			}
		})
	})
	t.Run("unlimited", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			arrived, all := 0, make(chan struct{})
			c, err := New(testToken, WithBaseURL("http://127.0.0.1"), WithHTTPClient(&http.Client{Transport: memTransport(func(r *http.Request) *http.Response {
				mu.Lock()
				arrived++
				if arrived == goroutines {
					close(all)
				}
				first := arrived == 1
				mu.Unlock()
				if !first { // every later request waits for the others: they must all be in flight
					<-all
				}
				return memReply(200, http.Header{}, memberJSON)
			})}))
			require.NoError(t, err)
			_, err = c.GetMember(bg, "m0")
			require.NoError(t, err)
			var wg sync.WaitGroup
			for i := range goroutines - 1 {
				wg.Go(func() {
					_, err := c.GetMember(bg, fmt.Sprint("m", i+1))
					assert.NoError(t, err)
				})
			}
			wg.Wait()
		})
	})
}
