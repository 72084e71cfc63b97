package reliability

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// recorder is a server that records, per request, the Authorization header it received.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string // one per request, "" when absent
	paths []string
}

func newRecorder(t *testing.T, h http.HandlerFunc) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.auths = append(r.auths, req.Header.Get("Authorization"))
		r.paths = append(r.paths, req.URL.RequestURI())
		r.mu.Unlock()
		io.Copy(io.Discard, req.Body)
		h(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

// tokensSeen returns how many requests carried a non-empty Authorization.
func (r *recorder) tokensSeen() (n, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.auths {
		if a != "" {
			n++
		}
	}
	return n, len(r.auths)
}

func serveMember(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, memberJSON("m000"))
}

// TestClientFormatting prints the client, and a struct holding the client by value, with
// every verb a program might log it with.
func TestClientFormatting(t *testing.T) {
	hs := newHarness(t, "http://127.0.0.1:1")
	type holder struct {
		Name   string
		Client wrapper.Client
	}
	type ptrHolder struct {
		Client *wrapper.Client
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T", "%p"} {
		noCanary(t, "*Client printed with "+verb, fmt.Sprintf(verb, hs.c))
		noCanary(t, "a struct holding a *Client printed with "+verb, fmt.Sprintf(verb, ptrHolder{hs.c}))
		noCanary(t, "a Client value printed with "+verb, fmt.Sprintf(verb, *hs.c))
		noCanary(t, "a struct holding a Client value printed with "+verb, fmt.Sprintf(verb, holder{"x", *hs.c}))
	}
	var b strings.Builder
	l := slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l.Info("client", "ptr", hs.c, "value", *hs.c, "any", any(hs.c))
	slog.New(slog.NewTextHandler(&b, nil)).Info("client", "ptr", hs.c, "value", *hs.c)
	noCanary(t, "a Client logged with slog", b.String())
}

// TestTokenEchoedByServer: a server (or a proxy) that echoes the request back must not make
// the token part of an error or a log record.
func TestTokenEchoedByServer(t *testing.T) {
	echo := func(status int, ctype string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("X-Request-Id", "req-"+r.Header.Get("Authorization"))
			w.WriteHeader(status)
			tok := r.Header.Get("Authorization")
			if strings.Contains(ctype, "json") {
				fmt.Fprintf(w, `{"code":"unauthorized %s","message":"Invalid access token %s","id":"%s"}`, tok, tok, tok)
				return
			}
			fmt.Fprintf(w, "<html><body>Authorization: %s\n%s</body></html>", tok, strings.Repeat("x", 300))
		}
	}
	for _, tc := range []struct {
		status int
		ctype  string
	}{
		{401, "application/json"}, {403, "application/json"}, {400, "application/json"},
		{429, "application/json"}, {500, "text/html"}, {502, "text/html"}, {200, "text/html"},
		{404, "text/plain"},
	} {
		t.Run(fmt.Sprintf("%d %s", tc.status, tc.ctype), func(t *testing.T) {
			srv := newRecorder(t, echo(tc.status, tc.ctype))
			hs := newHarness(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := hs.c.GetMember(ctx, "m000")
			require.Error(t, err)
			hs.check(err)
			_, err = hs.c.CreateToken(ctx, api.AccessTokenPost{Name: "x"})
			hs.check(err)
			for _, err := range hs.c.Members(ctx, wrapper.MembersQuery{}) {
				hs.check(err)
			}
		})
	}
}

// TestTokenInServerSuppliedLink: a next link that carries the token in its path or query
// (a server echoing it) must not put the token into errors or logs when the request
// following it fails or is retried.
func TestTokenInServerSuppliedLink(t *testing.T) {
	for _, where := range []string{"path", "query"} {
		t.Run(where, func(t *testing.T) {
			var srv *recorder
			srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Query().Get("offset") == "" && !strings.Contains(r.URL.RequestURI(), canaryMark) {
					next := "/api/v2/members/" + canary + "/page?offset=3"
					if where == "query" {
						next = "/api/v2/members?offset=3&t=" + canary
					}
					io.WriteString(w, pageJSON(ids("m", 3), next, 6))
					return
				}
				w.WriteHeader(http.StatusServiceUnavailable) // retried, logged, then reported
				io.WriteString(w, `{"code":"service_unavailable","message":"try later"}`)
			})
			hs := newHarness(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var last error
			for _, err := range hs.c.Members(ctx, wrapper.MembersQuery{PageSize: 3}) {
				if err != nil {
					last = err
				}
			}
			require.Error(t, last, "want the failing second page reported")
			hs.check(last)
			assert.NotZero(t, hs.logs.Records(), "the retries were not logged at debug level")
		})
	}
}

// TestNoTokenToAnotherHost: redirects to another host, or to the same server under another
// name, and absolute links to another host, never carry Authorization.
func TestNoTokenToAnotherHost(t *testing.T) {
	foreign := newRecorder(t, serveMember)
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprintf("redirect %d to another host", code), func(t *testing.T) {
			main := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, foreign.URL+r.URL.Path, code)
			})
			before, _ := foreign.tokensSeen()
			hs := newHarness(t, main.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := hs.c.GetMember(ctx, "m000")
			hs.check(err)
			_, err = hs.c.CreateToken(ctx, api.AccessTokenPost{Name: "redirected"})
			hs.check(err)
			_, err = hs.c.PatchMember(ctx, "m000", wrapper.Replace("/role", "writer"))
			hs.check(err)
			n, _ := foreign.tokensSeen()
			assert.LessOrEqual(t, n, before, "requests to another host that carried Authorization, after a %d redirect", code)
		})
	}
	t.Run("redirect to the same server named localhost", func(t *testing.T) {
		var main *recorder
		main = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Host != strings.TrimPrefix(main.URL, "http://") {
				serveMember(w, r)
				return
			}
			http.Redirect(w, r, strings.Replace(main.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusFound)
		})
		hs := newHarness(t, main.URL)
		_, err := hs.c.GetMember(context.Background(), "m000")
		hs.check(err)
		n, total := main.tokensSeen()
		assert.LessOrEqual(t, n, 1, "of %d requests, those that carried Authorization: want only the first (the rest went to localhost)", total)
	})
	t.Run("redirect to another port of the same host", func(t *testing.T) {
		// net/http forwards Authorization to the same host on another port: the wrapper must not.
		main := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, foreign.URL+"/api/v2/members/m000", http.StatusTemporaryRedirect)
		})
		before, _ := foreign.tokensSeen()
		hs := newHarness(t, main.URL)
		for _, err := range hs.c.Members(context.Background(), wrapper.MembersQuery{}) {
			hs.check(err)
		}
		n, _ := foreign.tokensSeen()
		assert.LessOrEqual(t, n, before, "another port received Authorization")
	})
	t.Run("redirect chain back home", func(t *testing.T) {
		// main → foreign → main: the final hop is home again and may carry the token; the
		// foreign one must not.
		var main *recorder
		bounce := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, main.URL+"/home"+r.URL.Path, http.StatusFound)
		})
		main = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/home") {
				serveMember(w, r)
				return
			}
			http.Redirect(w, r, bounce.URL+r.URL.Path, http.StatusFound)
		})
		hs := newHarness(t, main.URL)
		_, err := hs.c.GetMember(context.Background(), "m000")
		hs.check(err)
		n, _ := bounce.tokensSeen()
		assert.LessOrEqual(t, n, 0, "the intermediate host received Authorization")
	})
	for _, it := range []string{"members", "tokens"} {
		t.Run("absolute next link to another host, "+it, func(t *testing.T) {
			main := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if it == "members" {
					io.WriteString(w, pageJSON(ids("m", 2), foreign.URL+"/api/v2/members?offset=2", 4))
					return
				}
				fmt.Fprintf(w, `{"items":[],"_links":{"next":{"href":%q}},"totalCount":4}`, foreign.URL+"/api/v2/tokens?offset=2")
			})
			before, _ := foreign.tokensSeen()
			hs := newHarness(t, main.URL)
			ctx := context.Background()
			if it == "members" {
				for _, err := range hs.c.Members(ctx, wrapper.MembersQuery{PageSize: 2}) {
					hs.check(err)
				}
			} else {
				for _, err := range hs.c.Tokens(ctx, wrapper.TokensQuery{PageSize: 2}) {
					hs.check(err)
				}
			}
			n, _ := foreign.tokensSeen()
			assert.LessOrEqual(t, n, before, "another host received Authorization through a next link")
		})
	}
	t.Run("base-URL change between clients sharing an http.Client", func(t *testing.T) {
		// Two clients, two hosts, two tokens, one *http.Client (and so one connection pool):
		// each host sees only its own client's token.
		const other = "api-OTHERTOKEN-0000-4000-8000-000000000000"
		a := newRecorder(t, serveMember)
		b := newRecorder(t, serveMember)
		shared := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		ha := newHarness(t, a.URL, wrapper.WithHTTPClient(shared))
		cb, err := wrapper.New(other, wrapper.WithBaseURL(b.URL), wrapper.WithHTTPClient(shared))
		require.NoError(t, err)
		ctx := context.Background()
		for range 3 {
			_, err := ha.c.GetMember(ctx, "m000")
			ha.check(err)
			_, err = cb.GetMember(ctx, "m000")
			require.NoError(t, err)
			// The generated client inside each wrapper client must keep to its own host too.
			_, err = ha.c.API.GetMemberWithResponse(ctx, "m000", nil)
			require.NoError(t, err)
		}
		for _, c := range []struct {
			r    *recorder
			want string
		}{{a, canary}, {b, other}} {
			c.r.mu.Lock()
			for i, got := range c.r.auths {
				assert.Equal(t, c.want, got, "%s request %d (%s) carried another Authorization than its own client's token", c.r.URL, i, c.r.paths[i])
			}
			c.r.mu.Unlock()
		}
		assert.IsType(t, &http.Transport{}, shared.Transport, "WithHTTPClient modified the caller's http.Client")
	})
	t.Run("a caller's http.Client that already adds the token elsewhere", func(t *testing.T) {
		// A caller's transport that sets Authorization for every request of its own: the
		// wrapper cannot stop that, but it must not add its own token to other hosts.
		main := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, foreign.URL+r.URL.Path, http.StatusFound)
		})
		before, _ := foreign.tokensSeen()
		hs := newHarness(t, main.URL, wrapper.WithHTTPClient(&http.Client{}))
		_, err := hs.c.GetMember(context.Background(), "m000")
		hs.check(err)
		n, _ := foreign.tokensSeen()
		assert.LessOrEqual(t, n, before, "another host received Authorization with a caller-supplied http.Client")
	})
}

func ptr[T any](v T) *T { return &v }
