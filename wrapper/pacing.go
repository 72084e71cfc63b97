package wrapper

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer keeps, for the global rate-limit window and for each route's, what responses last
// reported of the budget left; one pacer serves all goroutines of a Client (the rules it keeps
// are in the package documentation). Every request takes a slot before it is sent
// ([pacer.reserve]) and gives it back when its answer, or its failure, comes ([pacer.done]).
//
// What a window takes is the lowest Remaining reported for it (responses race), less every
// request the server may have counted since: those in flight and those that came back without
// a report. A report higher than the lowest was counted before it, so it no longer weighs once
// answered. The budget thus never exceeds what the server has left, with a slack of only the
// requests in flight. Once a window has reset, the next is unknown until a response reports
// it: until then as many requests go as the limit seen (the highest Remaining reported, plus
// the request that reported it), and at least one. A route never answered is such a window
// with a limit of one.
type pacer struct {
	mu       sync.Mutex
	global   window
	routes   map[string]*window // by routeKey
	answered chan struct{}      // closed at the next answer, for requests waiting for one; or nil
}

// window is what the client knows of one rate-limit window.
type window struct {
	reset    time.Time // when the window last reported ends: lowest and lost mean nothing after
	lowest   int       // the lowest Remaining reported for it
	lost     int       // requests answered without a report since, which it may have counted
	limit    int       // the most requests a window was seen to take, or 0
	lostNext int       // requests answered without a report since the window reset
	inflight int       // requests sent and not yet answered, whatever their window
	heard    bool      // a response has come back on the route, with a report or without
}

// A ticket is a request's slot, from reserve to done.
type ticket struct{ route *window }

const (
	// limitMemory is how long after its last reported window the pacer holds a route, or
	// all, to the limit seen: several of LaunchDarkly's 10-second windows.
	limitMemory = time.Minute
	// maxRoutes is how many route entries the pacer keeps before it forgets idle, expired ones.
	maxRoutes = 64
)

// newPacer returns a pacer that knows nothing yet. The cold start's one request at a time is
// per route: the global window is held only by what responses report of it.
func newPacer() *pacer {
	return &pacer{global: window{heard: true}, routes: make(map[string]*window)}
}

// pace takes a slot for the request in its rate-limit windows, first waiting for the reset
// of any that the pacer knows to be spent. The slot must be returned with pacer.done.
func (t *retryTransport) pace(ctx context.Context, req *http.Request, attempt int) (ticket, error) {
	now := t.clock.Now()
	for {
		tk, reset, answered, ok := t.pacer.reserve(req, now)
		if ok {
			return tk, nil
		}
		if answered != nil { // a window that has just reset takes no more until one answers
			select {
			case <-ctx.Done():
				return ticket{}, ctx.Err()
			case <-answered:
			}
			now = later(t.clock.Now(), now)
			continue
		}
		wait := reset.Sub(now)
		if err := t.tooLong(ctx, req, wait, reset, attempt-1, now); err != nil {
			return ticket{}, err
		}
		t.pacing(req, wait)
		if err := sleep(ctx, t.clock, wait); err != nil {
			return ticket{}, err
		}
		// That window is over, even if a test's clock has not moved as far. Another may be
		// spent by now, if a response reported the next one already.
		now = later(t.clock.Now(), reset)
	}
}

// pacing tells the logger and the policy's OnPace that req waits for a window's reset.
func (t *retryTransport) pacing(req *http.Request, wait time.Duration) {
	ev := PaceEvent{Method: req.Method, Path: t.path(req), Wait: wait}
	t.logger.LogAttrs(req.Context(), slog.LevelDebug, "ldaccess: rate-limit window spent; waiting for reset",
		slog.String("method", ev.Method), slog.String("path", ev.Path), slog.Duration("wait", ev.Wait))
	if t.policy.OnPace != nil {
		t.policy.OnPace(ev)
	}
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

// current reports whether w describes the window in force at now.
func (w *window) current(now time.Time) bool { return w.reset.After(now) }

// spent reports whether the window in force at now takes no more requests, with others of
// the client's requests in flight that it may count.
func (w *window) spent(now time.Time, others int) bool {
	return w.current(now) && w.lowest-w.lost-others <= 0
}

// full reports whether a window not yet reported takes no more requests than those in
// flight (others), at least one of which will answer: on a route never answered, one. A
// limit seen long ago, before a stretch without reports, is forgotten: the server may have
// stopped limiting.
func (w *window) full(now time.Time, others int) bool {
	if !w.heard {
		return others > 0
	}
	return !w.current(now) && w.limit > 0 && others > 0 && w.limit-w.lostNext-others <= 0 &&
		now.Sub(w.reset) < limitMemory
}

// learn merges a response's report that the window ending at reset takes rem more requests.
func (w *window) learn(rem int, reset time.Time) {
	w.limit = max(w.limit, rem+1) // the reporting request took one, if it was let through
	switch {
	case reset.After(w.reset): // a newer window than the one known: start afresh
		w.reset, w.lowest, w.lost, w.lostNext = reset, rem, 0, 0
	case reset.Equal(w.reset): // responses racing within a window: the lowest count holds
		w.lowest = min(w.lowest, rem)
	} // a report on an older window comes too late to matter
}

// unreported counts a request answered without a report, which the server may have counted.
func (w *window) unreported(now time.Time) {
	if w.current(now) {
		w.lost++
	} else if w.limit > 0 {
		w.lostNext++
	}
}

// reserve takes a slot for req in the global window and its route's. If either is spent, it
// takes nothing and returns the reset to wait for; if either is full before its first report,
// it takes nothing and returns a channel closed at the next answer.
func (p *pacer) reserve(req *http.Request, now time.Time) (ticket, time.Time, <-chan struct{}, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rw := p.route(req)
	if rw == nil {
		p.prune(now)
		rw = new(window)
		p.routes[routeKey(req.Method, req.URL.EscapedPath())] = rw
	}
	if at, ok := p.spentUntil(rw, now); ok {
		return ticket{}, at, nil, false
	}
	if p.global.full(now, p.global.inflight) || rw.full(now, rw.inflight) {
		if p.answered == nil {
			p.answered = make(chan struct{})
		}
		return ticket{}, time.Time{}, p.answered, false
	}
	p.global.inflight++
	rw.inflight++
	return ticket{route: rw}, time.Time{}, nil, true
}

// route returns the entry of req's route, or nil. The lookup allocates nothing. The path is
// the escaped one, so that an ID holding an escaped "/" stays one segment.
func (p *pacer) route(req *http.Request) *window {
	var buf [128]byte
	return p.routes[string(appendRouteKey(buf[:0], req.Method, req.URL.EscapedPath()))]
}

// spentUntil returns the latest reset of the spent windows among the global one and rw, if
// not nil. p.mu must be held.
func (p *pacer) spentUntil(rw *window, now time.Time) (time.Time, bool) {
	var at time.Time
	if p.global.spent(now, p.global.inflight) {
		at = p.global.reset
	}
	if rw != nil && rw.spent(now, rw.inflight) && rw.reset.After(at) {
		at = rw.reset
	}
	return at, !at.IsZero()
}

// done gives back the slot of a request that has been answered, learning from the response's
// headers h, or that got no response (h nil).
func (p *pacer) done(req *http.Request, tk ticket, h http.Header, now time.Time) {
	r := readReport(h, now)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.global.inflight--
	rw := tk.route // kept by prune while in flight
	rw.inflight--
	rw.heard = rw.heard || h != nil
	// A request that came back without a report (a proxy's error, a lost connection) may
	// still have been counted.
	if !r.globalOK {
		p.global.unreported(now)
	}
	if r.routeOK {
		rw.learn(r.route, r.reset)
	} else {
		rw.unreported(now)
	}
	if r.globalOK {
		p.global.learn(r.global, r.reset)
	}
	if p.answered != nil {
		close(p.answered)
		p.answered = nil
	}
}

// A report is what a response's headers say of its windows.
type report struct {
	route, global     int
	routeOK, globalOK bool
	reset             time.Time
}

// readReport reads the rate-limit headers of a response; without a usable reset, in the
// future, they are no report.
func readReport(h http.Header, now time.Time) report {
	var r report
	r.route, r.routeOK = remaining(h, "X-Ratelimit-Route-Remaining")
	r.global, r.globalOK = remaining(h, "X-Ratelimit-Global-Remaining")
	if !r.routeOK && !r.globalOK {
		return report{} // the common case without rate limits
	}
	if reset, ok := parseReset(first(h, "X-Ratelimit-Reset")); ok && reset.After(now) {
		r.reset = reset
		return r
	}
	return report{}
}

// prune forgets idle routes whose windows have passed once there are too many entries, so
// that paths with IDs deep inside do not grow the map without bound. p.mu must be held.
func (p *pacer) prune(now time.Time) {
	if len(p.routes) < maxRoutes {
		return
	}
	for k, w := range p.routes {
		if w.inflight == 0 && !w.current(now) {
			delete(p.routes, k)
		}
	}
}

// remaining reads an X-Ratelimit-*-Remaining header.
func remaining(h http.Header, key string) (int, bool) {
	v := first(h, key)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return max(n, 0), err == nil
}

// routeKey names a rate-limit route as LaunchDarkly does, method and path pattern:
// GET /api/v2/members/abc and GET /api/v2/members/def share "GET /api/v2/members/{id}".
func routeKey(method, path string) string {
	var buf [128]byte
	return string(appendRouteKey(buf[:0], method, path))
}

// appendRouteKey appends req's routeKey to dst.
func appendRouteKey(dst []byte, method, path string) []byte {
	const api = "/api/v2/"
	dst = append(append(dst, method...), ' ')
	i := strings.Index(path, api)
	if i < 0 {
		return append(dst, path...)
	}
	collection, rest, ok := strings.Cut(path[i+len(api):], "/")
	if !ok || rest == "" {
		return append(dst, path...)
	}
	dst = append(append(append(dst, path[:i+len(api)]...), collection...), "/{id}"...)
	if _, sub, ok := strings.Cut(rest, "/"); ok {
		dst = append(append(dst, '/'), sub...)
	}
	return dst
}
