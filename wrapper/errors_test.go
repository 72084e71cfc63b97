package wrapper

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

var sentinels = []error{ErrInvalidRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited}

func TestSentinels(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error // nil: matches no sentinel
	}{
		{400, "invalid_request", ErrInvalidRequest},
		{401, "unauthorized", ErrUnauthorized},
		{403, "forbidden", ErrForbidden},
		{404, "not_found", ErrNotFound},
		{405, "method_not_allowed", nil},
		{409, "optimistic_locking_error", ErrConflict},
		{422, "patch_failed", ErrInvalidRequest},
		{429, "rate_limited", ErrRateLimited},
		{500, "internal_error", nil},
		{418, "", nil}, // undocumented, and no JSON
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.code == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, `{"code":"`+tt.code+`","message":"it went wrong","id":"req-1"}`)
			}, WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, err := c.PatchToken(bg, "t1", Replace("/role", "writer"))
			checkErr(t, err)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, "PATCH", apiErr.Method)
			assert.Equal(t, "/api/v2/tokens/t1", apiErr.Path)
			for _, s := range sentinels {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "errors.Is(%d, %v)", tt.status, s)
			}
			if tt.code != "" {
				assert.Equal(t, "it went wrong", apiErr.Message)
				assert.Equal(t, "req-1", apiErr.RequestID)
				assert.Equal(t, "ldaccess: patchToken: PATCH /api/v2/tokens/t1: "+strconv.Itoa(tt.status)+" "+http.StatusText(tt.status)+
					" ("+tt.code+"): it went wrong (request id req-1)", err.Error())
			}
		})
	}
	assert.ErrorIs(t, &RateLimitError{}, ErrRateLimited)
}

func TestInviteRejectionListsInvalidEmails(t *testing.T) {
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "hdr-id")
		writeJSON(w, 400, `{"code":"email_already_exists_in_account","message":"Some of the addresses already belong to members","invalid_emails":["ariel@acme.com"]}`)
	})
	_, err := c.InviteMembers(bg, api.NewMemberForm{Email: "ariel@acme.com"})
	checkErr(t, err)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrInvalidRequest)
	assert.Equal(t, []string{"ariel@acme.com"}, apiErr.InvalidEmails)
	assert.Equal(t, "email_already_exists_in_account", apiErr.Code)
	assert.Equal(t, "hdr-id", apiErr.RequestID, "X-Request-Id when the body has no id")
	assert.Contains(t, err.Error(), "ariel@acme.com")
}

func TestNonJSONErrorBodyGivesShortSnippet(t *testing.T) {
	page := "<html>\r\n<head><title>502 Bad Gateway</title></head>\x00\x1b[31m\n<body>" + strings.Repeat("nginx é ", 200) + "\xff\xfe</body></html>"
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		io.WriteString(w, page)
	}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.GetMember(bg, "m1")
	checkErr(t, err)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Empty(t, apiErr.Code)
	assert.LessOrEqual(t, len(apiErr.Message), 200)
	assert.True(t, utf8.ValidString(apiErr.Message))
	assert.False(t, strings.ContainsFunc(apiErr.Message, unicode.IsControl))
	assert.True(t, strings.HasPrefix(apiErr.Message, "<html> <head><title>502 Bad Gateway</title></head>[31m <body>nginx é"), apiErr.Message)
}

func TestServerEchoingTokenIsRedacted(t *testing.T) {
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/members/html" {
			w.WriteHeader(400)
			io.WriteString(w, "bad header "+r.Header.Get("Authorization"))
			return
		}
		writeJSON(w, 401, `{"code":"unauthorized","message":"token `+r.Header.Get("Authorization")+` is unknown"}`)
	})
	for _, id := range []string{"m1", "html"} {
		_, err := c.GetMember(bg, id)
		checkErr(t, err)
		assert.Contains(t, err.Error(), "[REDACTED]")
	}
}

func TestMalformedSuccessBodyNamesOperation(t *testing.T) {
	for _, body := range []string{`{"_id": 12`, `[1,2,3]`, `not json`, ``, `{"_id": {"nested": true}}`} {
		c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, body)
		})
		_, err := c.GetMember(bg, "m1")
		checkErr(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "ldaccess: getMember: decoding response: "), err.Error())
	}
}

func TestTransportErrorsArePrefixedAndClean(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	url := srv.URL
	srv.Close()                                                                                       // connection refused from now on
	c, err := New(testToken, WithBaseURL(url), WithRetry(RetryPolicy{MaxAttempts: 2}), withJitter(0)) // backoff 0: no wait
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m1")
	checkErr(t, err)
	assert.Contains(t, err.Error(), "getMember")
	_, err = c.GetMember(bg, "")
	checkErr(t, err)
}

func TestPrintable(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"plain", 200, "plain"},
		{"  lead\n\n\ttrail  ", 200, "lead trail"},
		{"a\x00b\x7fc", 200, "abc"},
		{"bad \xff utf8", 200, "bad utf8"},
		{"ééé", 5, "éé"},
		{"abc def", 4, "abc"},
	} {
		assert.Equal(t, tt.want, printable(tt.in, tt.n), "%q", tt.in)
	}
}

// FuzzAPIError feeds newAPIError whatever a server might send: it must not panic, and its
// message must stay short, valid and printable.
func FuzzAPIError(f *testing.F) {
	f.Add(400, []byte(`{"code":"invalid_request","message":"bad","id":"x","invalid_emails":["a@b"]}`))
	f.Add(502, []byte("<html>\x00\xff</html>"))
	f.Add(429, []byte(`{"code":null,"message":12}`))
	f.Add(0, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		req := httptest.NewRequest("GET", "https://app.launchdarkly.com/api/v2/members/x", nil)
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(string(body))), Request: req}
		e := newAPIError("getMember", resp, testCred())
		msg := e.Error()
		require.True(t, utf8.ValidString(e.Message), "invalid UTF-8 in message %q", e.Message)
		require.False(t, strings.ContainsFunc(e.Message, unicode.IsControl), "control character in message %q", e.Message)
		require.LessOrEqual(t, len(e.Message), 1000)
		require.NotContains(t, msg, testToken, "token in message")
		_ = errors.Is(e, ErrNotFound)
	})
}

// leakyTransport fails with an error that quotes the request's Authorization header, as a
// careless proxy library might.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("proxy refused credentials " + r.Header.Get("Authorization"))
}

func TestTransportErrorQuotingTokenIsRedacted(t *testing.T) {
	c, err := New(testToken, WithHTTPClient(&http.Client{Transport: leakyTransport{}}), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.GetMember(bg, "m1")
	checkErr(t, err)
	assert.Contains(t, err.Error(), "proxy refused credentials [REDACTED]")
	assert.NotNil(t, errors.Unwrap(err), "the chain is kept")
}

func TestOversizedBodyRefused(t *testing.T) {
	big := strings.Repeat(" ", maxBody) + memberJSON // valid JSON, one byte too many to accept
	for name, declare := range map[string]bool{"declared length, refused unread": true, "chunked, cut at the cap": false} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if declare {
					w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				}
				io.WriteString(w, big)
			})
			_, err := c.GetMember(bg, "m1")
			require.ErrorIs(t, checkErr(t, err), errBodyTooLarge)
			assert.ErrorContains(t, err, "ldaccess: getMember: response body exceeds 4 MiB")
		})
	}
}

func TestSuccessBodyMustBeOneJSONObject(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		status     int
		wantErr    string
	}{
		{"an object, after white space", " \n\t" + memberJSON, 200, ""},
		{"204 where a member is expected", "", 204, "204 No Content where a JSON object was expected"},
		{"null", "null", 200, `want a JSON object, got "null"`},
		{"an array", "[" + memberJSON + "]", 200, "want a JSON object"},
		{"empty", "", 200, `want a JSON object, got ""`},
		{"trailing data", memberJSON + `{"_id":"m2"}`, 200, "decoding response"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.status == http.StatusNoContent {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			m, err := c.GetMember(bg, "m1")
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, "m1", m.ID)
				return
			}
			require.Error(t, checkErr(t, err))
			assert.Contains(t, err.Error(), "ldaccess: getMember: ")
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}
