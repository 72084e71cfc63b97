package fake

import (
	"net/http"
	"strings"
	"time"
)

// maxRequests bounds the request log, so that a long-running fake (the command's) stays small.
const maxRequests = 100_000

// Request is one entry of the request log.
type Request struct {
	// ID is the request ID, as sent in X-Request-Id and error bodies.
	ID string
	// Method, Path and Query are the request's; Query is the raw, encoded query.
	Method, Path, Query string
	// OperationID is the contract's operationId, such as "getMembers"; empty when no
	// operation matched.
	OperationID string
	// Status is the status answered; 0 when the connection was dropped before the headers or
	// the client went away first.
	Status int
	// Fault is the fault injected, 0 if none.
	Fault FaultKind
	// Header is the request's header with the Authorization value redacted.
	Header http.Header
	// Time is when the request arrived, by Options.Now.
	Time time.Time
}

// redact copies h without the secret: Authorization keeps only what reads show of a secret
// (obfuscate).
func redact(h http.Header) http.Header {
	c := h.Clone()
	if c == nil {
		c = http.Header{}
	}
	if v := c.Get("Authorization"); v != "" {
		c.Set("Authorization", "REDACTED…"+obfuscate(v))
	}
	return c
}

func (h *Handler) record(r Request) {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxRequests {
		// Drop the oldest tenth at once, so that a full log costs one copy per 10,000 requests.
		s.requests = append(s.requests[:0:0], s.requests[maxRequests/10:]...)
	}
	s.requests = append(s.requests, r)
}

// Requests returns the request log, oldest first. Past 100,000 entries the oldest tenth
// is dropped.
func (h *Handler) Requests() []Request {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (h *Handler) ResetRequests() {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Applied reports how many times the operation named by its operationId (such as
// "postMembers"; case does not matter) changed the state. A request that changed nothing (an
// error, a patch to the same value) does not count, so a chaos test can check that no write
// was applied twice.
func (h *Handler) Applied(operationID string) int {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied[strings.ToLower(operationID)]
}

// markApplied counts a write that changed the state; the caller holds the lock.
func (s *state) markApplied(opID string) { s.applied[strings.ToLower(opID)]++ }
