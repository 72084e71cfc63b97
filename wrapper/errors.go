package wrapper

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// Error reads "ldaccess: op: METHOD path: status (code): message (request id …)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("ldaccess: ")
	if e.op != "" {
		b.WriteString(e.op)
		b.WriteString(": ")
	}
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteByte(')')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.InvalidEmails) > 0 {
		b.WriteString(" [")
		b.WriteString(strings.Join(e.InvalidEmails, ", "))
		b.WriteByte(']')
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is matches the sentinel error for e's status code; see [ErrNotFound] and its siblings.
func (e *APIError) Is(target error) bool {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return target == ErrInvalidRequest
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusConflict:
		return target == ErrConflict
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	}
	return false
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

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 16 << 10

// maxSnippet bounds the excerpt of a body that is not LaunchDarkly's JSON error.
const maxSnippet = 200

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

// printable returns s with control characters dropped, runs of white space collapsed, invalid
// UTF-8 replaced, and at most n bytes long, so that an error message stays one readable line.
func printable(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			continue
		}
		size := utf8.RuneLen(r)
		if space {
			size++
		}
		if b.Len()+size > n {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
