package reliability

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/internal/testclock"
	"github.com/ldaccess/ldaccess/wrapper"
)

// canary is the access token every client in this package uses. It is recognisable anywhere
// it ends up: the checks below fail if it appears in an error, a log record or a formatted
// client, or reaches a host other than the configured one.
const (
	canary     = "api-LEAKCANARY-0000-4000-8000-000000000000"
	canaryMark = "LEAKCANARY"
)

// logCapture is an io.Writer behind a slog.TextHandler at the lowest level, so that every
// record the client emits, at any level and with every attribute resolved (LogValuer
// included), is kept as text.
type logCapture struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	records int
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records++
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logCapture) Records() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.records
}

func (l *logCapture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug - 8, AddSource: true}))
}

// noCanary fails the test if s contains the token, or a recognisable part of it, and
// reports whether it did not.
func noCanary(t testing.TB, what, s string) bool {
	t.Helper()
	if i := strings.Index(s, canaryMark); i >= 0 {
		lo, hi := max(0, i-100), min(len(s), i+60)
		t.Errorf("the access token leaks into %s: …%s…", what, s[lo:hi])
		return false
	}
	return true
}

// checkErr fails the test if err, however it is printed, contains the token. It reports the
// first leak only.
func checkErr(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for e := err; e != nil; {
		if !noCanary(t, fmt.Sprintf("an error's message (%T)", e), e.Error()) {
			return
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if !noCanary(t, fmt.Sprintf("an error (%T) printed with %s", err, verb), fmt.Sprintf(verb, err)) {
			return
		}
	}
}

// harness is a client built with the canary token and a capturing logger; at cleanup it
// checks the logs, the formatted client and every error passed to check.
type harness struct {
	t      testing.TB
	c      *wrapper.Client
	logs   *logCapture
	clock  *instantClock
	events atomic.Int64 // OnRetry calls
}

// instantClock is the retry policy's clock with waits that end at once: chaos and hostile
// tests exercise the retry logic without sleeping through the waits it computes. It records
// every wait asked of it.
type instantClock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *instantClock) Now() time.Time { return time.Now() }

func (c *instantClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Now()
	return ch
}

func (c *instantClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// fastPolicy retries quickly: tiny backoff and a short MaxWait, so that a far-future reset
// fails at once.
func fastPolicy() wrapper.RetryPolicy {
	return wrapper.RetryPolicy{MaxAttempts: 10, MaxWait: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}
}

// withClock sends through next (http.DefaultTransport if nil) and runs the client's waits on
// clock: the module's test hook, since a loopback server keeps a synctest bubble's time still.
func withClock(clock testclock.Clock, next http.RoundTripper) wrapper.Option {
	return wrapper.WithHTTPClient(&http.Client{Transport: &testclock.Transport{Next: next, Clock: clock}})
}

// newHarness builds a client for baseURL with the canary token, fastPolicy and waits that
// end at once (unless opts replace them) and a logger that records everything.
func newHarness(t testing.TB, baseURL string, opts ...wrapper.Option) *harness {
	t.Helper()
	h := &harness{t: t, logs: &logCapture{}, clock: &instantClock{}}
	p := fastPolicy()
	p.OnRetry = func(wrapper.RetryEvent) { h.events.Add(1) }
	all := append([]wrapper.Option{
		wrapper.WithBaseURL(baseURL),
		withClock(h.clock, nil),
		wrapper.WithRetry(p),
		wrapper.WithLogger(h.logs.logger()),
	}, opts...)
	c, err := wrapper.New(canary, all...)
	if err != nil {
		t.Fatalf("wrapper.New: %v", err)
	}
	h.c = c
	t.Cleanup(h.checkLeaks)
	return h
}

// check records err for the leak checks and returns it.
func (h *harness) check(err error) error {
	h.t.Helper()
	checkErr(h.t, err)
	return err
}

func (h *harness) checkLeaks() {
	h.t.Helper()
	noCanary(h.t, "the client's log records", h.logs.String())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		noCanary(h.t, "the client printed with "+verb, fmt.Sprintf(verb, h.c))
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("client", "c", h.c)
	noCanary(h.t, "the client logged as an attribute", b.String())
}

// roundTripFunc is an in-memory http.RoundTripper: no sockets, microseconds a request.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// memResponse is a response to req with the given status, headers and body.
func memResponse(req *http.Request, status int, hdr http.Header, body string) *http.Response {
	if hdr == nil {
		hdr = http.Header{}
	}
	return &http.Response{
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        hdr,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// heapPeak samples the heap while f runs and returns how far the heap in use
// (/memory/classes/heap/objects:bytes: live and not yet collected objects) rose above where
// it stood, after a GC, when f started. A sampler reads it every 200µs.
func heapPeak(f func()) (rise uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	close(stop)
	<-done
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}
