package wrapper

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/internal/testclock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testToken is recognisable so that a leak into any error or log line is easy to spot.
const testToken = "api-SECRET-0000-test"

// testCred is the credential of a client with testToken, for tests of the parts below Client.
func testCred() *credential {
	return newCredential(testToken, &url.URL{Scheme: "https", Host: "app.launchdarkly.com"}, DefaultAPIVersion, defaultUserAgent)
}

// epoch is the fake clock's start, on a whole second so that HTTP dates round-trip.
var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// checkErr asserts what every error of the package must satisfy: the "ldaccess: " prefix and
// no trace of the token. Every test that gets an error passes it through here.
func checkErr(t *testing.T, err error) error {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, testToken, "the token leaked into an error")
	assert.NotContains(t, msg, "SECRET", "part of the token leaked into an error")
	assert.True(t, strings.HasPrefix(msg, "ldaccess: "), "error without the ldaccess prefix: %q", msg)
	return err
}

// fakeClock advances only when the client waits, recording every wait; frozen, it does not
// advance at all. It serves, through withClock, the tests that synctest cannot: those over a
// loopback server, and the clock that does not move as far as a reset.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waits  []time.Duration
	frozen bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	if !c.frozen {
		c.now = c.now.Add(d)
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// fixedRand makes jitter deterministic.
func fixedRand(f float64) func() float64 { return func() float64 { return f } }

// withJitter fixes the client's jitter at f of its range, on whatever clock it runs.
func withJitter(f float64) Option { return func(o *options) { o.jitter = fixedRand(f) } }

// withClock runs the client's waits on clk, with jitter fixed at f of its range: the package's
// own hook, since a loopback server's connections keep a synctest bubble's time still.
func withClock(clk testclock.Clock, f float64) Option {
	return func(o *options) { o.clock, o.jitter = clk, fixedRand(f) }
}

// newTestServer starts an httptest server with h and a client for it.
func newTestServer(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(testToken, append([]Option{WithBaseURL(srv.URL)}, opts...)...)
	require.NoError(t, err)
	return c, srv
}

// memServer answers the client in memory with h, for a synctest bubble: without sockets, the
// client's waits pass in the bubble's virtual time, and nothing else takes any.
type memServer struct {
	h  http.HandlerFunc
	mu sync.Mutex
	at []time.Time // when each request arrived
}

// newMemServer returns a client of a memServer with h.
func newMemServer(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *memServer) {
	t.Helper()
	s := &memServer{h: h}
	c, err := New(testToken, append([]Option{WithBaseURL("http://127.0.0.1"), WithHTTPClient(&http.Client{Transport: s})}, opts...)...)
	require.NoError(t, err)
	return c, s
}

func (s *memServer) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
	w := httptest.NewRecorder()
	s.h(w, r)
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// waits returns the time between one request and the next: the client's waits.
func (s *memServer) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var d []time.Duration
	for i := 1; i < len(s.at); i++ {
		d = append(d, s.at[i].Sub(s.at[i-1]))
	}
	return d
}

// recorder is a handler that answers with a script of responses and records the requests.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

func (r *recorder) record(req *http.Request, body []byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), string(body)})
	return len(r.reqs)
}

func (r *recorder) Requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

const memberJSON = `{"_id":"m1","_links":{},"_lastSeen":0,"_pendingInvite":false,"_verified":true,"creationDate":1500000000000,"customRoles":[],"email":"ariel@acme.com","mfa":"enabled","role":"admin"}`

const tokenJSON = `{"_id":"t1","_links":{},"creationDate":1500000000000,"lastModified":1500000000000,"memberId":"m1","ownerId":"o1","token":"api-new-full-secret"}`

var bg = context.Background()
