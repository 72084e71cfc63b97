package wrapper

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is against the errors of every method. An [*APIError]
// matches the one for its status code:
//
//	ErrInvalidRequest  400 Bad Request, 422 Unprocessable Entity (a patch that cannot be applied)
//	ErrUnauthorized    401 Unauthorized (token missing, unknown or expired)
//	ErrForbidden       403 Forbidden (the token may not do this)
//	ErrNotFound        404 Not Found
//	ErrConflict        409 Conflict (a concurrent change; sending again may succeed)
//	ErrRateLimited     429 Too Many Requests, and every [*RateLimitError]
var (
	ErrInvalidRequest = errors.New("ldaccess: invalid request")
	ErrUnauthorized   = errors.New("ldaccess: unauthorized")
	ErrForbidden      = errors.New("ldaccess: forbidden")
	ErrNotFound       = errors.New("ldaccess: not found")
	ErrConflict       = errors.New("ldaccess: conflict")
	ErrRateLimited    = errors.New("ldaccess: rate limited")
)

// An APIError is a response with a status other than 2xx, documented or not. Use errors.As to
// inspect it, or errors.Is with the sentinel errors to branch on its kind.
type APIError struct {
	StatusCode int    // the HTTP status
	Code       string // LaunchDarkly's error code, such as "not_found"; empty if the body had none
	// Message is LaunchDarkly's explanation; for a body that is not LaunchDarkly's JSON error,
	// such as a proxy's HTML page, a short printable excerpt of it.
	Message   string
	RequestID string // the request's ID for LaunchDarkly support, from the body or X-Request-Id
	Method    string // the request's method
	Path      string // the request's path, without query
	// InvalidEmails lists the addresses that made an invitation fail (InviteMembers).
	InvalidEmails []string

	op string // the operation, for the message
}

// Error reads "ldaccess: op: METHOD path: status (code): message [emails] (request id …)".
func (e *APIError) Error() string {
	s := "ldaccess: "
	if e.op != "" {
		s += e.op + ": "
	}
	s += e.Method + " " + e.Path + ": " + strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if len(e.InvalidEmails) > 0 {
		s += " [" + strings.Join(e.InvalidEmails, ", ") + "]"
	}
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// sentinelOf maps a status code to the sentinel error it matches.
var sentinelOf = map[int]error{
	http.StatusBadRequest: ErrInvalidRequest, http.StatusUnprocessableEntity: ErrInvalidRequest,
	http.StatusUnauthorized: ErrUnauthorized, http.StatusForbidden: ErrForbidden, http.StatusNotFound: ErrNotFound,
	http.StatusConflict: ErrConflict, http.StatusTooManyRequests: ErrRateLimited,
}

// Is matches the sentinel error for e's status code; see [ErrNotFound] and its siblings.
func (e *APIError) Is(target error) bool {
	s, ok := sentinelOf[e.StatusCode]
	return ok && s == target
}

// A RateLimitError reports a rate-limit wait the client did not attempt because it would
// outlast [RetryPolicy.MaxWait] or the context's deadline. It matches [ErrRateLimited]. A 429
// that is still there after [RetryPolicy.MaxAttempts] is reported as an [*APIError] instead.
type RateLimitError struct {
	Reset    time.Time     // when the rate-limit window resets
	Wait     time.Duration // the wait that was refused
	Attempts int           // how many times the request was sent
	Method   string        // the request's method
	Path     string        // the request's path, without query
	Err      error         // context.DeadlineExceeded when the deadline was the obstacle
	reason   string
}

// Error says which request was refused, after how many attempts, and how long the wait was.
func (e *RateLimitError) Error() string {
	msg := "ldaccess: " + e.Method + " " + e.Path + ": rate limited after " + strconv.Itoa(e.Attempts) +
		" attempt(s); reset in " + e.Wait.Round(time.Millisecond).String()
	if e.reason != "" {
		msg += ": " + e.reason
	}
	return msg
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns Err.
func (e *RateLimitError) Unwrap() error { return e.Err }

const (
	maxErrorBody = 16 << 10 // bounds how much of an error response is read
	maxSnippet   = 200      // bounds the excerpt of a body that is not LaunchDarkly's JSON error
)

// newAPIError reads a non-2xx response into an *APIError. It never fails: whatever the server
// sent ends up, bounded and printable, in Message.
func newAPIError(op string, resp *http.Response, cred *credential) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, RequestID: first(resp.Header, "X-Request-Id"), op: op}
	if req := resp.Request; req != nil {
		// The path may come from a server-supplied link.
		e.Method, e.Path = req.Method, cred.clean(req.URL.Path, maxPath)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var rep struct {
		Code          string   `json:"code"`
		Message       string   `json:"message"`
		ID            string   `json:"id"`
		InvalidEmails []string `json:"invalid_emails"`
	}
	// A server that echoes the request back must not make the token part of an error.
	clean := cred.clean
	if json.Unmarshal(body, &rep) == nil && (rep.Code != "" || rep.Message != "") {
		e.Code, e.Message = clean(rep.Code, 100), clean(rep.Message, 1000)
		for _, email := range rep.InvalidEmails {
			e.InvalidEmails = append(e.InvalidEmails, clean(email, 320))
		}
		if rep.ID != "" {
			e.RequestID = rep.ID
		}
	} else {
		e.Message = clean(string(body), maxSnippet)
	}
	e.RequestID = clean(e.RequestID, 100)
	return e
}
