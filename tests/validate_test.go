package tests

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
)

// contractTransport checks every exchange against openapi.yaml: the request with
// ValidateRequest (security included) and the response with ValidateResponse. It records which
// operation answered with which status so a suite can prove it covered the contract.
type contractTransport struct {
	t    testing.TB
	next http.RoundTripper

	mu       sync.Mutex
	seen     map[string]map[int]bool // operationID → statuses answered
	produced map[string]bool         // response properties answered (coverage_helpers_test.go)
	problems []string

	// invalidOK lets requests the contract refuses through, for negative cases: their answers
	// are still held to the operation's documented responses.
	invalidOK bool
}

func newContractTransport(t testing.TB, next http.RoundTripper) *contractTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	ct := &contractTransport{t: t, next: next, seen: map[string]map[int]bool{}, produced: map[string]bool{}}
	t.Cleanup(func() {
		ct.mu.Lock()
		defer ct.mu.Unlock()
		assert.Empty(t, ct.problems, "exchanges that break openapi.yaml")
	})
	return ct
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	in, err := ct.checkRequest(req)
	ct.mu.Lock()
	invalidOK := ct.invalidOK
	ct.mu.Unlock()
	if err != nil && (in == nil || !invalidOK) {
		ct.report("request %s %s: %v", req.Method, req.URL.Path, err)
		return ct.next.RoundTrip(req)
	}
	resp, err := ct.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if readErr != nil {
		// A broken body is the client's to report, not a contract violation: pass it on broken.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ct.record(in.Route.Operation.OperationID, resp.StatusCode)
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		ct.report("response %s %s → %d: %v\nbody: %.300s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	} else if s := jsonResponseSchema(in.Route.Operation, resp.StatusCode); s != nil {
		ct.mu.Lock()
		producedProperties(ct.t, s, in.Route.Operation.OperationID+" "+strconv.Itoa(resp.StatusCode), body, ct.produced)
		ct.mu.Unlock()
	}
	return resp, nil
}

// checkRequest validates req against the contract without consuming its body.
func (ct *contractTransport) checkRequest(req *http.Request) (*openapi3filter.RequestValidationInput, error) {
	route, pathParams, err := loadRouter(ct.t).FindRoute(cloneForRouting(req))
	if err != nil {
		return nil, fmt.Errorf("no operation in the contract: %w", err)
	}
	validated := req.Clone(req.Context())
	if req.Body != nil && req.GetBody != nil {
		if validated.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	in := &openapi3filter.RequestValidationInput{
		Request: validated, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: requireAPIKey},
	}
	return in, openapi3filter.ValidateRequest(req.Context(), in)
}

// cloneForRouting rewrites the request's host to the contract's first server, since the
// tests talk to a loopback fake rather than LaunchDarkly.
func cloneForRouting(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = "https", "app.launchdarkly.com", "app.launchdarkly.com"
	return r
}

// allowingInvalid runs f with requests the contract refuses let through (negative cases).
func (ct *contractTransport) allowingInvalid(f func() error) error {
	ct.mu.Lock()
	ct.invalidOK = true
	ct.mu.Unlock()
	defer func() {
		ct.mu.Lock()
		ct.invalidOK = false
		ct.mu.Unlock()
	}()
	return f()
}

func (ct *contractTransport) record(operationID string, status int) {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if ct.seen[operationID] == nil {
		ct.seen[operationID] = map[int]bool{}
	}
	ct.seen[operationID][status] = true
}

func (ct *contractTransport) report(format string, args ...any) {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	ct.problems = append(ct.problems, fmt.Sprintf(format, args...))
}

// uncovered lists every operation × documented status the transport has not seen answered.
func (ct *contractTransport) uncovered(t testing.TB) []string {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	var missing []string
	for _, op := range specOperations(t) {
		for code := range op.Op.Responses.Map() {
			status, err := strconv.Atoi(code)
			if err != nil {
				continue // "default" or a range: nothing specific to provoke
			}
			if !ct.seen[op.ID][status] {
				missing = append(missing, fmt.Sprintf("%s %d", op.ID, status))
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
