package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// maxBody bounds a success body, read whole, and so the memory one response can take. The
// largest legitimate body, a page of 1,000 members with every expansion, is a megabyte or two.
const maxBody = 4 << 20

var errBodyTooLarge = errors.New("response body exceeds 4 MiB")

// call sends the request an operation's builder made and decodes a 2xx answer into a T. It is
// the one path every method of Client takes.
func call[T any](ctx context.Context, c *Client, op string, req *http.Request, err error) (T, error) {
	var v T
	if err != nil {
		return v, c.opError(op, err)
	}
	var out any = &v
	if _, ok := out.(*noBody); ok {
		out = nil
	}
	err = c.send(c.prepare(ctx, req), op, out) // before v is read
	return v, err
}

// noBody is the T of call for operations answered with no body.
type noBody struct{}

// prepare binds the request to ctx and stamps its headers, which saves the transport copying
// the request to stamp them.
func (c *Client) prepare(ctx context.Context, req *http.Request) *http.Request {
	req = req.WithContext(ctx)
	c.cred.stamp(req.Header)
	return req
}

// send does the request and decodes a 2xx body into out, or discards it if out is nil. Any
// other status becomes an *APIError. The transport has read the body whole (one cut short was
// its failed attempt); one that is not valid JSON is not retried: it would come back the same.
func (c *Client) send(req *http.Request, op string, out any) error {
	resp, err := c.do(req)
	if err != nil {
		return c.opError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer discard(resp)
		return newAPIError(op, resp, c.cred)
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if resp.StatusCode == http.StatusNoContent {
		return c.opError(op, errors.New("204 No Content where a JSON object was expected"))
	}
	var body []byte
	if b, ok := resp.Body.(*bufferedBody); ok && b.buf != nil {
		body = b.buf.Bytes()
	} else { // wrapped, by an http.Client with a Timeout
		body, err = io.ReadAll(resp.Body)
	}
	if err == nil {
		err = c.decode(body, out)
	}
	if err != nil {
		return c.opError(op, fmt.Errorf("decoding response: %w", err))
	}
	return nil
}

// decodeOptions give the faster encoding/json/v2 implementation encoding/json's (v1)
// semantics: the generated models are written for v1, and the contract suite holds them to it.
var decodeOptions = jsonv1.DefaultOptionsV1()

// decode decodes a success body, which for every operation is one JSON object: null, an array
// or trailing data are the signs of a broken server, not an empty answer.
func (c *Client) decode(body []byte, out any) error {
	if i := bytes.IndexFunc(body, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); i < 0 || body[i] != '{' {
		return fmt.Errorf("want a JSON object, got %q", c.cred.clean(string(body), 20))
	}
	return jsonv2.Unmarshal(body, out, decodeOptions)
}

// bodyBuffers recycles the buffers success bodies are read into: a page of members is tens
// of kilobytes, and a fresh buffer each time would dominate allocation.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // an unusually large body's buffer is not kept
		b.Reset()
		bodyBuffers.Put(b)
	}
}

// opError prefixes err with the operation, its chain sanitised. A *RateLimitError, already
// self-explaining, is returned as is, without net/http's *url.Error around it.
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
	return fmt.Errorf("ldaccess: %s: %w", op, c.cred.sanitize(err))
}

// readBody reads a success body whole into a pooled buffer, bounded by maxBody, and puts it
// back in resp, so that a body cut short fails its attempt in the transport rather than the
// decoding after it. Other responses are returned as they are.
func readBody(ctx context.Context, resp *http.Response) (*http.Response, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil || resp.Body == http.NoBody {
		return resp, nil
	}
	if resp.ContentLength > maxBody {
		resp.Body.Close()
		return nil, errBodyTooLarge // refused unread
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead) // room to see the end without growing
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxBody+1))
	resp.Body.Close()
	switch {
	case err != nil:
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			// The body was cut short because the context ended: say so, for errors.Is.
			err = fmt.Errorf("%w (%w)", err, cerr)
		}
		err = fmt.Errorf("reading response: %w", err)
	case buf.Len() > maxBody:
		err = errBodyTooLarge
	}
	if err != nil {
		putBodyBuffer(buf)
		return nil, err
	}
	resp.Body = &bufferedBody{buf}
	return resp, nil
}

// bufferedBody is a success body read whole. Close returns its buffer to the pool.
type bufferedBody struct{ buf *bytes.Buffer }

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.buf == nil {
		return 0, http.ErrBodyReadAfterClose
	}
	return b.buf.Read(p)
}

func (b *bufferedBody) Close() error {
	if b.buf != nil {
		putBodyBuffer(b.buf)
		b.buf = nil
	}
	return nil
}
