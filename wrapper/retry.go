package wrapper

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/ldaccess/ldaccess/internal/testclock"
)

// RetryPolicy says how the client retries rate-limited and failed requests, by the rules of
// the package documentation ("Rate limits and retries"). Zero fields take the defaults given
// with each; pass it with [WithRetry].
type RetryPolicy struct {
	// MaxAttempts is how many times a request is sent at most, the first included; 1 turns
	// retries off. Default 5.
	MaxAttempts int
	// MaxWait is the longest single wait the client accepts, held against the wait the server
	// asks for (jitter aside); a longer one fails at once. Default 1 minute.
	MaxWait time.Duration
	// BaseDelay is the first step of exponential backoff. Default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps exponential backoff. Default 30s.
	MaxDelay time.Duration
	// OnRetry, if set, is called before each wait for a retry. It runs on the goroutine
	// making the request and must not block.
	OnRetry func(RetryEvent)
	// OnPace, if set, is called before each wait the client's pacing makes: a request held
	// back, before it is sent, until a rate-limit window it knows to be spent resets. Such a
	// wait is no retry: nothing failed. It runs on the goroutine making the request and must
	// not block.
	OnPace func(PaceEvent)
}

// A RetryEvent describes a failed attempt that is about to be retried, for
// [RetryPolicy.OnRetry] and the debug log. Like the client's errors, it holds nothing of the
// access token: Path and every link of Err's chain are redacted.
type RetryEvent struct {
	Method, Path string        // the request; Path has no query
	Attempt      int           // the attempt that failed, from 1
	StatusCode   int           // its status, or 0 if no response arrived
	Err          error         // the transport error when no response arrived, or the one that cut the body short
	Wait         time.Duration // the wait before the next attempt
	Reason       string        // why and where Wait comes from: "Retry-After", "X-Ratelimit-Reset", "backoff" or "body cut short"
}

// A PaceEvent describes a request the client holds back until a spent rate-limit window
// resets, for [RetryPolicy.OnPace] and the debug log. Path is redacted, as a RetryEvent's is.
type PaceEvent struct {
	Method, Path string        // the request; Path has no query
	Wait         time.Duration // how long it is held back
}

const (
	defaultMaxAttempts = 5
	defaultMaxWait     = time.Minute
	defaultBaseDelay   = 500 * time.Millisecond
	defaultMaxDelay    = 30 * time.Second

	drainLimit    = 64 << 10       // of a discarded body, read so its connection can be reused
	maxHeaderWait = 24 * time.Hour // caps what a server can ask for, far from overflow
	maxPath       = 500            // bounds a path in an event or error: a link's could be long
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	p.MaxAttempts = cmpOr(p.MaxAttempts, defaultMaxAttempts)
	p.MaxWait = cmpOr(p.MaxWait, defaultMaxWait)
	p.BaseDelay = cmpOr(p.BaseDelay, defaultBaseDelay)
	p.MaxDelay = cmpOr(p.MaxDelay, defaultMaxDelay)
	return p
}

// systemClock is the clock of every client but a test's (see internal/testclock).
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// retryTransport is the client's transport: it authenticates, paces and retries the requests
// for the client's host, reads each success body whole, and sanitises every error it reports.
type retryTransport struct {
	next   http.RoundTripper
	cred   *credential
	policy RetryPolicy
	pacer  *pacer
	logger *slog.Logger
	clock  testclock.Clock
	jitter func() float64 // in [0, 1)
}

func newRetryTransport(next http.RoundTripper, cred *credential, o *options, logger *slog.Logger) *retryTransport {
	t := &retryTransport{next: next, cred: cred, policy: o.retry.withDefaults(), pacer: newPacer(), logger: logger,
		clock: o.clock, jitter: o.jitter}
	if tc, ok := next.(interface {
		TestClock() (testclock.Clock, func() float64)
	}); ok {
		t.clock, t.jitter = tc.TestClock()
	}
	if t.clock == nil {
		t.clock = systemClock{}
	}
	if t.jitter == nil {
		t.jitter = rand.Float64
	}
	return t
}

// path is the request's path as logs and errors show it: a path from a server-supplied link
// could hold anything, the token included.
func (t *retryTransport) path(req *http.Request) string { return t.cred.clean(req.URL.Path, maxPath) }

// RoundTrip sends a request to the client's host as the retry policy says: each attempt
// (send), then the decision to try again (decide), told (retrying) and waited for.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = t.cred.authorize(req)
	ctx := req.Context()
	if !ownOrigin(t.cred.origin, req.URL) { // other hosts' limits are not ours to pace
		resp, err := t.next.RoundTrip(req)
		if err == nil {
			resp, err = readBody(ctx, resp)
		}
		return resp, t.cred.sanitize(err)
	}
	for attempt := 1; ; attempt++ {
		o, err := t.send(req, attempt)
		if err != nil {
			return nil, err
		}
		wait, reason, retry, err := t.decide(req, o, attempt)
		switch {
		case err != nil:
			discard(o.resp)
			return nil, err
		case !retry:
			return o.resp, t.cred.sanitize(o.err)
		}
		t.retrying(req, o, attempt, wait, reason)
		if err := sleep(ctx, t.clock, wait); err != nil {
			return nil, err
		}
	}
}

// An attempt is one answer to a request, as the retry decision sees it.
type attempt struct {
	resp *http.Response
	err  error
	cut  bool      // a 2xx body was cut short
	at   time.Time // when the answer came
}

// send makes one attempt: it waits for the request's turn under the rate limits, replays the
// body, sends it, and reads a 2xx body whole. An error means there is no attempt to judge.
func (t *retryTransport) send(req *http.Request, n int) (attempt, error) {
	ctx := req.Context()
	tk, err := t.pace(ctx, req, n)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return attempt{}, err
	}
	r := req
	if n > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			t.pacer.done(req, tk, nil, t.clock.Now())
			return attempt{}, t.cred.sanitize(err)
		}
		r = new(http.Request)
		*r = *req // the header is shared but not modified below us
		r.Body = body
	}
	resp, err := t.next.RoundTrip(r)
	a := attempt{resp: resp, err: err, at: t.clock.Now()}
	var h http.Header
	if resp != nil {
		h = resp.Header
	}
	t.pacer.done(req, tk, h, a.at)
	if err == nil {
		a.resp, a.err = readBody(ctx, resp)
		a.cut = a.err != nil
	}
	return a, nil
}

// decide is the retry decision, as named checks: whether the attempt may be retried at all
// (mayRetry), how long to wait (wait), and whether that wait fits the policy and the deadline.
// A rate-limit wait that does not fit is an error (*RateLimitError); any other answer is
// returned as it is.
func (t *retryTransport) decide(req *http.Request, a attempt, n int) (wait time.Duration, reason string, retry bool, err error) {
	if !t.mayRetry(req, a, n) {
		return 0, "", false, nil
	}
	ctx := req.Context()
	wait, reason, reset := t.wait(a.resp, n, a.at)
	if a.cut {
		reason = "body cut short"
	}
	if a.resp != nil && a.resp.StatusCode == http.StatusTooManyRequests {
		if err := t.tooLong(ctx, req, wait, reset, n, a.at); err != nil {
			return 0, "", false, err
		}
	} else if asked(wait, reset, a.at) > t.policy.MaxWait || pastDeadline(ctx, wait) {
		return 0, "", false, nil // a retry could not come in time: report what we have
	}
	return wait, reason, true, nil
}

// mayRetry: the answer is one worth retrying for this method, attempts are left, and the body
// can be sent again.
func (t *retryTransport) mayRetry(req *http.Request, a attempt, n int) bool {
	rewindable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	return rewindable && n < t.policy.MaxAttempts && retryable(req, a.resp, a.err, n)
}

// retrying tells the logger and the policy's OnRetry about a retry, and drains the answer it
// replaces.
func (t *retryTransport) retrying(req *http.Request, a attempt, n int, wait time.Duration, reason string) {
	ev := RetryEvent{Method: req.Method, Path: t.path(req), Attempt: n, Err: t.cred.sanitize(a.err), Wait: wait, Reason: reason}
	if a.resp != nil {
		ev.StatusCode = a.resp.StatusCode
		discard(a.resp)
	}
	t.logger.LogAttrs(req.Context(), slog.LevelDebug, "ldaccess: retrying",
		slog.String("method", ev.Method), slog.String("path", ev.Path), slog.Int("attempt", ev.Attempt),
		slog.Int("status", ev.StatusCode), slog.Any("error", ev.Err), slog.Duration("wait", ev.Wait), slog.String("reason", ev.Reason))
	if t.policy.OnRetry != nil {
		t.policy.OnRetry(ev)
	}
}

// tooLong returns a *RateLimitError if a rate-limit wait exceeds the policy or the deadline.
// The policy is held against the server's own wait, jitter aside, so that a server asking for
// exactly MaxWait is obeyed.
func (t *retryTransport) tooLong(ctx context.Context, req *http.Request, wait time.Duration, reset time.Time, attempts int, now time.Time) error {
	asked := asked(wait, reset, now)
	if reset.IsZero() {
		reset = now.Add(wait)
	}
	var reason string
	var err error
	switch {
	case asked > t.policy.MaxWait:
		reason = "wait exceeds the retry policy's MaxWait"
	case pastDeadline(ctx, wait):
		reason, err = "wait exceeds the context deadline", context.DeadlineExceeded
	default:
		return nil
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "ldaccess: rate-limit wait refused",
		slog.String("method", req.Method), slog.String("path", t.path(req)), slog.Duration("wait", wait), slog.String("reason", reason))
	return &RateLimitError{Reset: reset, Wait: wait, Attempts: attempts, Method: req.Method, Path: t.path(req), Err: err, reason: reason}
}

// asked is the part of wait the server asked for, without the client's jitter: the part that
// MaxWait is held against.
func asked(wait time.Duration, reset, now time.Time) time.Duration {
	if reset.IsZero() {
		return wait
	}
	return min(wait, max(reset.Sub(now), 0))
}

// wait computes the wait before the next attempt and, for a header-derived one, the reset time.
func (t *retryTransport) wait(resp *http.Response, attempt int, now time.Time) (time.Duration, string, time.Time) {
	if resp != nil {
		if d, ok := parseRetryAfter(first(resp.Header, "Retry-After"), now); ok {
			d = min(d, maxHeaderWait)
			return d + headerJitter(d, t.jitter), "Retry-After", now.Add(d)
		}
		if reset, ok := parseReset(first(resp.Header, "X-Ratelimit-Reset")); ok {
			d := min(max(reset.Sub(now), 0), maxHeaderWait)
			return d + headerJitter(d, t.jitter), "X-Ratelimit-Reset", reset
		}
	}
	return backoff(t.policy.BaseDelay, t.policy.MaxDelay, attempt, t.jitter), "backoff", time.Time{}
}

// backoff is "full jitter" exponential backoff: a random wait up to min(max, base·2^(attempt-1)).
func backoff(base, maxDelay time.Duration, attempt int, rnd func() float64) time.Duration {
	ceil := maxDelay
	if shift := attempt - 1; shift < 62 && base <= maxDelay>>shift {
		ceil = base << shift
	}
	return time.Duration(clamp01(rnd()) * float64(ceil))
}

// headerJitter is up to a tenth of d, and at least 50ms, so that clients woken by the same
// reset do not all return at the same instant.
func headerJitter(d time.Duration, rnd func() float64) time.Duration {
	return time.Duration(clamp01(rnd()) * float64(max(d/10, 50*time.Millisecond)))
}

func clamp01(f float64) float64 {
	if !(f >= 0) { // also NaN
		return 0
	}
	return min(f, 1)
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date; negative values and
// dates in the past count as no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return maxHeaderWait, true // more seconds than an int64 holds is still a number
	}
	if err == nil {
		return time.Duration(min(max(secs, 0), int64(maxHeaderWait/time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// parseReset reads X-Ratelimit-Reset, Unix epoch milliseconds.
func parseReset(v string) (time.Time, bool) {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// retryable reports whether an attempt's outcome may be retried. A failure that will not heal
// is not: a host name that does not resolve, a body past maxBody. A refused connection is
// tried once more, in case the server was restarting, and then given up on.
func retryable(req *http.Request, resp *http.Response, err error, attempt int) bool {
	idempotent := false
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		idempotent = true
	}
	if err != nil {
		var dns *net.DNSError
		switch {
		case !idempotent, req.Context().Err() != nil, errors.Is(err, errBodyTooLarge),
			errors.As(err, &dns) && dns.IsNotFound:
			return false
		case errors.Is(err, syscall.ECONNREFUSED):
			return attempt == 1
		}
		return true
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true // not processed, whatever the method
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// pastDeadline reports whether a wait would outlast ctx. Deadlines are on the system clock
// whatever the transport's clock says, since that is the clock the context fires on.
func pastDeadline(ctx context.Context, wait time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && wait > time.Until(dl)
}

func sleep(ctx context.Context, clock testclock.Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-clock.After(d):
		return nil
	}
}

// discard drains a bounded part of a body we will not read, so the connection can be reused,
// and closes it.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	io.CopyN(io.Discard, resp.Body, drainLimit)
	resp.Body.Close()
}
