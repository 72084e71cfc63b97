package reliability

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// memberJSON is a minimal member as the contract requires it.
func memberJSON(id string) string {
	return `{"_id":"` + id + `","_links":{"self":{"href":"/api/v2/members/` + id + `","type":"application/json"}},` +
		`"_pendingInvite":false,"_verified":true,"_lastSeen":0,"creationDate":1500000000000,"customRoles":[],` +
		`"email":"` + id + `@example.com","mfa":"disabled","role":"reader"}`
}

// pageJSON is a members page holding ids, with a next link if next is not empty and a
// totalCount if total >= 0.
func pageJSON(ids []string, next string, total int) string {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(memberJSON(id))
	}
	b.WriteString(`],"_links":{`)
	if next != "" {
		b.WriteString(`"next":{"href":` + strconv.Quote(next) + `,"type":"application/json"}`)
	}
	b.WriteString(`}`)
	if total >= 0 {
		b.WriteString(`,"totalCount":` + strconv.Itoa(total))
	}
	b.WriteString(`}`)
	return b.String()
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

// hostile is the server side of one case: the configured host (main) and another host
// (foreign) that must never see the token. Both count requests.
type hostile struct {
	main, foreign         *httptest.Server
	mainN, foreignN       atomic.Int64
	foreignAuth, mainAuth atomic.Int64
}

// sized returns a generator whose filler repeats a whole number of times, so that the body
// stays well-formed, and whose size is about n.
func sized(head, fill, tail string, n int64) *generator {
	k := max(1, (n-int64(len(head)+len(tail)))/int64(len(fill)))
	return &generator{head: head, fill: fill, tail: tail, n: int64(len(head)+len(tail)) + k*int64(len(fill))}
}

// generator is a body of n bytes made on the fly from head, a repeated filler and tail, so
// that a 50 MB answer costs the test nothing.
type generator struct {
	head, fill, tail string
	n                int64 // total size
	off              int64
}

func (g *generator) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	w := 0
	for w < len(p) && g.off < g.n {
		var src string
		var pos int64
		switch fillEnd := g.n - int64(len(g.tail)); {
		case g.off < int64(len(g.head)):
			src, pos = g.head, g.off
		case g.off < fillEnd:
			rel := g.off - int64(len(g.head))
			src, pos = g.fill, rel%int64(len(g.fill))
			if lim := fillEnd - g.off; int64(len(src))-pos > lim {
				src = src[:pos+lim]
			}
		default:
			src, pos = g.tail, g.off-fillEnd
		}
		c := copy(p[w:], src[pos:])
		w += c
		g.off += int64(c)
	}
	return w, nil
}

func serveGenerated(w http.ResponseWriter, status int, ctype string, g *generator) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.FormatInt(g.n, 10))
	w.WriteHeader(status)
	io.Copy(w, g)
}

const fiftyMB = 50 << 20

type op int

const (
	opGet      op = iota // GetMember("m000")
	opList               // ListMembers, one page
	opIterate            // range Members
	opGetTwice           // GetMember("m000") twice: member from the first, err from the second
)

type outcome struct {
	err      error
	member   api.Member
	members  []api.Member
	elapsed  time.Duration
	heapRise uint64
}

type hostileCase struct {
	name    string
	op      op
	handler func(h *hostile) http.HandlerFunc
	// want checks the outcome beyond the common checks (no panic, bounded time and memory,
	// no token on another host, no token in errors and logs).
	want func(t *testing.T, h *hostile, o outcome)
}

// wantErr asks for an error that says something and, if is is not nil, matches it.
func wantErr(is error) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		require.Error(t, o.err, "got member %q, %d members", o.member.ID, len(o.members))
		if is != nil {
			assert.ErrorIs(t, o.err, is)
		}
		assert.LessOrEqual(t, len(o.err.Error()), 2000, "bytes in the error message: want a bounded one")
	}
}

func wantAPIError(status int) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		wantErr(nil)(t, h, o)
		var ae *wrapper.APIError
		require.ErrorAs(t, o.err, &ae, "error %q (%T) is not an *APIError", o.err, o.err)
		assert.Equal(t, status, ae.StatusCode, "APIError.StatusCode")
		assert.LessOrEqual(t, len(ae.Message), 1000, "bytes in APIError.Message: want a short snippet")
	}
}

func wantMember(id string) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		require.NoError(t, o.err, "want member %s", id)
		assert.Equal(t, id, o.member.ID, "member")
	}
}

// wantMembers asks for exactly the given members, each once.
func wantMembers(want []string) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		require.NoError(t, o.err, "after %d members; want %d members", len(o.members), len(want))
		checkOnce(t, o.members, want)
	}
}

func checkOnce(t *testing.T, got []api.Member, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range got {
		seen[m.ID]++
	}
	for _, id := range want {
		assert.Equal(t, 1, seen[id], "times member %s was seen", id)
		delete(seen, id)
	}
	assert.Empty(t, seen, "unexpected members (ID: times seen)")
}

// errOrMembers accepts a clear error or the correct members, each once: for server
// behaviour where refusing is as right as coping.
func errOrMembers(want []string) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		if o.err != nil {
			wantErr(nil)(t, h, o)
			for _, m := range o.members { // what came before the error must still be right
				assert.True(t, strings.HasPrefix(m.ID, "m"), "unexpected member %q before the error", m.ID)
			}
			return
		}
		checkOnce(t, o.members, want)
	}
}

func errOrMember(id string) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		if o.err != nil {
			wantErr(nil)(t, h, o)
			return
		}
		wantMember(id)(t, h, o)
	}
}

// and runs several checks.
func and(fs ...func(t *testing.T, h *hostile, o outcome)) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		for _, f := range fs {
			f(t, h, o)
		}
	}
}

func requestsAtMost(n int64) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		assert.LessOrEqual(t, h.mainN.Load()+h.foreignN.Load(), n, "requests the client sent")
	}
}

func fasterThan(d time.Duration) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		assert.LessOrEqual(t, o.elapsed, d, "time the call took")
	}
}

// once429 answers the first request 429 with the given headers, then the member.
func once429(hdr map[string]string) func(h *hostile) http.HandlerFunc {
	return func(h *hostile) http.HandlerFunc {
		var n atomic.Int64
		return func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				for k, v := range hdr {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"code":"rate_limited","message":"You've exceeded the API rate limit."}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, memberJSON("m000"))
		}
	}
}

func anyOutcome(t *testing.T, h *hostile, o outcome) {}

// withHeaders adds headers to what next answers.
func withHeaders(hdr map[string]string, next func(h *hostile) http.HandlerFunc) func(h *hostile) http.HandlerFunc {
	return func(h *hostile) http.HandlerFunc {
		n := next(h)
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range hdr {
				w.Header().Set(k, v)
			}
			n(w, r)
		}
	}
}

func static(status int, ctype, body string) func(h *hostile) http.HandlerFunc {
	return func(h *hostile) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
}

// pages serves members pages from a map of "path?query" to body; anything else is a 404.
func pages(m func(h *hostile) map[string]string) func(h *hostile) http.HandlerFunc {
	return func(h *hostile) http.HandlerFunc {
		bodies := m(h)
		return func(w http.ResponseWriter, r *http.Request) {
			key := r.URL.Path
			if r.URL.RawQuery != "" {
				key += "?" + r.URL.RawQuery
			}
			body, ok := bodies[key]
			if !ok {
				// The first page, whatever the client's own query.
				if r.URL.Path == "/api/v2/members" && r.URL.Query().Get("offset") == "" {
					body, ok = bodies["first"]
				}
			}
			if !ok {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"code":"not_found","message":"no page `+key+`"}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		}
	}
}

const htmlPage = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{font-family:sans-serif}</style></head>` +
	`<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p>` +
	`<script>var x = "` + "\x00\x01\x1b[31m" + `";</script></body></html>`

func hostileCases() []hostileCase {
	farFuture := strconv.FormatInt(time.Now().Add(1e12*time.Millisecond).UnixMilli(), 10)
	return []hostileCase{
		// Bodies that are not what they claim.
		{name: "malformed JSON, 200", op: opGet,
			handler: static(200, "application/json", `{"_id":"m000","email":`),
			want:    wantErr(nil)},
		{name: "JSON of the wrong shape, 200", op: opGet,
			handler: static(200, "application/json", `[1,2,3]`),
			want:    wantErr(nil)},
		{name: "empty body, 200", op: opGet,
			handler: static(200, "application/json", ``),
			want:    wantErr(nil)},
		{name: "null body, 200", op: opGet,
			handler: static(200, "application/json", `null`),
			want:    wantErr(nil)},
		{name: "204 where a member is expected", op: opGet,
			handler: static(204, "", ``),
			want:    wantErr(nil)},
		{name: "member followed by trailing data", op: opGet,
			handler: static(200, "application/json", memberJSON("m000")+` {"_id":"m999"} garbage`),
			want:    errOrMember("m000")},
		{name: "deeply nested JSON, 200", op: opGet,
			handler: static(200, "application/json", `{"_id":"m000","x":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`}`),
			want:    errOrMember("m000")},
		{name: "HTML page with 200", op: opGet,
			handler: static(200, "text/html; charset=utf-8", htmlPage),
			want:    wantErr(nil)},
		{name: "HTML page with 500", op: opGet,
			handler: static(500, "text/html; charset=utf-8", htmlPage),
			want:    wantAPIError(500)},
		{name: "HTML page with 502 is retried, then reported", op: opGet,
			handler: static(502, "text/html", htmlPage),
			want:    and(wantAPIError(502), requestsAtMost(10))},
		{name: "HTML page with 404", op: opGet,
			handler: static(404, "text/html", htmlPage),
			want:    and(wantAPIError(404), wantErr(wrapper.ErrNotFound))},
		{name: "JSON error with the wrong Content-Type", op: opGet,
			handler: static(404, "text/plain", `{"code":"not_found","message":"Unknown resource identifier"}`),
			want:    and(wantAPIError(404), wantErr(wrapper.ErrNotFound))},
		{name: "member with Content-Type text/plain", op: opGet,
			handler: static(200, "text/plain", memberJSON("m000")),
			want:    errOrMember("m000")},
		{name: "member with no Content-Type", op: opGet,
			handler: static(200, "", memberJSON("m000")),
			want:    errOrMember("m000")},
		{name: "invalid UTF-8 inside strings", op: opGet,
			handler: static(200, "application/json", strings.Replace(memberJSON("m000"), "@example.com", "@ex\xff\xfeample.com", 1)),
			want:    wantMember("m000")},
		{name: "error body with control characters and 100 KB", op: opGet,
			handler: static(400, "application/json", `{"code":"invalid_request","message":"`+strings.Repeat("bad\\u001b[2J ", 10_000)+`"}`),
			want:    and(wantAPIError(400), wantErr(wrapper.ErrInvalidRequest))},

		// 50 MB answers, generated as they are sent.
		{name: "50 MB member, 200", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveGenerated(w, 200, "application/json", &generator{head: `{"_id":"m000","email":"`, fill: "abcdefghijklmnopqrstuvwxyz012345", tail: `","_links":{},"customRoles":[],"mfa":"x","role":"reader","_lastSeen":0,"_pendingInvite":false,"_verified":true,"creationDate":1}`, n: fiftyMB})
				}
			},
			want: errOrMember("m000")},
		{name: "50 MB page of members, 200", op: opList,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveGenerated(w, 200, "application/json", sized(`{"items":[`, memberJSON("m000")+",", memberJSON("m001")+`],"_links":{},"totalCount":2}`, fiftyMB))
				}
			},
			want: anyOutcome}, // what matters here is memory
		{name: "50 MB of whitespace, 200", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveGenerated(w, 200, "application/json", &generator{head: ` `, fill: "          \n", tail: memberJSON("m000"), n: fiftyMB})
				}
			},
			want: errOrMember("m000")},
		{name: "50 MB HTML page with 500", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveGenerated(w, 500, "text/html", &generator{head: "<html><body>", fill: "<p>Internal error</p>\n", tail: "</body></html>", n: fiftyMB})
				}
			},
			want: wantAPIError(500)},
		{name: "50 MB HTML page with 503, retried", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					serveGenerated(w, 503, "text/html", &generator{head: "<html><body>", fill: "<p>Service unavailable</p>\n", tail: "</body></html>", n: fiftyMB})
				}
			},
			want: and(wantAPIError(503), requestsAtMost(10))},

		{name: "gzip bomb: 50 MB of JSON in a small gzip body", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Encoding", "gzip")
					gz := gzip.NewWriter(w)
					io.Copy(gz, sized(`{"_id":"m000","email":"`, strings.Repeat("a", 4096), `"}`, fiftyMB))
					gz.Close()
				}
			},
			want: errOrMember("m000")},
		{name: "2 MB X-Request-Id on an error", op: opGet,
			handler: withHeaders(map[string]string{"X-Request-Id": strings.Repeat("r", 2<<20)}, static(500, "text/plain", "oops")),
			want: and(wantAPIError(500), func(t *testing.T, h *hostile, o outcome) {
				var ae *wrapper.APIError
				if errors.As(o.err, &ae) {
					assert.LessOrEqual(t, len(ae.RequestID), 200, "bytes in RequestID: want a bounded one")
				}
			})},

		// Rate-limit headers.
		{name: "Retry-After -1", op: opGet, handler: once429(map[string]string{"Retry-After": "-1"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "Retry-After 0", op: opGet, handler: once429(map[string]string{"Retry-After": "0"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "Retry-After 10^12", op: opGet, handler: once429(map[string]string{"Retry-After": "1000000000000"}),
			want: and(wantErr(wrapper.ErrRateLimited), requestsAtMost(1), fasterThan(2*time.Second), wantRateLimitError)},
		{name: "Retry-After 10^30 (overflows int64)", op: opGet, handler: once429(map[string]string{"Retry-After": "1" + strings.Repeat("0", 30)}),
			want: and(errOrMember("m000"), requestsAtMost(2), fasterThan(2*time.Second))},
		{name: "Retry-After garbage", op: opGet, handler: once429(map[string]string{"Retry-After": "soon, maybe"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "Retry-After as a past HTTP date", op: opGet, handler: once429(map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "Retry-After as a far-future HTTP date", op: opGet, handler: once429(map[string]string{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}),
			want: and(wantErr(wrapper.ErrRateLimited), requestsAtMost(1), fasterThan(2*time.Second))},
		{name: "X-Ratelimit-Reset in the past", op: opGet, handler: once429(map[string]string{"X-Ratelimit-Reset": "1000"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "X-Ratelimit-Reset far in the future", op: opGet, handler: once429(map[string]string{"X-Ratelimit-Reset": farFuture}),
			want: and(wantErr(wrapper.ErrRateLimited), requestsAtMost(1), fasterThan(2*time.Second), wantRateLimitError)},
		{name: "X-Ratelimit-Reset garbage", op: opGet, handler: once429(map[string]string{"X-Ratelimit-Reset": "tomorrow"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "X-Ratelimit-Reset negative", op: opGet, handler: once429(map[string]string{"X-Ratelimit-Reset": "-5"}), want: and(wantMember("m000"), requestsAtMost(2))},
		{name: "X-Ratelimit-Route-Remaining 0 with a far reset: the next call fails at once", op: opGetTwice,
			handler: withHeaders(map[string]string{"X-Ratelimit-Route-Remaining": "0", "X-Ratelimit-Reset": farFuture}, static(200, "application/json", memberJSON("m000"))),
			want:    and(wantErr(wrapper.ErrRateLimited), requestsAtMost(1), fasterThan(2*time.Second))},
		{name: "X-Ratelimit-Global-Remaining 0 with a far reset: the next call fails at once", op: opGetTwice,
			handler: withHeaders(map[string]string{"X-Ratelimit-Global-Remaining": "0", "X-Ratelimit-Reset": farFuture}, static(200, "application/json", memberJSON("m000"))),
			want:    and(wantErr(wrapper.ErrRateLimited), requestsAtMost(1), fasterThan(2*time.Second))},
		{name: "X-Ratelimit-Route-Remaining 0 with a past reset", op: opGetTwice,
			handler: withHeaders(map[string]string{"X-Ratelimit-Route-Remaining": "0", "X-Ratelimit-Reset": "1000"}, static(200, "application/json", memberJSON("m000"))),
			want:    and(wantMember("m000"), requestsAtMost(2))},
		{name: "X-Ratelimit-Route-Remaining garbage", op: opGetTwice,
			handler: withHeaders(map[string]string{"X-Ratelimit-Route-Remaining": "-0x1p3", "X-Ratelimit-Reset": farFuture}, static(200, "application/json", memberJSON("m000"))),
			want:    errOrMember("m000")},
		{name: "429 forever", op: opGet, handler: static(429, "application/json", `{"code":"rate_limited","message":"slow down"}`),
			want: and(wantErr(wrapper.ErrRateLimited), requestsAtMost(10))},

		// Links.
		{name: "next link to another host", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{"first": pageJSON(ids("m", 3), h.foreign.URL+"/api/v2/members?limit=3&offset=3", 6)}
			}),
			want: and(errOrMembers(ids("m", 3)), noForeignAuth)},
		{name: "next link to localhost, the same server by another name", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				other := strings.Replace(h.main.URL, "127.0.0.1", "localhost", 1)
				return map[string]string{"first": pageJSON(ids("m", 3), other+"/api/v2/members?limit=3&offset=3", 6),
					"/api/v2/members?limit=3&offset=3": pageJSON(ids("x", 3), "", 6)}
			}),
			want: and(errOrMembers(ids("m", 3)), noMainAuthAfter(1))},
		{name: "next link to another scheme", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				other := strings.Replace(h.main.URL, "http://", "https://", 1)
				return map[string]string{"first": pageJSON(ids("m", 3), other+"/api/v2/members?limit=3&offset=3", 6)}
			}),
			want: and(wantErr(nil), requestsAtMost(1))},
		{name: "next link with a javascript: scheme", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{"first": pageJSON(ids("m", 3), "javascript:alert(1)", 6)}
			}),
			want: and(wantErr(nil), requestsAtMost(1))},
		{name: "next link with user info", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				other := strings.Replace(h.main.URL, "http://", "http://evil@", 1)
				return map[string]string{"first": pageJSON(ids("m", 3), other+"/api/v2/members?limit=3&offset=3", 6)}
			}),
			want: and(errOrMembers(ids("m", 3)), requestsAtMost(1))},
		{name: "next link to a different path on the same host", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{
					"first":                                 pageJSON(ids("m", 3), "/elsewhere/members?page=2", 6),
					"/elsewhere/members?page=2":             pageJSON(ids("m", 6)[3:], "", 6),
					"/api/v2/members?limit=100&offset=3":    pageJSON(ids("m", 6)[3:], "", 6),
					"/api/v2/members?limit=3&offset=3":      pageJSON(ids("m", 6)[3:], "", 6),
					"/api/v2/members?offset=3":              pageJSON(ids("m", 6)[3:], "", 6),
					"/api/v2/members?limit=100&offset=3&x=": pageJSON(ids("m", 6)[3:], "", 6),
				}
			}),
			want: errOrMembers(ids("m", 6))},
		{name: "next link to itself", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{"first": pageJSON(ids("m", 3), "/api/v2/members?limit=3&offset=0", 6),
					"/api/v2/members?limit=3&offset=0": pageJSON(ids("m", 3), "/api/v2/members?limit=3&offset=0", 6)}
			}),
			want: and(wantErr(nil), requestsAtMost(3))},
		{name: "link loop of two pages", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{
					"first":         pageJSON(ids("m", 3), "/api/v2/b?p=b", -1),
					"/api/v2/b?p=b": pageJSON(ids("n", 3), "/api/v2/a?p=a", -1),
					"/api/v2/a?p=a": pageJSON(ids("m", 3), "/api/v2/b?p=b", -1),
				}
			}),
			want: and(wantErr(nil), requestsAtMost(10))},
		{name: "link loop of three pages with fresh queries", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{
					"first":         pageJSON(ids("m", 3), "/api/v2/b?p=b", -1),
					"/api/v2/b?p=b": pageJSON(ids("n", 3), "/api/v2/c?p=c", -1),
					"/api/v2/c?p=c": pageJSON(ids("o", 3), "/api/v2/a?p=a", -1),
					"/api/v2/a?p=a": pageJSON(ids("m", 3), "/api/v2/b?p=b", -1),
				}
			}),
			want: and(wantErr(nil), requestsAtMost(12))},
		{name: "empty page that links on", op: opIterate,
			handler: pages(func(h *hostile) map[string]string {
				return map[string]string{"first": pageJSON(nil, "/api/v2/members?limit=3&offset=3", 6)}
			}),
			want: and(wantErr(nil), requestsAtMost(2))},
		{name: "totalCount larger than what exists, no links", op: opIterate,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
					w.Header().Set("Content-Type", "application/json")
					if off == 0 {
						io.WriteString(w, pageJSON(ids("m", 3), "", 1_000_000))
						return
					}
					io.WriteString(w, pageJSON(nil, "", 1_000_000))
				}
			},
			want: and(wantErr(nil), requestsAtMost(5))},
		{name: "the same page at every offset, no links", op: opIterate,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, pageJSON(ids("m", 100), "", 1_000_000))
				}
			},
			want: and(wantErr(nil), requestsAtMost(5))},
		{name: "a page that ignores limit and offset, with no count", op: opIterate,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, pageJSON(ids("m", 150), "", -1))
				}
			},
			want: and(errOrMembers(ids("m", 150)), requestsAtMost(5))},

		// Time.
		{name: "headers, then a body that never comes", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", "1000")
					w.WriteHeader(200)
					io.WriteString(w, `{"_id":"m0`)
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
					case <-time.After(10 * time.Second):
					}
				}
			},
			want: and(wantErr(context.DeadlineExceeded), fasterThan(3*time.Second))},
		{name: "truncated body", op: opGet,
			handler: func(h *hostile) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", "1000")
					w.WriteHeader(200)
					io.WriteString(w, `{"_id":"m000","email":"a@b`)
				}
			},
			want: wantErr(nil)},
	}
}

func wantRateLimitError(t *testing.T, h *hostile, o outcome) {
	t.Helper()
	var rl *wrapper.RateLimitError
	require.ErrorAs(t, o.err, &rl, "error %q (%T) is not a *RateLimitError", o.err, o.err)
	assert.False(t, rl.Reset.IsZero(), "RateLimitError.Reset is zero; want the reset time")
}

func noForeignAuth(t *testing.T, h *hostile, o outcome) {
	t.Helper()
	assert.LessOrEqual(t, h.foreignAuth.Load(), int64(0), "times another host received the Authorization header")
}

// noMainAuthAfter checks that of the requests the main server got, at most n carried the
// token: the rest came by another host name and must not have.
func noMainAuthAfter(n int64) func(t *testing.T, h *hostile, o outcome) {
	return func(t *testing.T, h *hostile, o outcome) {
		t.Helper()
		assert.LessOrEqual(t, h.mainAuth.Load(), n, "requests that carried the token (the rest went to another host name)")
	}
}

// maxHeapRise bounds how far the heap may rise during one hostile call. The largest
// legitimate answer, a page of 1,000 members with every expansion, is about 2 MB; a client
// that holds a 50 MB answer in memory, or decodes it, goes far past this.
const maxHeapRise = 24 << 20

func TestHostileServer(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := &hostile{}
			count := func(n, auth *atomic.Int64, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					if r.Header.Get("Authorization") != "" {
						auth.Add(1)
					}
					next.ServeHTTP(w, r)
				})
			}
			var handler http.HandlerFunc
			h.main = httptest.NewServer(count(&h.mainN, &h.mainAuth, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler(w, r) })))
			defer h.main.Close()
			h.foreign = httptest.NewServer(count(&h.foreignN, &h.foreignAuth, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, pageJSON(ids("x", 3), "", 6))
			})))
			defer h.foreign.Close()
			handler = tc.handler(h)

			hs := newHarness(t, h.main.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var o outcome
			start := time.Now()
			o.heapRise = heapPeak(func() {
				switch tc.op {
				case opGet:
					o.member, o.err = hs.c.GetMember(ctx, "m000")
				case opGetTwice:
					o.member, o.err = hs.c.GetMember(ctx, "m000")
					if o.err == nil {
						_, o.err = hs.c.GetMember(ctx, "m000")
					}
				case opList:
					var p api.Members
					p, o.err = hs.c.ListMembers(ctx, wrapper.MembersQuery{PageSize: 100})
					o.members = p.Items
				case opIterate:
					n := 0
					for m, err := range hs.c.Members(ctx, wrapper.MembersQuery{PageSize: 3}) {
						if err != nil {
							o.err = err
							break
						}
						o.members = append(o.members, m)
						if n++; n > 10_000 {
							o.err = errors.New("test: more than 10,000 members; stopped")
							break
						}
					}
				}
			})
			o.elapsed = time.Since(start)
			hs.check(o.err)
			t.Logf("err=%v; member=%q; %d members; %d+%d requests; heap rise %d KiB; %v",
				o.err, o.member.ID, len(o.members), h.mainN.Load(), h.foreignN.Load(), o.heapRise>>10, o.elapsed.Round(time.Millisecond))
			assert.LessOrEqual(t, o.heapRise, uint64(maxHeapRise), "bytes the heap rose during the call (%d MiB)", o.heapRise>>20)
			assert.LessOrEqual(t, o.elapsed, 5*time.Second, "time the call took")
			noForeignAuth(t, h, o)
			tc.want(t, h, o)
		})
	}
}
