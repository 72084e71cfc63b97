package fake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/ldaccess/ldaccess"
)

// contract is openapi.yaml, loaded once per process, with a router over its operations.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

// loadContract parses and checks the embedded contract once; the result is read-only and
// shared by every handler.
var loadContract = sync.OnceValues(func() (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(ldaccess.OpenAPI)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	// The servers name LaunchDarkly's hosts; the fake answers on any host, so route on paths.
	doc.Servers = nil
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &contract{doc: doc, router: r}, nil
})

// matched is the outcome of routing: the operation, or the error to answer.
type matched struct {
	opID    string // operationId, such as "getMembers"
	pattern string // path template, such as "/api/v2/members/{id}"
	route   *routers.Route
	params  map[string]string
	err     *apiError // 404 or 405 when nothing matched
	allow   string    // the methods the path accepts, with a 405
}

// bodySchema is the schema of the operation's request body sent as contentType: nil for an
// operation that takes no body, an empty schema for a body whose media type has none.
func (m matched) bodySchema(contentType string) *openapi3.Schema {
	if !m.takesBody() {
		return nil
	}
	mt := m.route.Operation.RequestBody.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return &openapi3.Schema{}
	}
	return mt.Schema.Value
}

// takesBody reports whether the operation takes a request body.
func (m matched) takesBody() bool {
	return m.route != nil && m.route.Operation != nil && m.route.Operation.RequestBody != nil && m.route.Operation.RequestBody.Value != nil
}

var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// route finds the operation for r. When none matches, it tells an unknown path (404) from a
// known path with the wrong method (405, with Allow).
func (c *contract) route(r *http.Request) (matched, bool) {
	rt, params, err := c.find(r)
	if err == nil {
		return matched{opID: rt.Operation.OperationID, pattern: rt.Path, route: rt, params: params}, true
	}
	var allow []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := c.find(probe); err == nil {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		sort.Strings(allow)
		return matched{err: errMethodNotAllowed(), allow: strings.Join(allow, ", ")}, false
	}
	return matched{err: errNotFound("Unknown resource identifier")}, false
}

// find is the router's FindRoute, but a path parameter must not be empty: the legacy router
// matches "DELETE /api/v2/tokens" to "/api/v2/tokens/{id}" with an empty id. It routes on the
// path as sent, escaped, as LaunchDarkly and net/http's ServeMux do, so that an escaped "/" in
// an ID (/api/v2/members/..%2Ftokens) stays in its segment; the parameters are unescaped.
func (c *contract) find(r *http.Request) (*routers.Route, map[string]string, error) {
	if r.URL.RawPath != "" {
		u := *r.URL
		u.Path, u.RawPath = r.URL.EscapedPath(), ""
		r = r.Clone(r.Context())
		r.URL = &u
	}
	rt, params, err := c.router.FindRoute(r)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range params {
		if v, err = url.PathUnescape(v); err != nil || v == "" {
			return nil, nil, routers.ErrPathNotFound
		}
		params[k] = v
	}
	return rt, params, nil
}

// validate checks r against the operation's parameters and body. Authentication is the
// handler's own, done before, so the validator's security check accepts everything.
func (c *contract) validate(r *http.Request, m matched) error {
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: m.params,
		Route:      m.route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return errors.New(shortMessage(err))
	}
	return nil
}

// shortMessage turns a validation error into one line naming what is wrong and where,
// without the schema dump kin-openapi's own messages carry.
func shortMessage(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return firstLine(err.Error())
	}
	where := "request"
	switch {
	case re.Parameter != nil:
		where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
	case re.RequestBody != nil:
		where = "request body"
	}
	reason := re.Reason
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		reason = se.Reason
		if p := se.JSONPointer(); len(p) > 0 {
			reason = "at /" + strings.Join(p, "/") + ": " + reason
		}
	} else if re.Err != nil {
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) {
			reason = strings.TrimSpace(reason + " " + pe.Reason)
		} else if reason == "" {
			reason = re.Err.Error()
		} else {
			reason += ": " + re.Err.Error()
		}
	}
	return firstLine(fmt.Sprintf("invalid %s: %s", where, reason))
}
