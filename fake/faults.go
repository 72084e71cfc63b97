package fake

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// faulter decides, per request, whether and how to fail it. Every request to an operation
// draws the same three numbers whatever the outcome, so the faults depend only on the seed and
// the sequence of requests.
type faulter struct {
	cfg    Faults
	kinds  []FaultKind
	script map[scriptKey]FaultKind

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int // lower-case operationId → requests so far
}

type scriptKey struct {
	op  string
	nth int
}

func newFaulter(cfg Faults) *faulter {
	f := &faulter{
		cfg:    cfg,
		kinds:  cfg.Kinds,
		script: map[scriptKey]FaultKind{},
		rng:    rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9e3779b97f4a7c15)),
		counts: map[string]int{},
	}
	if len(f.kinds) == 0 {
		f.kinds = DefaultFaultKinds
	}
	for _, s := range cfg.Script {
		f.script[scriptKey{strings.ToLower(s.OperationID), s.Nth}] = s.Kind
	}
	return f
}

// decide counts a request to the operation and returns its fault (0 for none) and latency.
func (f *faulter) decide(opID string) (FaultKind, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.ToLower(opID)
	f.counts[op]++
	p, pick, jitter := f.rng.Float64(), f.rng.IntN(len(f.kinds)), f.rng.Float64()

	delay := f.cfg.Latency + time.Duration(jitter*float64(f.cfg.LatencyJitter))
	if k, ok := f.script[scriptKey{op, f.counts[op]}]; ok {
		return k, delay
	}
	if p < f.cfg.Rate {
		return f.kinds[pick], delay
	}
	return 0, delay
}

// before reports whether the fault answers instead of the operation (the request is not
// processed); the others let the operation run and break its answer.
func (k FaultKind) before() bool {
	return k != 0 && k != FaultDropAfterHeaders && k != FaultTruncatedBody
}

// answerFault answers a request with a fault of the "before" kind.
// logNow records the request; a fault that breaks the connection calls it first.
func (h *Handler) answerFault(w http.ResponseWriter, k FaultKind, reqID string, logNow func()) {
	switch k {
	case Fault500:
		writeError(w, &apiError{status: 500, code: "internal_server_error", message: "Internal server error"}, reqID)
	case Fault502:
		writeError(w, &apiError{status: 502, code: "bad_gateway", message: "Bad gateway"}, reqID)
	case Fault503:
		writeError(w, &apiError{status: 503, code: "service_unavailable", message: "Service unavailable"}, reqID)
	case Fault504:
		writeError(w, &apiError{status: 504, code: "gateway_timeout", message: "Gateway timeout"}, reqID)
	case Fault403:
		writeError(w, errForbidden("Access to the requested resource was denied"), reqID)
	case Fault404:
		writeError(w, errNotFound("Unknown resource identifier"), reqID)
	case Fault409:
		writeError(w, errConflict("The resource was changed by another request; try again"), reqID)
	case Fault429RetryAfter:
		w.Header().Set("Retry-After", "1")
		writeError(w, errRateLimited(), reqID)
	case Fault429Reset:
		w.Header().Set("X-Ratelimit-Global-Remaining", "0")
		w.Header().Set("X-Ratelimit-Route-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(h.now().Add(time.Second).UnixMilli(), 10))
		writeError(w, errRateLimited(), reqID)
	case Fault429NoHeaders:
		for _, k := range []string{"X-Ratelimit-Global-Remaining", "X-Ratelimit-Route-Remaining", "X-Ratelimit-Reset", "Retry-After"} {
			w.Header().Del(k)
		}
		writeError(w, errRateLimited(), reqID)
	case FaultDropBeforeHeaders:
		logNow()
		dropConnection(w)
	}
}

// dropConnection closes the client's connection without an answer. Where the connection cannot
// be taken over (HTTP/2), aborting the handler resets the stream instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// breakAnswer sends the answer the operation wrote to buf, broken as the fault says: status and
// headers only, or a body shorter than its Content-Length. Then the connection closes.
func (h *Handler) breakAnswer(w http.ResponseWriter, buf *bufferWriter, k FaultKind, logNow func()) {
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	if cw, ok := w.(*captureWriter); ok {
		cw.status = status
	}
	logNow()
	hdr := w.Header().Clone()
	for key, v := range buf.header {
		hdr[key] = v
	}
	body := buf.body.Bytes()
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if k == FaultTruncatedBody && len(body) == 0 {
		hdr.Set("Content-Length", "16")
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	writeRawHead(rw.Writer, status, hdr)
	if k == FaultTruncatedBody {
		_, _ = rw.Write(body[:len(body)/2])
	}
	_ = rw.Flush()
}

func writeRawHead(w *bufio.Writer, status int, hdr http.Header) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	hdr.Set("Connection", "close")
	_ = hdr.Write(w)
	_, _ = w.WriteString("\r\n")
}

// bufferWriter collects an answer so that a fault can break it after the operation ran.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
