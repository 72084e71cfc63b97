package fake

import (
	"context"
	"net/http"
)

// call is what the pipeline learned about a request, for the operation that answers it.
type call struct {
	reqID  string
	secret string // what the caller authenticated with, resolved again when a write is applied
	body   []byte // the raw body: JSON Patch values must not lose a null on the way
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return &call{}
	}
	return c
}

func requestID(r *http.Request) string { return callFrom(r.Context()).reqID }
