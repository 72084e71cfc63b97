package fake

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthentication(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tests := []struct{ name, token string }{
		{"missing", ""},
		{"unknown", "api-99999999-9999-4999-8999-999999999999"},
		{"bearer prefix is not LaunchDarkly's", "Bearer " + srv.AdminSecret()},
		{"an SDK key", "sdk-12345678-1234-4234-8234-123456789012"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.as(tt.token).do("GET", "/api/v2/members", nil)
			e := wantError(t, r, 401, "unauthorized")
			assert.Equal(t, "Invalid access token", e.Message)
		})
	}
	assert.Zero(t, srv.Applied("getMembers"))
}

func TestNoAccessMemberIsForbidden(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tok, ok := srv.IssueToken("m06", "reader") // m06 has the role no_access
	require.True(t, ok)
	nc := c.as(tok.Secret)
	for _, rq := range []struct{ method, path, body string }{
		{"GET", "/api/v2/members", ""},
		{"GET", "/api/v2/members/me", ""},
		{"GET", "/api/v2/tokens", ""},
		{"GET", "/api/v2/tokens/" + tok.ID, ""},
		{"POST", "/api/v2/tokens", `{"role":"reader"}`},
		{"DELETE", "/api/v2/tokens/" + tok.ID, ""},
	} {
		var body any
		if rq.body != "" {
			body = rq.body
		}
		wantError(t, nc.do(rq.method, rq.path, body), 403, "forbidden")
	}
}

func TestRouting(t *testing.T) {
	_, c := newServer(t, Options{})
	wantError(t, c.do("GET", "/api/v2/flags", nil), 404, "not_found")
	wantError(t, c.do("GET", "/", nil), 404, "not_found")
	wantError(t, c.do("GET", "/api/v2/members/a/b/c", nil), 404, "not_found")
	r := c.do("PUT", "/api/v2/members/abc", `{}`)
	wantError(t, r, 405, "method_not_allowed")
	assert.Equal(t, "DELETE, GET, PATCH", r.header.Get("Allow"))
	wantError(t, c.do("DELETE", "/api/v2/tokens", nil), 405, "method_not_allowed")
	// Routing comes before authentication: an unknown path is a 404 even without a token.
	wantError(t, c.as("").do("GET", "/api/v2/flags", nil), 404, "not_found")
}

// TestValidation: requests the contract rejects never reach an operation, and the message is
// one short line.
func TestValidation(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tests := []struct{ name, method, path, body, contentType string }{
		{"integer parameter", "GET", "/api/v2/members?limit=ten", "", ""},
		{"boolean parameter", "GET", "/api/v2/tokens?showAll=yes", "", ""},
		{"body not JSON", "POST", "/api/v2/tokens", `{"role":`, "application/json"},
		{"body wrong type", "POST", "/api/v2/members", `{"email":"a@b.c"}`, "application/json"},
		{"enum", "POST", "/api/v2/tokens", `{"role":"superuser"}`, "application/json"},
		{"required property", "POST", "/api/v2/members/m02/teams", `{"keys":["x"]}`, "application/json"},
		{"nested required property", "POST", "/api/v2/tokens", `{"inlineRole":[{"actions":["*"]}]}`, "application/json"},
		{"missing body", "POST", "/api/v2/tokens", "", "application/json"},
		{"wrong content type", "POST", "/api/v2/tokens", `{"role":"reader"}`, "text/plain"},
		{"patch op without path", "PATCH", "/api/v2/members/m02", `[{"op":"replace"}]`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			var hdr []string
			if tt.contentType != "" {
				hdr = []string{"Content-Type", tt.contentType}
			}
			e := wantError(t, c.do(tt.method, tt.path, body, hdr...), 400, "invalid_request")
			assert.LessOrEqual(t, len(e.Message), 200)
			assert.NotContains(t, e.Message, "Schema:")
		})
	}
	assert.Len(t, srv.Tokens(), 1, "nothing created")
	assert.Len(t, srv.Members(), 8)
}

func TestRequestLog(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	c.do("GET", "/api/v2/members?limit=2", nil, "LD-API-Version", "20240415")
	c.as("").do("GET", "/api/v2/members/me", nil)
	c.do("GET", "/nowhere", nil)
	log := srv.Requests()
	require.Len(t, log, 3)
	first := log[0]
	assert.Equal(t, "GET", first.Method)
	assert.Equal(t, "/api/v2/members", first.Path)
	assert.Equal(t, "limit=2", first.Query)
	assert.Equal(t, "getMembers", first.OperationID)
	assert.Equal(t, 200, first.Status)
	assert.Equal(t, "20240415", first.Header.Get("LD-API-Version"))
	assert.NotContains(t, first.Header.Get("Authorization"), srv.AdminSecret())
	assert.True(t, strings.HasSuffix(first.Header.Get("Authorization"), srv.AdminSecret()[len(srv.AdminSecret())-4:]))
	assert.NotEmpty(t, first.ID)
	assert.False(t, first.Time.IsZero())
	assert.Equal(t, 401, log[1].Status)
	assert.Equal(t, "getMember", log[1].OperationID)
	assert.Equal(t, http.StatusNotFound, log[2].Status)
	assert.Empty(t, log[2].OperationID)

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
}

func TestHandlerMountsElsewhere(t *testing.T) {
	h := NewHandler(Options{Account: smallAccount()})
	mux := http.NewServeMux()
	mux.Handle("/api/v2/", h)
	req, _ := http.NewRequest("GET", "/api/v2/members/me", nil)
	req.Header.Set("Authorization", h.AdminSecret())
	rec := newBufferWriter()
	mux.ServeHTTP(rec, req)
	assert.Equal(t, 200, rec.status)
	assert.Contains(t, rec.body.String(), `"_id":"m01"`)
}

func TestSnapshotRestarts(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tok := createToken(t, c, `{"role":"writer"}`)
	require.Equal(t, 201, c.do("POST", "/api/v2/members", `[{"email":"snap@acme.com","role":"reader"}]`).status)

	again, c2 := newServer(t, Options{Account: srv.Snapshot()})
	assert.Equal(t, srv.Members(), again.Members())
	assert.Equal(t, srv.Teams(), again.Teams())
	got := again.Tokens()
	require.Len(t, got, len(srv.Tokens()), "the admin token is carried over, not added twice")
	for i, want := range srv.Tokens() {
		want.LastUsed, got[i].LastUsed = 0, 0
		assert.Equal(t, want, got[i])
	}
	assert.Equal(t, 200, c2.as(tok.Secret).do("GET", "/api/v2/members/me", nil).status)
}
