package wrapper

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func TestHeadersSent(t *testing.T) {
	tests := []struct {
		name          string
		opts          []Option
		call          func(c *Client) error
		wantVersion   string
		wantUserAgent string
	}{
		{
			name:          "method, defaults",
			call:          func(c *Client) error { _, err := c.GetMember(bg, "me"); return err },
			wantVersion:   DefaultAPIVersion,
			wantUserAgent: "ldaccess/" + version + " (+go)",
		},
		{
			name:          "method, options",
			opts:          []Option{WithAPIVersion("20220603"), WithUserAgent("access-review/1.2")},
			call:          func(c *Client) error { _, err := c.GetMember(bg, "me"); return err },
			wantVersion:   "20220603",
			wantUserAgent: "access-review/1.2 ldaccess/" + version + " (+go)",
		},
		{
			name: "generated client",
			call: func(c *Client) error {
				resp, err := c.API.GetMemberWithResponse(bg, "me", nil)
				if err == nil {
					assert.NotNil(t, resp.JSON200, "generated client: status %d", resp.StatusCode())
				}
				return err
			},
			wantVersion:   DefaultAPIVersion,
			wantUserAgent: "ldaccess/" + version + " (+go)",
		},
		{
			name: "generated client keeps the version it asked for",
			call: func(c *Client) error {
				v := "20191212"
				_, err := c.API.GetMemberWithResponse(bg, "me", &api.GetMemberParams{LDAPIVersion: &v})
				return err
			},
			wantVersion:   "20191212",
			wantUserAgent: "ldaccess/" + version + " (+go)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Clone()
				writeJSON(w, 200, memberJSON)
			}, tt.opts...)
			require.NoError(t, tt.call(c))
			assert.Equal(t, []string{testToken}, got.Values("Authorization"), "raw token, no Bearer")
			assert.Equal(t, []string{tt.wantVersion}, got.Values("LD-API-Version"))
			assert.Equal(t, []string{tt.wantUserAgent}, got.Values("User-Agent"))
		})
	}
}

// foreignHost is a second server, on another port, recording whether the token reached it.
func foreignHost(t *testing.T) (*httptest.Server, *recorder) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r, nil)
		writeJSON(w, 200, memberJSON)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func TestNoTokenOnRedirectToAnotherHost(t *testing.T) {
	foreign, rec := foreignHost(t)
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, foreign.URL+"/elsewhere", http.StatusFound)
	})
	_, err := c.GetMember(bg, "me")
	require.NoError(t, err)
	reqs := rec.Requests()
	require.Len(t, reqs, 1, "the redirect was followed")
	// net/http itself would forward Authorization here: the hosts differ only by port.
	assert.Empty(t, reqs[0].Header.Get("Authorization"))
	assert.NotContains(t, strings.Join(headerValues(reqs[0].Header), " "), "SECRET")
}

func TestTokenKeptOnRedirectToSameHost(t *testing.T) {
	var auths []string
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		if r.URL.Path != "/moved" {
			http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, 200, memberJSON)
	})
	_, err := c.GetMember(bg, "me")
	require.NoError(t, err)
	assert.Equal(t, []string{testToken, testToken}, auths)
}

func TestNoTokenToAnotherHostThroughGeneratedClient(t *testing.T) {
	foreign, rec := foreignHost(t)
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {})
	// A request the caller builds for another host, with the token in it, through Client.API's transport.
	req, err := http.NewRequest(http.MethodGet, foreign.URL+"/x", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", testToken)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Len(t, rec.Requests(), 1)
	assert.Empty(t, rec.Requests()[0].Header.Get("Authorization"))
	assert.Equal(t, testToken, req.Header.Get("Authorization"), "the caller's request was modified")
}

func TestNoTokenToAbsoluteNextLinkElsewhere(t *testing.T) {
	foreign, rec := foreignHost(t)
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"items":[`+memberJSON+`],"totalCount":2,"_links":{"next":{"href":"`+foreign.URL+`/api/v2/members?offset=1"}}}`)
	})
	var got []string
	var gotErr error
	for m, err := range c.Members(bg, MembersQuery{}) {
		if err != nil {
			gotErr = err
			continue
		}
		got = append(got, m.ID)
	}
	assert.Equal(t, []string{"m1"}, got)
	checkErr(t, gotErr)
	assert.ErrorContains(t, gotErr, "another host")
	assert.Zero(t, rec.Count(), "the foreign next link was followed")
}

func headerValues(h http.Header) []string {
	var out []string
	for k, vs := range h {
		out = append(out, k)
		out = append(out, vs...)
	}
	return out
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		if r.URL.Path == "/ld/api/v2/members" && r.URL.Query().Get("offset") == "" {
			writeJSON(w, 200, `{"items":[`+memberJSON+`],"_links":{"next":{"href":"/ld/api/v2/members?limit=1&offset=1"}},"totalCount":2}`)
			return
		}
		if r.URL.Path == "/ld/api/v2/members" {
			writeJSON(w, 200, `{"items":[`+strings.Replace(memberJSON, `"m1"`, `"m2"`, 1)+`],"_links":{},"totalCount":2}`)
			return
		}
		writeJSON(w, 200, memberJSON)
	}))
	t.Cleanup(srv.Close)
	for _, base := range []string{srv.URL + "/ld", srv.URL + "/ld/"} {
		paths = nil
		c, err := New(testToken, WithBaseURL(base))
		require.NoError(t, err)
		_, err = c.GetMember(bg, "me")
		require.NoError(t, err)
		resp, err := c.API.GetMemberWithResponse(bg, "me", nil)
		require.NoError(t, err)
		require.NotNil(t, resp.JSON200)
		ids, errs := collect(t, c.Members(bg, MembersQuery{PageSize: 1}))
		assert.Empty(t, errs)
		assert.Equal(t, []string{"m1", "m2"}, ids)
		assert.Equal(t, []string{"/ld/api/v2/members/me", "/ld/api/v2/members/me", "/ld/api/v2/members", "/ld/api/v2/members"}, paths)
		assert.Equal(t, "ldaccess.Client{"+srv.URL+"/ld}", c.String())
	}
}
