package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// client talks to a test server as one token and checks every answer against the contract.
type client struct {
	t     testing.TB
	srv   *Server
	token string
	// skipValidation turns the contract check off, for answers the contract does not describe
	// (injected 5xx faults).
	skipValidation bool
}

// newServer starts a fake for the test and returns a client acting as the admin.
func newServer(t testing.TB, opts Options) (*Server, *client) {
	t.Helper()
	srv := NewServer(opts)
	t.Cleanup(srv.Close)
	return srv, &client{t: t, srv: srv, token: srv.AdminSecret()}
}

// as returns a client acting with another token.
func (c *client) as(token string) *client {
	cc := *c
	cc.token = token
	return &cc
}

// resp is an answer, read in full.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the body into a new T.
func decode[T any](t testing.TB, r resp) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// errBody is LaunchDarkly's error format.
type errBody struct {
	Code          string   `json:"code"`
	Message       string   `json:"message"`
	ID            string   `json:"id"`
	InvalidEmails []string `json:"invalid_emails"`
}

// do sends a request. body is sent as is when a string, else as JSON; headers come in pairs and
// may override Content-Type.
func (c *client) do(method, path string, body any, headers ...string) resp {
	c.t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		if s, ok := body.(string); ok {
			raw = []byte(s)
		} else {
			b, err := json.Marshal(body)
			require.NoError(c.t, err)
			raw = b
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	require.NoError(c.t, err)
	if c.token != "" {
		req.Header.Set("Authorization", c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.srv.Client().Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	r := resp{status: res.StatusCode, header: res.Header, body: b}
	if !c.skipValidation {
		validateAnswer(c.t, req, raw, r)
	}
	return r
}

// validateAnswer checks an answer against openapi.yaml: a documented status, the headers and
// the body schema. Answers to requests no operation matches (404, 405) have no contract.
func validateAnswer(t testing.TB, req *http.Request, body []byte, r resp) {
	t.Helper()
	c, err := loadContract()
	require.NoError(t, err)
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.find(probe)
	if err != nil {
		require.Contains(t, []int{404, 405}, r.status, "unrouted request answered %d", r.status)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: probe, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  r.status,
		Header:  r.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(r.body)
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in),
		"%s %s answered %d %s", req.Method, req.URL, r.status, r.body)
}

// wantError checks an error answer's status and code, and that it carries the request ID.
func wantError(t testing.TB, r resp, status int, code string) errBody {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	e := decode[errBody](t, r)
	require.Equal(t, code, e.Code, "body: %s", r.body)
	require.NotEmpty(t, e.Message)
	require.NotEmpty(t, e.ID)
	require.Equal(t, e.ID, r.header.Get("X-Request-Id"))
	require.NotContains(t, e.Message, "\n")
	return e
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// ids lists the members' IDs.
func ids(ms []api.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// mem builds a member for a hand-made account.
func mem(id, first, last, email, role string, lastSeen int64, opts ...func(*api.Member)) api.Member {
	m := api.Member{ID: id, Email: email, Role: role, LastSeen: lastSeen, Verified: true, MFA: "enabled"}
	if first != "" {
		m.FirstName = first
	}
	if last != "" {
		m.LastName = last
	}
	for _, o := range opts {
		o(&m)
	}
	return m
}

func onTeams(keys ...string) func(*api.Member) {
	return func(m *api.Member) {
		ts := make([]api.MemberTeamSummaryRep, len(keys))
		for i, k := range keys {
			ts[i] = api.MemberTeamSummaryRep{Key: k, Name: strings.ToUpper(k), CustomRoleKeys: []string{}}
		}
		m.Teams = ts
	}
}

func withCustomRoles(keys ...string) func(*api.Member) {
	return func(m *api.Member) { m.CustomRoles = keys }
}

func pending(m *api.Member) { m.PendingInvite, m.Verified = true, false }

func unverified(m *api.Member) { m.Verified = false }

// smallAccount is a hand-made account whose filters and sorts have known answers.
func smallAccount() *Account {
	return &Account{
		CustomRoles: []CustomRole{
			{ID: "c00000000000000000000001", Key: "flag-editor", Name: "Flag editor"},
			{ID: "c00000000000000000000002", Key: "auditor", Name: "Auditor"},
		},
		Teams: []Team{
			{Key: "platform", Name: "Platform", CustomRoleKeys: []string{"flag-editor"}},
			{Key: "Mobile", Name: "Mobile"},
			{Key: "empty", Name: "Nobody"},
		},
		Members: []api.Member{
			mem("m01", "Olivia", "Owner", "olivia@acme.com", "owner", 9000),
			mem("m02", "Adam", "Admin", "adam@acme.com", "admin", 5000, onTeams("platform")),
			mem("m03", "Wendy", "Writer", "wendy@ACME.io", "writer", 7000, onTeams("platform", "Mobile")),
			mem("m04", "Rita", "Reader", "rita@example.org", "reader", 0, pending),
			mem("m05", "", "", "nameless@acme.com", "reader", 0, unverified),
			mem("m06", "Nora", "Nodata", "nora@acme.com", "no_access", 0),
			mem("m07", "Carl", "Custom", "carl@acme.com", "no_access", 3000, withCustomRoles("flag-editor")),
			mem("m08", "adam", "Zed", "zed@acme.com", "writer", 7000, onTeams("mobile")),
		},
	}
}
