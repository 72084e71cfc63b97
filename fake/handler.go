package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// maxBody bounds a request body; LaunchDarkly's own limit is not published.
const maxBody = 1 << 20

// semanticPatchType is the media type the semantic patch must be sent as.
const semanticPatchType = "application/json; domain-model=launchdarkly.semanticpatch"

// Handler is the fake LaunchDarkly as an http.Handler: the account state, the request log, rate
// limits and faults. It is safe for concurrent use. Serve it with NewServer, or mount it on any
// server: every path it answers starts with /api/v2/.
type Handler struct {
	adminSecret string
	now         func() time.Time
	st          *state
	contract    *contract
	limits      *limiter
	faults      *faulter
	api         http.Handler // the generated router over ops
	reqSeq      atomic.Uint64
	scim        bool // Options.SCIM; see scim.go
}

// NewHandler returns a fake with the given options; see Options for the defaults.
func NewHandler(opts Options) *Handler {
	c, err := loadContract()
	if err != nil {
		// The contract is embedded and tested: failing to load it is a build defect.
		panic(fmt.Sprintf("fake: loading openapi.yaml: %v", err))
	}
	h := &Handler{adminSecret: opts.AdminSecret, now: opts.Now, contract: c, st: newState()}
	if h.adminSecret == "" {
		h.adminSecret = DefaultAdminSecret
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.st.load(opts.Account, h.adminSecret, h.now())
	if opts.SCIM {
		h.manageBySCIM()
	}
	if opts.RateLimit != nil {
		h.limits = newLimiter(*opts.RateLimit)
	}
	if opts.Faults != nil {
		h.faults = newFaulter(*opts.Faults)
	}
	strict := strictserver.NewStrictHandlerWithOptions(&ops{h: h}, nil, strictserver.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  h.bindError,
		ResponseErrorHandlerFunc: h.opError,
	})
	h.api = strictserver.HandlerWithOptions(strict, strictserver.StdHTTPServerOptions{
		ErrorHandlerFunc: h.bindError,
	})
	return h
}

// AdminSecret returns the secret of the admin token: Options.AdminSecret, or
// DefaultAdminSecret.
func (h *Handler) AdminSecret() string { return h.adminSecret }

// ServeHTTP answers one request: route, faults, rate limits, authentication, validation against
// the contract, then the operation; each step may answer instead of the next.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.newRequestID()
	entry := Request{
		ID: reqID, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Header: redact(r.Header), Time: h.now(),
	}
	cw := &captureWriter{ResponseWriter: w}
	// The entry is recorded once, at the end, or by a fault just before it breaks the
	// connection: a client that sees the break must find the entry in the log.
	logged := false
	logNow := func() {
		if !logged {
			logged = true
			entry.Status = cw.status
			h.record(entry)
		}
	}
	defer logNow()
	cw.Header().Set("X-Request-Id", reqID)

	rt, found := h.contract.route(r)
	entry.OperationID = rt.opID

	var fault FaultKind
	if found && h.faults != nil {
		var delay time.Duration
		fault, delay = h.faults.decide(rt.opID)
		if !sleepCtx(r.Context(), delay) {
			return
		}
		entry.Fault = fault
		if fault.before() {
			h.answerFault(cw, fault, reqID, logNow)
			return
		}
	}

	if h.limits != nil {
		routeKey := ""
		if found {
			routeKey = r.Method + " " + rt.pattern
		}
		if !h.limits.take(cw.Header(), routeKey, h.now()) {
			writeError(cw, errRateLimited(), reqID)
			return
		}
	}

	if !found {
		if rt.allow != "" {
			cw.Header().Set("Allow", rt.allow)
		}
		writeError(cw, rt.err, reqID)
		return
	}

	// An "after" fault lets the request through, collects the answer and then breaks it.
	var out http.ResponseWriter = cw
	var buf *bufferWriter
	if fault == FaultDropAfterHeaders || fault == FaultTruncatedBody {
		buf = newBufferWriter()
		out = buf
	}
	if c, aerr := h.admit(r, rt); aerr != nil {
		writeError(out, aerr, reqID)
	} else {
		c.reqID = reqID
		h.api.ServeHTTP(out, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
	}
	if buf != nil {
		h.breakAnswer(cw, buf, fault, logNow)
	}
}

// admit authenticates r and checks it against the contract, for the operation rt. Admission is
// no authorization: the body may take its time, so each operation resolves its caller again
// from the secret under the lock that applies its write (see auth.go).
func (h *Handler) admit(r *http.Request, rt matched) (*call, *apiError) {
	secret := r.Header.Get("Authorization")
	if aerr := h.authenticate(secret); aerr != nil {
		return nil, aerr
	}
	body, err := readBody(r, rt)
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	normalizeContentType(r)
	if rt.opID == "patchMembers" && r.Header.Get("Content-Type") != semanticPatchType {
		return nil, errInvalid("Content-Type must be " + semanticPatchType)
	}
	if err := h.contract.validate(r, rt); err != nil {
		return nil, errInvalid(err.Error())
	}
	if err := oneReading(body, rt.bodySchema(r.Header.Get("Content-Type"))); err != nil {
		return nil, errInvalid(err.Error())
	}
	// Validation read the body: give the operation a fresh reader.
	r.Body = io.NopCloser(bytes.NewReader(body))
	return &call{secret: secret, body: body}, nil
}

// readBody reads the whole body, bounded, so that validation and the operation can both see it.
// The body of an operation that takes none is not read, whatever its size: nothing would read
// it, and refusing it would answer a status such an operation does not document.
func readBody(r *http.Request, rt matched) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if !rt.takesBody() {
		r.Body = http.NoBody
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %v", err)
	}
	if len(b) > maxBody {
		return nil, errors.New("request body too large")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// normalizeContentType rewrites an equivalent spelling of the semantic-patch media type (no
// space, other case) to the contract's, which the validator compares as a string.
func normalizeContentType(r *http.Request) {
	ct := r.Header.Get("Content-Type")
	if ct == "" || ct == semanticPatchType {
		return
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return
	}
	if strings.EqualFold(params["domain-model"], "launchdarkly.semanticpatch") {
		r.Header.Set("Content-Type", semanticPatchType)
	}
}

// sleepCtx waits d, or less if ctx ends first, and reports whether it waited the whole time.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newRequestID returns a UUID-shaped request ID, unique per handler.
func (h *Handler) newRequestID() string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", idMarker, h.reqSeq.Add(1)&0xffffffffffff)
}

// bindError answers a request the generated code could not bind; validation catches these
// first, so it is a safety net.
func (h *Handler) bindError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, errInvalid(firstLine(err.Error())), requestID(r))
}

// opError answers an operation's error: an *apiError as itself, anything else as a 500.
func (h *Handler) opError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, code: "internal_server_error", message: "internal error"}
	}
	writeError(w, ae, requestID(r))
}

// captureWriter remembers the status written, for the request log.
type captureWriter struct {
	http.ResponseWriter
	status int
}

func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection, to hijack it for faults.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
