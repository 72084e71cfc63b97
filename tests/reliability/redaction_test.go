package reliability

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// A server that echoes the token, whole, cut short or with a byte slipped into it, into any
// part of its answer must not get any run of 8 of its characters into an error the client
// returns (any link of its chain, however printed), a RetryEvent or a log record.

// echoToken is shaped like a real token, so that a run of 8 of its characters in what the
// client lets out was put there by a server.
const echoToken = "api-8c1f4e2a-9b7d-4c3e-a6f5-d2b9e7c4a1f8"

// tokenRun returns a run of 8 characters of token that s contains, or "".
func tokenRun(token, s string) string {
	for i := 0; i+8 <= len(token); i++ {
		if r := token[i : i+8]; strings.Contains(s, r) {
			return r
		}
	}
	return ""
}

// echo expands a template of a server's answer: $T is the token, $D the token with a DEL
// slipped into it, $U with an invalid UTF-8 byte, $J with a JSON-escaped DEL and $B with a
// JSON-escaped BEL.
func echo(tmpl, tok string) string {
	cut := len(tok) / 2
	return strings.NewReplacer(
		"$T", tok,
		"$D", tok[:cut]+"\x7f"+tok[cut:],
		"$U", tok[:cut]+"\xff"+tok[cut:],
		"$J", tok[:cut]+`\u007f`+tok[cut:],
		"$B", tok[:cut]+`\u0007`+tok[cut:],
	).Replace(tmpl)
}

// exposure collects everything a client lets out: errors (every link, printed every way),
// retry and pacing events and log records.
type exposure struct {
	mu    sync.Mutex
	texts []string
	logs  logCapture
}

func (x *exposure) add(what string, texts ...string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range texts {
		x.texts = append(x.texts, what+": "+s)
	}
}

func (x *exposure) addErr(what string, err error) {
	if err == nil {
		return
	}
	x.add(what, fmt.Sprintf("%v | %+v | %#v | %q", err, err, err, err))
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		x.addErr(what+fmt.Sprintf(" > %T", err), u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			x.addErr(what+fmt.Sprintf(" > %T", err), e)
		}
	}
}

func (x *exposure) onRetry(e wrapper.RetryEvent) {
	x.add("RetryEvent", fmt.Sprintf("%+v", e), e.Path)
	x.addErr("RetryEvent.Err", e.Err)
}

func (x *exposure) onPace(e wrapper.PaceEvent) { x.add("PaceEvent", fmt.Sprintf("%+v", e), e.Path) }

// leak returns the first text holding a run of token, with the run, or "".
func (x *exposure) leak(token string) string {
	x.mu.Lock()
	texts := append(x.texts, "log: "+x.logs.String())
	x.mu.Unlock()
	for _, s := range texts {
		if r := tokenRun(token, s); r != "" {
			return fmt.Sprintf("%q in %q", r, s)
		}
	}
	return ""
}

// exposeClient is a client with token for base whose events and logs x collects; waits end
// at once.
func exposeClient(t testing.TB, token, base string, x *exposure, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	p := wrapper.RetryPolicy{MaxAttempts: 2, MaxWait: time.Minute, OnRetry: x.onRetry, OnPace: x.onPace}
	logger := slog.New(slog.NewTextHandler(&x.logs, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))
	c, err := wrapper.New(token, append([]wrapper.Option{wrapper.WithBaseURL(base), withClock(&virtualClock{now: clockEpoch}, nil),
		wrapper.WithRetry(p), wrapper.WithLogger(logger)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expose runs what a hostile server can answer: a get, a create, an iteration and a call
// through Client.API.
func expose(c *wrapper.Client, x *exposure) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GetMember(ctx, "m000")
	x.addErr("GetMember", err)
	_, err = c.CreateToken(ctx, api.AccessTokenPost{Name: "n"})
	x.addErr("CreateToken", err)
	n := 0
	for _, err := range c.Members(ctx, wrapper.MembersQuery{PageSize: 3}) {
		x.addErr("Members", err)
		if n++; err != nil || n > 10 {
			break
		}
	}
	resp, err := c.API.GetMember(ctx, "m000", nil)
	x.addErr("Client.API", err)
	if resp != nil {
		resp.Body.Close()
	}
}

// rawServer answers every request on a bare TCP socket with answer, expanded for the token the
// request carried: status lines and headers no net/http server would send.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.WriteString(conn, echo(answer, req.Header.Get("Authorization")))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// withLength completes a raw answer's head with the length of its body and Connection: close.
func withLength(head, body string) string {
	return head + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body
}

func TestEchoedTokenNeverSurvives(t *testing.T) {
	raw := []struct{ name, answer string }{
		{"in the status code", "HTTP/1.1 2$T OK\r\nContent-Length: 2\r\n\r\n{}"},
		{"as the status line, with a DEL", "HTTP/1.1 $D\r\n\r\n"},
		{"as a header line without a colon", "HTTP/1.1 200 OK\r\n$T\r\nContent-Length: 2\r\n\r\n{}"},
		{"in Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: $T\r\n\r\n{}"},
		{"in Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: $T\r\n\r\n{}"},
		{"in X-Request-Id, with a DEL", withLength("HTTP/1.1 400 Bad Request\r\nX-Request-Id: $D", "bad")},
		{"in X-Request-Id, with an invalid UTF-8 byte", withLength("HTTP/1.1 503 Service Unavailable\r\nX-Request-Id: $U", "down")},
		{"in a Location that does not parse", withLength("HTTP/1.1 302 Found\r\nLocation: http://[$T", "")},
		{"in the Location of endless redirects", withLength("HTTP/1.1 302 Found\r\nLocation: /r/$D/x", "")},
	}
	for _, tc := range raw {
		t.Run("raw "+tc.name, func(t *testing.T) {
			x := &exposure{}
			expose(exposeClient(t, echoToken, rawServer(t, tc.answer), x), x)
			if l := x.leak(echoToken); l != "" {
				t.Errorf("the token leaks: %s", l)
			}
		})
	}

	handlers := []struct {
		name, ctype, body string
		status            int
	}{
		{"a 200 that is a JSON string", "application/json", `"$T and more"`, 200},
		{"a 200 that is the token", "text/plain", `$T`, 200},
		{"a 200 with the token as a map key of the wrong type", "application/json", `{"_id":"m1","_links":{"$T":5},"items":5}`, 200},
		{"an error with a DEL in every field", "application/json", `{"code":"$J","message":"bad $J","id":"$J","invalid_emails":["$J"]}`, 400},
		{"an error with a BEL in every field", "application/json", `{"code":"$B","message":"bad $B","id":"$B","invalid_emails":["a $B"]}`, 403},
		{"an error with invalid UTF-8 in every field", "application/json", `{"code":"$U","message":"$U","id":"$U","invalid_emails":["$U"]}`, 400},
		{"an HTML error page, retried", "text/html", "<p>\n$D\n</p>", 502},
		{"a next link with the token and a DEL in its path", "application/json", "", 200},
	}
	for _, tc := range handlers {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok := r.Header.Get("Authorization")
				w.Header().Set("Content-Type", tc.ctype)
				if tc.body == "" { // the next link case
					if strings.Contains(r.URL.Path, "/x") {
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					io.WriteString(w, pageJSON(ids("m", 3), "/api/v2/members/"+tok[:10]+"%7F"+tok[10:]+"/x", 6))
					return
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, echo(tc.body, tok))
			}))
			defer srv.Close()
			x := &exposure{}
			expose(exposeClient(t, echoToken, srv.URL, x), x)
			if l := x.leak(echoToken); l != "" {
				t.Errorf("the token leaks: %s", l)
			}
		})
	}
}

// FuzzRedaction: for random tokens and whatever status line, headers and body a server
// answers, with the token echoed anywhere in them ($T and its variants, see echo), no run of
// 8 of the token's characters survives into an error, a link of its chain, a RetryEvent or a
// log record. Tokens are "api-" and letters, digits and dashes, as real ones are, so that a
// run is not found in the client's own words by chance.
func FuzzRedaction(f *testing.F) {
	f.Add("8c1f4e2a-9b7d-4c3e-a6f5-d2b9e7c4a1f8", "2$T OK", "X-Request-Id: $D", `{"_id":"m1"}`)
	f.Add("0123456789abcdef", "400 Bad Request", "X-Request-Id: $U", `{"code":"$J","message":"$B","id":"$T","invalid_emails":["$D"]}`)
	f.Add("ABCDEFGHIJKLMNOPQRST", "200 OK", "Transfer-Encoding: $T", `"$T"`)
	f.Add("deadbeef-cafe", "302 Found", "Location: http://[$T", ``)
	f.Add("0000-1111-2222", "200 OK", "Content-Type: application/json", `{"items":[{"_id":"a"}],"_links":{"next":{"href":"/api/v2/$D?x=$T"}},"totalCount":9}`)
	f.Add("abcdefgh", "503 $T", "$T", "<html>$D</html>")
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	f.Fuzz(func(t *testing.T, seed, status, header, body string) {
		if len(seed) < 4 || len(seed) > 60 {
			return
		}
		tok := []byte("api-" + seed)
		for i := 4; i < len(tok); i++ {
			tok[i] = alphabet[int(tok[i])%len(alphabet)]
		}
		token := string(tok)
		x := &exposure{}
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Body != nil {
				r.Body.Close()
			}
			tok := r.Header.Get("Authorization")
			b := echo(body, tok)
			raw := "HTTP/1.1 " + echo(status, tok) + "\r\n" + echo(header, tok) + "\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + b
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), r)
			if err != nil {
				return nil, fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", err)
			}
			return resp, nil
		})
		c := exposeClient(t, token, memBase, x, withClock(&virtualClock{now: clockEpoch}, rt))
		expose(c, x)
		if l := x.leak(token); l != "" {
			t.Fatalf("the token %q leaks: %s", token, l)
		}
	})
}
