package fake

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter counts requests in fixed windows aligned to multiples of the window length, one count
// for the account and one per route, as LaunchDarkly's headers describe them.
type limiter struct {
	cfg RateLimit

	mu     sync.Mutex
	start  int64 // the current window's start, epoch ms
	global int
	routes map[string]int
}

func newLimiter(cfg RateLimit) *limiter {
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	return &limiter{cfg: cfg, routes: map[string]int{}}
}

// take counts one request on route ("" for a request that matched no route: the global window
// only) and sets the rate-limit headers on h. It reports false, counting nothing, when a window
// is already spent: the request must then be answered 429 and not processed.
func (l *limiter) take(h http.Header, route string, now time.Time) bool {
	w := l.cfg.Window.Milliseconds()
	nowMs := now.UnixMilli()
	start := nowMs - ((nowMs%w)+w)%w // floor, also before 1970
	reset := start + w

	l.mu.Lock()
	defer l.mu.Unlock()
	if start != l.start {
		l.start, l.global = start, 0
		clear(l.routes)
	}
	globalOK := l.cfg.Global <= 0 || l.global < l.cfg.Global
	routeOK := route == "" || l.cfg.Route <= 0 || l.routes[route] < l.cfg.Route
	ok := globalOK && routeOK
	if ok {
		l.global++
		if route != "" {
			l.routes[route]++
		}
	}
	if l.cfg.Global > 0 {
		h.Set("X-Ratelimit-Global-Remaining", strconv.Itoa(l.cfg.Global-l.global))
	}
	if l.cfg.Route > 0 && route != "" {
		h.Set("X-Ratelimit-Route-Remaining", strconv.Itoa(l.cfg.Route-l.routes[route]))
	}
	if l.cfg.Global > 0 || l.cfg.Route > 0 {
		h.Set("X-Ratelimit-Reset", strconv.FormatInt(reset, 10))
	}
	if !ok && l.cfg.RetryAfter {
		secs := (reset - nowMs + 999) / 1000
		h.Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	return ok
}
