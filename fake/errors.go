package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an answer in LaunchDarkly's error format. Operations return it as their error;
// the strict handler's error hook writes it (see Handler.opError), so that the 13 operations need
// not spell out each status's generated response type.
type apiError struct {
	status        int
	code          string
	message       string
	invalidEmails []string // postMembers only
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.code + ": " + e.message }

func errInvalid(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "invalid_request", message: msg}
}

func errUnauthorized() *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "unauthorized", message: "Invalid access token"}
}

func errForbidden(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "forbidden", message: msg}
}

func errNotFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "not_found", message: msg}
}

func errMethodNotAllowed() *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "Method not allowed"}
}

func errConflict(msg string) *apiError {
	return &apiError{status: http.StatusConflict, code: "optimistic_locking_error", message: msg}
}

func errPatchFailed(msg string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "patch_failed", message: msg}
}

func errRateLimited() *apiError {
	return &apiError{status: http.StatusTooManyRequests, code: "rate_limited", message: "You've exceeded the API rate limit. Try again later."}
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Code          string   `json:"code"`
	Message       string   `json:"message"`
	ID            string   `json:"id"`
	InvalidEmails []string `json:"invalid_emails,omitempty"`
}

// writeError answers with e. The request ID goes in the body and in X-Request-Id.
func writeError(w http.ResponseWriter, e *apiError, reqID string) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(errorBody{Code: e.code, Message: e.message, ID: reqID, InvalidEmails: e.invalidEmails})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if reqID != "" {
		h.Set("X-Request-Id", reqID)
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(e.status)
	_, _ = buf.WriteTo(w)
}

// firstLine keeps an error message to one short line: no schema dumps in answers.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}
