package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// raw sends one request as the admin, as written, through the environment's contract check,
// and turns an error answer into the *wrapper.APIError its body describes.
func (e *contractEnv) raw(t testing.TB, method, path, query, contentType, body string) error {
	t.Helper()
	status, data := e.send(t, e.srv.AdminSecret(), method, path, query, contentType, body)
	if status < 300 {
		return nil
	}
	var b struct{ Code, Message, ID string }
	_ = json.Unmarshal(data, &b)
	return &wrapper.APIError{StatusCode: status, Code: b.Code, Message: b.Message, RequestID: b.ID, Method: method, Path: path}
}

func (e *contractEnv) send(t testing.TB, secret, method, path, query, contentType, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(t, err)
	req.URL.RawQuery = query
	req.Header.Set("Authorization", secret)
	req.Header.Set("LD-API-Version", "20240415")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := (&http.Client{Transport: e.ct}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

const semanticPatch = "application/json; domain-model=launchdarkly.semanticpatch"

// invalidRequest is a request LaunchDarkly refuses: the contract's schema forbids it, or a rule
// of the API does.
type invalidRequest struct {
	method, path, query, contentType, body string
}

// invalidRequests are refused requests for every operation that takes input. Token paths name
// "TOKEN", replaced by a real token's ID.
var invalidRequests = []invalidRequest{
	{"GET", "/api/v2/tokens", "limit=0", "", ""},
	{"GET", "/api/v2/tokens", "limit=ten", "", ""},
	{"GET", "/api/v2/tokens", "offset=-1", "", ""},
	{"GET", "/api/v2/tokens", "showAll=maybe", "", ""},
	{"POST", "/api/v2/tokens", "", "application/json", `{"role":"god"}`},
	{"POST", "/api/v2/tokens", "", "application/json", `not json`},
	{"POST", "/api/v2/tokens", "", "text/plain", `{"role":"reader"}`},
	{"POST", "/api/v2/tokens", "", "application/json", `{"inlineRole":[{"actions":["*"]}]}`},
	{"PATCH", "/api/v2/tokens/TOKEN", "", "application/json", `[{"op":"test","path":"/role"}]`},
	{"PATCH", "/api/v2/tokens/TOKEN", "", "application/json", `{"op":"replace"}`},
	{"POST", "/api/v2/tokens/TOKEN/reset", "expiry=soon", "", ""},
	{"GET", "/api/v2/members", "limit=0", "", ""},
	{"GET", "/api/v2/members", "sort=name", "", ""},
	{"GET", "/api/v2/members", "expand=teams", "", ""},
	{"GET", "/api/v2/members", "filter=bogus:1", "", ""},
	{"GET", "/api/v2/members", "filter=lastSeen:soon", "", ""},
	{"GET", "/api/v2/members/me", "expand=teams", "", ""},
	{"POST", "/api/v2/members", "", "application/json", `[]`},
	{"POST", "/api/v2/members", "", "application/json", `[{"role":"reader"}]`},
	{"POST", "/api/v2/members", "", "application/json", `[{"email":"a@example.com","role":"owner"}]`},
	{"PATCH", "/api/v2/members", "", "application/json", `{"instructions":[]}`},
	{"PATCH", "/api/v2/members", "", semanticPatch, `{}`},
	{"PATCH", "/api/v2/members", "", semanticPatch, `{"instructions":[{"kind":"replaceMembersRoles"}]}`},
	{"PATCH", "/api/v2/members/me", "", "application/json", `[]`},
	{"PATCH", "/api/v2/members/me", "", "application/json", `[{"op":"replace","path":"/role"}]`},
	{"POST", "/api/v2/members/me/teams", "", "application/json", `{}`},
	{"POST", "/api/v2/members/me/teams", "", "application/json", `{"teamKeys":"platform"}`},
}

// Invalid requests go through the contract check too: whatever the fake answers them must be a
// status the operation documents, with the documented body. A refusal the contract does not
// document (a 400 on a read, say) fails here.
func TestContractInvalidRequests(t *testing.T) {
	ct := newContractTransport(t, nil)
	env := newContractEnv(t, ct, fake.Options{})
	token := env.createToken(t).ID
	for _, r := range invalidRequests {
		t.Run(fmt.Sprintf("%s %s?%s %s", r.method, r.path, r.query, r.body), func(t *testing.T) {
			err := ct.allowingInvalid(func() error {
				return env.raw(t, r.method, strings.ReplaceAll(r.path, "TOKEN", token), r.query, r.contentType, r.body)
			})
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr, "an invalid request was accepted")
			assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode, "%v", err)
		})
	}
}

// FuzzContractInvalidRequests sends any query and body to every operation: whatever the fake
// answers must be documented for that operation. Each input is one operation (by index), a
// raw query and a body, sent with the operation's media type.
func FuzzContractInvalidRequests(f *testing.F) {
	ops := specOperations(f)
	for _, r := range invalidRequests {
		for i, op := range ops {
			if strings.EqualFold(op.Method, r.method) && op.Path == strings.ReplaceAll(strings.ReplaceAll(r.path, "TOKEN", "{id}"), "/me", "/{id}") {
				f.Add(uint8(i), r.query, r.body)
			}
		}
	}
	env := newContractEnv(f, newContractTransport(f, nil), fake.Options{})
	token := env.createToken(f).ID
	f.Fuzz(func(t *testing.T, opIndex uint8, query, body string) {
		op := ops[int(opIndex)%len(ops)]
		path := op.Path
		if strings.HasPrefix(path, "/api/v2/tokens/") {
			path = strings.ReplaceAll(path, "{id}", token)
		}
		path = strings.ReplaceAll(path, "{id}", "me")
		contentType := ""
		if op.Op.RequestBody != nil {
			for mt := range op.Op.RequestBody.Value.Content {
				contentType = mt
			}
		}
		// A query that is not a valid URL query never reaches a handler (net/http refuses the
		// request line): send what it means, encoded.
		values, err := url.ParseQuery(query)
		if err != nil {
			t.Skip("not a URL query")
		}
		ct := newContractTransport(t, nil)
		ct.invalidOK = true
		e := *env
		e.ct = ct
		status, _ := e.send(t, env.srv.AdminSecret(), op.Method, path, values.Encode(), contentType, body)
		assert.Less(t, status, 500, "a request, however wrong, is answered, not failed")
	})
}
