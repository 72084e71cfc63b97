package wrapper

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every retry, of every kind, is held to the one policy: MaxWait, MaxAttempts, the deadline.
// Failures that will not heal fail fast.

func TestBodyCutShortObeysMaxWait(t *testing.T) {
	clk := newFakeClock()
	var n atomic.Int32
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		cutBody(w)
	}, WithRetry(RetryPolicy{MaxWait: time.Second, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}), withClock(clk, 1))
	_, err := c.GetMember(bg, "m1")
	require.ErrorIs(t, checkErr(t, err), io.ErrUnexpectedEOF)
	assert.Equal(t, int32(1), n.Load(), "a 10s backoff is past MaxWait: no retry")
	assert.Empty(t, clk.Waits())
}

func TestBodyCutShortObeysTheDeadline(t *testing.T) {
	var n atomic.Int32
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		cutBody(w)
	}, WithRetry(RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour, MaxWait: 2 * time.Hour}), withClock(newFakeClock(), 1))
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	_, err := c.GetMember(ctx, "m1")
	checkErr(t, err)
	assert.Equal(t, int32(1), n.Load(), "an hour's backoff is past the deadline: no retry")
}

func TestBodyCutShortRetriedForClientAPI(t *testing.T) {
	var n atomic.Int32
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			cutBody(w)
			return
		}
		writeJSON(w, http.StatusOK, memberJSON)
	}, withClock(newFakeClock(), 0.5))
	resp, err := c.API.GetMemberWithResponse(bg, "m1", nil)
	require.NoError(t, err)
	require.NotNil(t, resp.JSON200, "status %d, body %q", resp.StatusCode(), resp.Body)
	assert.Equal(t, "ariel@acme.com", resp.JSON200.Email)
	assert.Equal(t, int32(2), n.Load())
}

func TestClientTimeoutCutBodyNotRetried(t *testing.T) {
	var n atomic.Int32
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"_id":"m1",`))
		w.(http.Flusher).Flush()
		select { // a body that never ends, until the client gives up
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}, WithHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}), withClock(newFakeClock(), 0.5))
	_, err := c.GetMember(bg, "m1")
	checkErr(t, err)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "%v", err)
	assert.Equal(t, int32(1), n.Load(), "http.Client.Timeout bounds the whole call; its cut is not retried")
}

func TestFailuresThatWillNotHealFailFast(t *testing.T) {
	for _, tt := range []struct {
		name       string
		err        error
		wantSends  int
		wantAnswer func(t *testing.T, err error)
	}{
		{"no such host", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "app.launchdarkly.invalid", IsNotFound: true}}, 1,
			func(t *testing.T, err error) {
				var dns *net.DNSError
				require.ErrorAs(t, err, &dns)
				assert.True(t, dns.IsNotFound)
			}},
		{"a DNS server failing is retried", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "app.launchdarkly.com", IsTemporary: true}}, 5, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { // in memory: the backoff waits are virtual
				var n int
				rt := roundTrip(func(*http.Request) (*http.Response, error) { n++; return nil, tt.err })
				c, err := New(testToken, WithHTTPClient(&http.Client{Transport: rt}), withJitter(0.5))
				require.NoError(t, err)
				_, err = c.GetMember(bg, "m1")
				checkErr(t, err)
				assert.Equal(t, tt.wantSends, n)
				if tt.wantAnswer != nil {
					tt.wantAnswer(t, err)
				}
			})
		})
	}
}

func TestRefusedConnectionRetriedOnceAfterAShortWait(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // connection refused from now on
	clk := newFakeClock()
	var events []RetryEvent
	c, err := New(testToken, WithBaseURL(srv.URL), WithRetry(RetryPolicy{MaxAttempts: 10,
		OnRetry: func(e RetryEvent) { events = append(events, e) }}), withClock(clk, 1))
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m1")
	checkErr(t, err)
	require.Len(t, events, 1, "one retry, not MaxAttempts")
	assert.Equal(t, []time.Duration{defaultBaseDelay}, clk.Waits(), "a short wait: the first step of backoff")
	var ne *net.OpError
	assert.ErrorAs(t, events[0].Err, &ne)
}

// roundTrip is an http.RoundTripper made of a func.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
