package wrapper

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name    string
		token   string
		opts    []Option
		wantErr string
	}{
		{name: "defaults", token: testToken},
		{name: "EU", token: testToken, opts: []Option{WithBaseURL(BaseURLEU)}},
		{name: "federal", token: testToken, opts: []Option{WithBaseURL(BaseURLFederal)}},
		{name: "loopback http", token: testToken, opts: []Option{WithBaseURL("http://127.0.0.1:8080")}},
		{name: "localhost http", token: testToken, opts: []Option{WithBaseURL("http://localhost:8080/")}},
		{name: "ipv6 loopback http", token: testToken, opts: []Option{WithBaseURL("http://[::1]:8080")}},
		{name: "remote http opted in", token: testToken, opts: []Option{WithBaseURL("http://proxy.internal"), WithInsecureHTTP()}},
		{name: "empty token", token: "", wantErr: "empty access token"},
		{name: "token with space", token: "api-SECRET 0000", wantErr: "whitespace or control"},
		{name: "token with newline", token: "api-SECRET-0000\n", wantErr: "whitespace or control"},
		{name: "token with control", token: "api-SECRET-\x00", wantErr: "whitespace or control"},
		{name: "token with tab", token: "\tapi-SECRET", wantErr: "whitespace or control"},
		{name: "relative base", token: testToken, opts: []Option{WithBaseURL("app.launchdarkly.com")}, wantErr: "not an absolute"},
		{name: "path-only base", token: testToken, opts: []Option{WithBaseURL("/api")}, wantErr: "not an absolute"},
		{name: "ftp base", token: testToken, opts: []Option{WithBaseURL("ftp://app.launchdarkly.com")}, wantErr: "not an absolute"},
		{name: "unparsable base", token: testToken, opts: []Option{WithBaseURL("https://[::1")}, wantErr: "invalid base URL"},
		{name: "base with query", token: testToken, opts: []Option{WithBaseURL("https://x.example?a=b")}, wantErr: "query"},
		{name: "remote http", token: testToken, opts: []Option{WithBaseURL("http://app.launchdarkly.com")}, wantErr: "plain http"},
		{name: "empty API version", token: testToken, opts: []Option{WithAPIVersion("")}, wantErr: "API version"},
		{name: "user agent with newline", token: testToken, opts: []Option{WithUserAgent("x\r\ny")}, wantErr: "user agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.token, tt.opts...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c.API)
				return
			}
			checkErr(t, err)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.Nil(t, c)
		})
	}
}

func TestClientNeverPrintsToken(t *testing.T) {
	c, err := New(testToken)
	require.NoError(t, err)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c, "token", c.cred)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("client", "c", c, "token", c.cred, "v", *c)
	for _, s := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
		fmt.Sprintf("%s", c), fmt.Sprintf("%x", c), fmt.Sprintf("%q", c), c.String(),
		fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", *c), // the struct itself, its methods bypassed
		fmt.Sprintf("%v %+v %#v %s %x %q", c.cred, c.cred, c.cred, c.cred, c.cred, c.cred),
		fmt.Sprintf("%+v", c.hc.Transport), fmt.Sprintf("%#v", c.hc.Transport),
		fmt.Sprintf("%+v", c.API), fmt.Sprintf("%#v", c.API),
		logs.String(),
	} {
		assert.NotContains(t, s, "SECRET")
	}
	assert.Contains(t, c.String(), BaseURL)
}

func TestWithHTTPClientDoesNotModifyCallersClient(t *testing.T) {
	var sawAuth string
	c, srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		sawAuth = r.Header.Get("Authorization")
		writeJSON(w, 200, memberJSON)
	})
	mine := &http.Client{}
	c2, err := New(testToken, WithBaseURL(srv.URL), WithHTTPClient(mine))
	require.NoError(t, err)
	_, err = c2.GetMember(bg, "me")
	require.NoError(t, err)
	assert.Equal(t, testToken, sawAuth)
	assert.Nil(t, mine.Transport, "the caller's client was modified")

	// The caller's own transport is wrapped, not replaced.
	counting := &countingTransport{next: http.DefaultTransport}
	c3, err := New(testToken, WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: counting}))
	require.NoError(t, err)
	_, err = c3.GetMember(bg, "me")
	require.NoError(t, err)
	assert.Equal(t, 1, counting.n)
	_ = c
}

func TestDefaultHTTPClientHasTimeouts(t *testing.T) {
	tr := defaultTransport()
	assert.NotZero(t, tr.TLSHandshakeTimeout)
	assert.NotZero(t, tr.ResponseHeaderTimeout)
	assert.NotNil(t, tr.DialContext)
	c, err := New(testToken)
	require.NoError(t, err)
	assert.Zero(t, c.hc.Timeout, "an overall timeout would cut long iterations short")
}

type countingTransport struct {
	next http.RoundTripper
	n    int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return c.next.RoundTrip(r)
}

// errTransport fails every request, as a dropped connection would.
type errTransport struct{ n int }

func (e *errTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	e.n++
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return nil, fmt.Errorf("connection reset by peer")
}

func TestBaseURLNamesWhereTheAccountIs(t *testing.T) {
	for _, base := range []string{BaseURL, BaseURLEU, "http://127.0.0.1:8089"} {
		c, err := New("api-0123456789", WithBaseURL(base))
		require.NoError(t, err)
		assert.Equal(t, base, c.BaseURL())
	}
	c, err := New("api-0123456789")
	require.NoError(t, err)
	assert.Equal(t, BaseURL, c.BaseURL(), "the default")
}
