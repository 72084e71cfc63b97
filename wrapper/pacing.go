package wrapper

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// pacer remembers rate-limit windows that responses reported spent, so that the client waits
// for their reset instead of provoking a 429. One pacer serves all goroutines of a Client.
type pacer struct {
	mu     sync.Mutex
	global time.Time            // reset of a spent global window
	routes map[string]time.Time // reset of each spent route window, by routeKey
}

func newPacer() *pacer { return &pacer{routes: make(map[string]time.Time)} }

// observe records the windows a response reports spent.
func (p *pacer) observe(req *http.Request, h http.Header, now time.Time) {
	route, global := first(h, "X-Ratelimit-Route-Remaining") == "0", first(h, "X-Ratelimit-Global-Remaining") == "0"
	if !route && !global {
		return // the common case: nothing to remember, nothing allocated
	}
	reset, ok := parseReset(first(h, "X-Ratelimit-Reset"))
	if !ok || !reset.After(now) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if global && reset.After(p.global) {
		p.global = reset
	}
	if route {
		key := routeKey(req.Method, req.URL.Path)
		if reset.After(p.routes[key]) {
			p.routes[key] = reset
		}
	}
}

// until returns when the request may be sent, if that is after now.
func (p *pacer) until(req *http.Request, now time.Time) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.global
	if len(p.routes) > 0 {
		key := routeKey(req.Method, req.URL.Path)
		if r, ok := p.routes[key]; ok {
			if !r.After(now) {
				delete(p.routes, key)
			} else if r.After(at) {
				at = r
			}
		}
	}
	return at, at.After(now)
}

// routeKey names a rate-limit route as LaunchDarkly does, method and path pattern:
// GET /api/v2/members/abc and GET /api/v2/members/def share "GET /api/v2/members/{id}".
func routeKey(method, path string) string {
	const api = "/api/v2/"
	i := strings.Index(path, api)
	if i < 0 {
		return method + " " + path
	}
	collection, rest, ok := strings.Cut(path[i+len(api):], "/")
	if !ok || rest == "" {
		return method + " " + path
	}
	key := method + " " + path[:i] + api + collection + "/{id}"
	if _, sub, ok := strings.Cut(rest, "/"); ok {
		key += "/" + sub
	}
	return key
}
