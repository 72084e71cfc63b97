package wrapper

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// ms renders t as X-Ratelimit-Reset does.
func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func TestRetryWaitSources(t *testing.T) {
	// With Rand fixed at 0.5: header waits get half of max(wait/10, 50ms) of jitter, backoff is
	// half of BaseDelay (500ms) on the first retry.
	tests := []struct {
		name       string
		header     func(now time.Time) http.Header
		wantWait   time.Duration
		wantReason string
		wantFail   bool // a *RateLimitError instead of a retry
	}{
		{"Retry-After seconds", hdr("Retry-After", "3"), 3*time.Second + 150*time.Millisecond, "Retry-After", false},
		{"Retry-After zero", hdr("Retry-After", "0"), 25 * time.Millisecond, "Retry-After", false},
		{"Retry-After of exactly MaxWait obeyed", hdr("Retry-After", "60"), 63 * time.Second, "Retry-After", false},
		{"Retry-After date", func(now time.Time) http.Header {
			return http.Header{"Retry-After": {now.Add(5 * time.Second).Format(http.TimeFormat)}}
		}, 5*time.Second + 250*time.Millisecond, "Retry-After", false},
		{"Retry-After negative clamped", hdr("Retry-After", "-5"), 25 * time.Millisecond, "Retry-After", false},
		{"Retry-After past date clamped", func(now time.Time) http.Header {
			return http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}
		}, 25 * time.Millisecond, "Retry-After", false},
		{"Retry-After beats X-Ratelimit-Reset", func(now time.Time) http.Header {
			return http.Header{"Retry-After": {"1"}, "X-Ratelimit-Reset": {ms(now.Add(9 * time.Second))}}
		}, time.Second + 50*time.Millisecond, "Retry-After", false},
		{"X-Ratelimit-Reset", func(now time.Time) http.Header {
			return http.Header{"X-Ratelimit-Reset": {ms(now.Add(2 * time.Second))}}
		}, 2*time.Second + 100*time.Millisecond, "X-Ratelimit-Reset", false},
		{"garbage Retry-After falls back to X-Ratelimit-Reset", func(now time.Time) http.Header {
			return http.Header{"Retry-After": {"soon"}, "X-Ratelimit-Reset": {ms(now.Add(2 * time.Second))}}
		}, 2*time.Second + 100*time.Millisecond, "X-Ratelimit-Reset", false},
		{"X-Ratelimit-Reset in the past clamped", func(now time.Time) http.Header {
			return http.Header{"X-Ratelimit-Reset": {ms(now.Add(-time.Minute))}}
		}, 25 * time.Millisecond, "X-Ratelimit-Reset", false},
		{"no headers: backoff", hdr(), 250 * time.Millisecond, "backoff", false},
		{"garbage everywhere: backoff", func(time.Time) http.Header {
			return http.Header{"Retry-After": {"1.5e9x"}, "X-Ratelimit-Reset": {"-12"}}
		}, 250 * time.Millisecond, "backoff", false},
		{"huge Retry-After fails fast", hdr("Retry-After", "99999999999999"), 0, "", true},
		{"overflowing Retry-After fails fast", hdr("Retry-After", "99999999999999999999999"), 0, "", true},
		{"far X-Ratelimit-Reset fails fast", func(now time.Time) http.Header {
			return http.Header{"X-Ratelimit-Reset": {ms(now.Add(2 * time.Hour))}}
		}, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var events []RetryEvent
				p := RetryPolicy{OnRetry: func(e RetryEvent) { events = append(events, e) }}
				first := true
				c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
					if first {
						first = false
						for k, v := range tt.header(time.Now()) {
							w.Header()[k] = v
						}
						writeJSON(w, 429, `{"code":"rate_limited","message":"slow down"}`)
						return
					}
					writeJSON(w, 200, memberJSON)
				}, WithRetry(p), withJitter(0.5))
				m, err := c.GetMember(bg, "m1")
				if tt.wantFail {
					checkErr(t, err)
					var rl *RateLimitError
					require.ErrorAs(t, err, &rl)
					assert.ErrorIs(t, err, ErrRateLimited)
					assert.Equal(t, 1, rl.Attempts)
					assert.Greater(t, rl.Wait, time.Minute)
					assert.True(t, rl.Reset.After(start.Add(time.Minute)))
					assert.Zero(t, time.Since(start), "slept into a certain failure")
					assert.Len(t, srv.waits(), 0, "one request")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, "m1", m.ID)
				assert.Equal(t, []time.Duration{tt.wantWait}, srv.waits())
				require.Len(t, events, 1)
				assert.Equal(t, RetryEvent{Method: "GET", Path: "/api/v2/members/m1", Attempt: 1, StatusCode: 429, Wait: tt.wantWait, Reason: tt.wantReason}, events[0])
			})
		})
	}
}

func hdr(kv ...string) func(time.Time) http.Header {
	return func(time.Time) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second}
		n := 0
		c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n++; n < 5 {
				w.WriteHeader(503)
				return
			}
			writeJSON(w, 200, memberJSON)
		}, WithRetry(p), withJitter(1))
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, srv.waits())
	})

	// Full jitter: the whole range down to zero.
	assert.Equal(t, time.Duration(0), backoff(time.Second, time.Minute, 3, fixedRand(0)))
	assert.Equal(t, 2*time.Second, backoff(time.Second, time.Minute, 3, fixedRand(0.5)))
	assert.Equal(t, time.Minute, backoff(time.Second, time.Minute, 500, fixedRand(1)), "no overflow on many attempts")
	assert.Equal(t, time.Duration(0), backoff(time.Second, time.Minute, 2, func() float64 { return -3 }), "a bad Rand is clamped")
}

func TestMaxAttemptsExhaustedGivesAPIError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"code":"rate_limited","message":"slow down","id":"req-9"}`)
		}, WithRetry(RetryPolicy{MaxAttempts: 3}), withJitter(0))
		_, err := c.GetMember(bg, "m1")
		checkErr(t, err)
		assert.ErrorIs(t, err, ErrRateLimited)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 429, apiErr.StatusCode)
		assert.Equal(t, "req-9", apiErr.RequestID)
		assert.Equal(t, []time.Duration{time.Second, time.Second}, srv.waits(), "three attempts, two waits")
	})
}

func TestRetryOnlyIdempotentAfterAmbiguousFailure(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		call      func(c *Client) error
		wantSends int32
	}{
		{"GET 503 retried", 503, func(c *Client) error { _, err := c.GetToken(bg, "t1"); return err }, 3},
		{"GET 502 retried", 502, func(c *Client) error { _, err := c.ListMembers(bg, MembersQuery{}); return err }, 3},
		{"DELETE 504 retried", 504, func(c *Client) error { return c.DeleteToken(bg, "t1") }, 3},
		{"POST 503 not retried", 503, func(c *Client) error { _, err := c.CreateToken(bg, api.AccessTokenPost{}); return err }, 1},
		{"POST reset 502 not retried", 502, func(c *Client) error { _, err := c.ResetToken(bg, "t1"); return err }, 1},
		{"PATCH 504 not retried", 504, func(c *Client) error { _, err := c.PatchMember(bg, "m1", Replace("/role", "reader")); return err }, 1},
		{"semantic PATCH 503 not retried", 503, func(c *Client) error {
			_, err := c.UpdateMembers(bg, "", ReplaceMembersRoles("reader", "m1"))
			return err
		}, 1},
		{"GET 500 not retried", 500, func(c *Client) error { _, err := c.GetToken(bg, "t1"); return err }, 1},
		{"GET 404 not retried", 404, func(c *Client) error { _, err := c.GetToken(bg, "t1"); return err }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var n atomic.Int32
				c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					writeJSON(w, tt.status, `{"code":"unavailable","message":"try later"}`)
				}, WithRetry(RetryPolicy{MaxAttempts: 3}), withJitter(0.5))
				err := checkErr(t, tt.call(c))
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				assert.Equal(t, tt.wantSends, n.Load())
			})
		})
	}
}

func TestConnectionErrorsRetriedOnlyForIdempotentMethods(t *testing.T) {
	for _, tt := range []struct {
		name      string
		call      func(c *Client) error
		wantSends int
	}{
		{"GET", func(c *Client) error { _, err := c.GetMember(bg, "m1"); return err }, 4},
		{"DELETE", func(c *Client) error { return c.DeleteMember(bg, "m1") }, 4},
		{"POST", func(c *Client) error { _, err := c.InviteMembers(bg, api.NewMemberForm{Email: "a@b.c"}); return err }, 1},
		{"PATCH", func(c *Client) error { _, err := c.PatchToken(bg, "t1", Remove("/description")); return err }, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			et := &errTransport{}
			var events []RetryEvent
			c, err := New(testToken, WithBaseURL("http://127.0.0.1:1"), WithHTTPClient(&http.Client{Transport: et}),
				WithRetry(RetryPolicy{MaxAttempts: 4,
					OnRetry: func(e RetryEvent) { events = append(events, e) }}), withJitter(0)) // backoff 0: no wait
			require.NoError(t, err)
			checkErr(t, tt.call(c))
			assert.Equal(t, tt.wantSends, et.n)
			require.Len(t, events, tt.wantSends-1)
			for i, e := range events {
				assert.Equal(t, i+1, e.Attempt)
				assert.Zero(t, e.StatusCode)
				assert.ErrorContains(t, e.Err, "connection reset")
				assert.Equal(t, "backoff", e.Reason)
			}
		})
	}
}

func TestRetriedBodyIsByteIdentical(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if rec.record(r, body) < 3 {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, 429, `{"code":"rate_limited","message":"slow down"}`)
				return
			}
			writeJSON(w, 201, tokenJSON)
		}, withJitter(0.5))
		name := "deploy-bot"
		_, err := c.CreateToken(bg, api.AccessTokenPost{Name: name})
		require.NoError(t, err)
		reqs := rec.Requests()
		require.Len(t, reqs, 3, "a 429 is retried even for POST")
		assert.JSONEq(t, `{"name":"deploy-bot"}`, reqs[0].Body)
		for _, r := range reqs[1:] {
			assert.Equal(t, reqs[0].Body, r.Body)
			assert.Equal(t, testToken, r.Header.Get("Authorization"))
		}
	})
}

func TestUnrewindableBodyNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, withJitter(0.5))
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/api/v2/tokens", io.MultiReader(strings.NewReader("{}")))
		require.NoError(t, err)
		resp, err := c.hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 429, resp.StatusCode)
		assert.Len(t, srv.at, 1)
	})
}

func TestCancelDuringWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(429)
		}, withJitter(0.5))
		ctx, cancel := context.WithCancel(bg)
		done := make(chan error, 1)
		go func() { _, err := c.GetMember(ctx, "m1"); done <- err }()
		synctest.Wait() // the client is waiting for the retry
		time.Sleep(10 * time.Second)
		cancel()
		err := <-done
		checkErr(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 10*time.Second, time.Since(start), "cancellation ended the wait at once")
		assert.Len(t, srv.at, 1)
	})
}

func TestFailFastPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, srv := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30") // within MaxWait, beyond the deadline
			w.WriteHeader(429)
		}, withJitter(0.5))
		ctx, cancel := context.WithTimeout(bg, 5*time.Second)
		defer cancel()
		_, err := c.GetMember(ctx, "m1")
		checkErr(t, err)
		assert.Zero(t, time.Since(start), "no wait was started")
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, rl.Attempts)
		assert.Equal(t, "GET", rl.Method)
		assert.Equal(t, "/api/v2/members/m1", rl.Path)
		assert.Equal(t, start.Add(30*time.Second), rl.Reset)
		assert.Len(t, srv.at, 1)
	})
}

func TestRetriesAreLoggedAtDebugWithoutToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		var n atomic.Int32
		c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(429)
				return
			}
			writeJSON(w, 200, memberJSON)
		}, withJitter(0.5), WithLogger(logger))
		_, err := c.GetMember(bg, "m1")
		require.NoError(t, err)
		out := logs.String()
		assert.Contains(t, out, `"level":"DEBUG"`)
		assert.Contains(t, out, `"msg":"ldaccess: retrying"`)
		assert.Contains(t, out, `"status":429`)
		assert.Contains(t, out, `"reason":"Retry-After"`)
		assert.NotContains(t, out, "SECRET")
	})
}

func TestDiscardedBodiesDrainedForConnectionReuse(t *testing.T) {
	var conns, n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 3 {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, 429, `{"code":"rate_limited","message":"`+strings.Repeat("x", 8<<10)+`"}`)
			return
		}
		writeJSON(w, 200, memberJSON)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := New(testToken, WithBaseURL(srv.URL), withClock(newFakeClock(), 0.5))
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m1")
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m1")
	require.NoError(t, err)
	assert.EqualValues(t, 5, n.Load())
	assert.EqualValues(t, 1, conns.Load(), "undrained bodies cost a connection each")
}

func TestParseHelpersNeverPanic(t *testing.T) {
	for _, v := range []string{"", "0", "-1", "abc", "9223372036854775807", "-9223372036854775808", "1e3", " 5", "Mon, 02 Jan 2006 15:04:05 GMT"} {
		assert.NotPanics(t, func() {
			d, _ := parseRetryAfter(v, epoch)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			parseReset(v)
		})
	}
	_ = errors.New
}

// FuzzRetryHeaders: whatever rate-limit headers a server sends, the wait is never negative,
// never beyond a day plus jitter, and nothing panics.
func FuzzRetryHeaders(f *testing.F) {
	f.Add("3", "1772366402000")
	f.Add("Sun, 01 Mar 2026 12:00:05 GMT", "")
	f.Add("-1", "-1")
	f.Add("99999999999999999999", "9223372036854775807")
	f.Add("", "garbage")
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		rt := newRetryTransport(nil, testCred(), &options{jitter: fixedRand(1)}, nil)
		h := http.Header{"Retry-After": {retryAfter}, "X-Ratelimit-Reset": {reset}}
		for attempt := 1; attempt < 100; attempt += 30 {
			d, reason, _ := rt.wait(&http.Response{Header: h}, attempt, epoch)
			require.True(t, d >= 0 && d <= maxHeaderWait+maxHeaderWait/10,
				"wait %v (%s) for Retry-After %q, X-Ratelimit-Reset %q", d, reason, retryAfter, reset)
		}
		p := newPacer()
		req := httptest.NewRequest("GET", "/api/v2/members/x", nil)
		if tk, _, _, ok := p.reserve(req, epoch); ok {
			p.done(req, tk, http.Header{"X-Ratelimit-Route-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}, epoch)
		}
		p.until(req, epoch)
	})
}

func TestSleepOnSystemClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		assert.NoError(t, sleep(bg, systemClock{}, time.Millisecond))
		assert.Equal(t, time.Millisecond, time.Since(start))
		assert.NoError(t, sleep(bg, systemClock{}, 0))
		ctx, cancel := context.WithCancel(bg)
		cancel()
		assert.ErrorIs(t, sleep(ctx, systemClock{}, time.Hour), context.Canceled)
		assert.Equal(t, time.Millisecond, time.Since(start), "a cancelled context ends the wait at once")
	})
}

// cutBody answers 200 promising a whole member but sends only the first half of it, then
// closes the connection.
func cutBody(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(memberJSON)))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(memberJSON[:len(memberJSON)/2]))
	w.(http.Flusher).Flush()
	conn, _, _ := w.(http.Hijacker).Hijack()
	conn.Close()
}

func TestBodyCutShortRetriedOnlyForIdempotentMethods(t *testing.T) {
	for _, tt := range []struct {
		name      string
		cuts      int32 // how many answers are cut short before a whole one
		call      func(c *Client) (api.Member, error)
		wantSends int32
		wantErr   bool
	}{
		{"GET once cut", 1, func(c *Client) (api.Member, error) { return c.GetMember(bg, "m1") }, 2, false},
		{"GET cut past the budget", 9, func(c *Client) (api.Member, error) { return c.GetMember(bg, "m1") }, 3, true},
		{"PATCH not resent", 1, func(c *Client) (api.Member, error) { return c.PatchMember(bg, "m1", Replace("/role", "reader")) }, 1, true},
		{"POST not resent", 1, func(c *Client) (api.Member, error) { return c.AddMemberToTeams(bg, "m1", "platform") }, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			var events []RetryEvent
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= tt.cuts {
					cutBody(w)
					return
				}
				writeJSON(w, http.StatusOK, memberJSON)
			}, WithRetry(RetryPolicy{MaxAttempts: 3,
				OnRetry: func(e RetryEvent) { events = append(events, e) }}), withClock(newFakeClock(), 0.5))

			m, err := tt.call(c)
			assert.Equal(t, tt.wantSends, n.Load())
			if tt.wantErr {
				require.ErrorIs(t, checkErr(t, err), io.ErrUnexpectedEOF)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "ariel@acme.com", m.Email, "the retry decodes afresh")
			require.Len(t, events, 1)
			assert.Equal(t, "body cut short", events[0].Reason)
		})
	}
}

func TestMalformedWholeBodyNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int32
		c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			writeJSON(w, http.StatusOK, `{"_id": "m1", "email": `)
		}, withJitter(0.5))
		_, err := c.GetMember(bg, "m1")
		require.ErrorContains(t, checkErr(t, err), "getMember: decoding response")
		assert.Equal(t, int32(1), n.Load(), "the server would send the same body again")
	})
}

func TestServerErrorWaitBeyondMaxWaitNotAttempted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int32
		start := time.Now()
		c, _ := newMemServer(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "120")
			writeJSON(w, http.StatusServiceUnavailable, `{"code":"unavailable","message":"down for maintenance"}`)
		}, WithRetry(RetryPolicy{MaxWait: time.Minute}), withJitter(0.5))

		_, err := c.GetMember(bg, "m1")
		var apiErr *APIError
		require.ErrorAs(t, checkErr(t, err), &apiErr)
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode, "the 503 is reported as it is")
		assert.Equal(t, int32(1), n.Load())
		assert.Zero(t, time.Since(start), "no wait beyond MaxWait is started")
	})
}
