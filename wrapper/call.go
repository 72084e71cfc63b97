package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// maxBody bounds a success body, and so the memory one response can take: the body is read
// whole, its buffer doubling as it grows unless Content-Length gives its size, and then
// decoded. The largest legitimate body, a page of 1,000 members with every expansion, is a
// megabyte or two; anything past this is a misbehaving server.
const maxBody = 4 << 20

// errBodyTooLarge is returned, wrapped with the operation, for a body past maxBody.
var errBodyTooLarge = errors.New("response body exceeds 4 MiB")

// call sends the request an operation's builder made and decodes a 2xx answer into a T. It is
// the one path every method of Client takes.
func call[T any](ctx context.Context, c *Client, op string, req *http.Request, err error) (T, error) {
	var v T
	if err != nil {
		return v, c.opError(op, err)
	}
	err = c.send(c.prepare(ctx, req), op, &v)
	return v, err
}

// prepare binds the request to ctx and sets the headers authTransport would otherwise have to
// copy the request to add.
func (c *Client) prepare(ctx context.Context, req *http.Request) *http.Request {
	req = req.WithContext(ctx)
	h, fixed := req.Header, c.headers
	h["Authorization"] = fixed.auth()
	if first(h, "Ld-Api-Version") == "" {
		h["Ld-Api-Version"] = fixed.version
	}
	h["User-Agent"] = fixed.userAgent
	h["Accept"] = fixed.accept
	return req
}

// send does the request and decodes a 2xx body into out, or discards it if out is nil. Any
// other status becomes an *APIError.
//
// A body cut short by a broken connection is a failed attempt like a 503: for an idempotent
// method the request is sent again, after backoff, up to RetryPolicy.MaxAttempts times. A body
// that arrives whole but is not valid JSON is not retried; the server would say the same again.
func (c *Client) send(req *http.Request, op string, out any) error {
	p := &c.retry.policy
	for attempt := 1; ; attempt++ {
		err, cut := c.sendOnce(req, op, out)
		if cut == nil || !idempotent(req.Method) || attempt >= p.MaxAttempts || !rewindable(req) {
			return err
		}
		ctx := req.Context()
		wait := backoff(p.BaseDelay, p.MaxDelay, attempt, p.Rand)
		if ctx.Err() != nil || pastDeadline(ctx, wait) {
			return err
		}
		c.retry.observeRetry(ctx, RetryEvent{
			Method: req.Method, Path: c.retry.path(req), Attempt: attempt, Err: cut, Wait: wait, Reason: "body cut short",
		})
		if sleep(ctx, p.Clock, wait) != nil {
			return err
		}
		reflect.ValueOf(out).Elem().SetZero() // a partial decode must not leak into the retry
		if req.GetBody != nil {
			body, gerr := req.GetBody()
			if gerr != nil {
				return err
			}
			r := *req
			r.Body = body
			req = &r
		}
	}
}

// sendOnce is one attempt of send. Besides the error it returns, it reports the transport
// error that cut the body short, if that is what went wrong.
func (c *Client) sendOnce(req *http.Request, op string, out any) (err, cut error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.opError(op, err), nil
	}
	defer discard(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(op, resp, c.token), nil
	}
	if out == nil {
		return nil, nil
	}
	if resp.StatusCode == http.StatusNoContent {
		return c.opError(op, errors.New("204 No Content where a JSON object was expected")), nil
	}
	if resp.ContentLength > maxBody {
		return fmt.Errorf("ldaccess: %s: %w", op, errBodyTooLarge), nil // refused unread
	}

	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	body := &capReader{r: resp.Body, n: maxBody}
	if _, err := buf.ReadFrom(body); err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return fmt.Errorf("ldaccess: %s: %w", op, errBodyTooLarge), nil
		}
		if cerr := req.Context().Err(); cerr != nil && !errors.Is(err, cerr) {
			// The body was cut short because the context ended: say so, for errors.Is.
			err = fmt.Errorf("%w (%w)", err, cerr)
		}
		return c.opError(op, fmt.Errorf("reading response: %w", err)), body.failed
	}
	if err := decode(buf.Bytes(), out); err != nil {
		return c.opError(op, fmt.Errorf("decoding response: %w", err)), nil
	}
	return nil, nil
}

// decodeOptions give the faster encoding/json/v2 implementation encoding/json's (v1)
// semantics: the generated models are written for v1, and the contract suite holds them to it.
var decodeOptions = jsonv1.DefaultOptionsV1()

// decode decodes a success body, which for every operation is one JSON object: null, an array
// or trailing data are the signs of a broken server, not an empty answer.
func decode(body []byte, out any) error {
	if i := bytes.IndexFunc(body, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); i < 0 || body[i] != '{' {
		return fmt.Errorf("want a JSON object, got %q", printable(string(body), 20))
	}
	return jsonv2.Unmarshal(body, out, decodeOptions)
}

// bodyBuffers recycles the buffers success bodies are read into: a page of members is tens
// of kilobytes, and reading it into a fresh buffer each time would dominate allocation.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps an unusually large body's buffer out of the pool.
const maxPooledBuffer = 1 << 20

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		bodyBuffers.Put(b)
	}
}

// opError prefixes err with the operation. A *RateLimitError, already self-explaining, is
// returned as is, without net/http's *url.Error around it.
func (c *Client) opError(op string, err error) error {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// Keep the URL out of the message (it is already in the operation); a next link is
		// server-supplied and could carry anything.
		err = ue.Err
	}
	msg := err.Error()
	if r := c.token.redact(msg); r != msg {
		return &redactedError{msg: "ldaccess: " + op + ": " + r, err: err}
	}
	return fmt.Errorf("ldaccess: %s: %w", op, err)
}

// redactedError carries an error whose message mentioned the token, with the token removed
// from the message but the chain kept for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// capReader is io.LimitReader that reports overflow instead of a silent EOF, and remembers
// whether the underlying body failed, as opposed to ending.
type capReader struct {
	r      io.Reader
	n      int64
	failed error // the body's own error, other than io.EOF
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if err != nil && err != io.EOF {
		c.failed = err
	}
	return n, err
}
