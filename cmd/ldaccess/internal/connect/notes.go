package connect

import (
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/wrapper"
)

// retryNotes shows what the client's retries are doing. A pause for LaunchDarkly's rate limit
// is progress, not trouble: on a terminal it shows on the status line ("waiting 12s for
// LaunchDarkly's rate limit"), in a pipe not at all (the command says how long they held it
// back only if it ends badly). A retry after a failure (a 503, a lost connection) is a note.
// Retries come as the wrapper's RetryEvents (RetryPolicy.OnRetry), the waits the client's
// pacing makes before sending as its PaceEvents (RetryPolicy.OnPace).
type retryNotes struct{ io *iostreams.IOStreams }

// pace reports a request the client holds back for a spent rate-limit window: a pause.
func (h retryNotes) pace(ev wrapper.PaceEvent) { h.io.WaitForRateLimit(ev.Wait) }

// retry reports a retry of the client's.
func (h retryNotes) retry(ev wrapper.RetryEvent) {
	if ev.StatusCode == 429 {
		h.io.WaitForRateLimit(ev.Wait)
		return
	}
	what := strconv.Itoa(ev.StatusCode) + " " + http.StatusText(ev.StatusCode)
	switch {
	case ev.Reason == "body cut short":
		what = "the answer was cut short"
	case ev.StatusCode == 0:
		what = "no response"
		if cause := noResponse(ev.Err); cause != "" {
			what += " (" + cause + ")"
		}
	}
	h.io.Notef("%s %s: %s; retrying in %s", ev.Method, ev.Path, what, iostreams.Duration(ev.Wait.Round(time.Millisecond)))
}

// noResponse says briefly why no response came, from the network's own error.
func noResponse(err error) string {
	var sys *os.SyscallError
	var op *net.OpError
	switch {
	case errors.As(err, &sys):
		return sys.Err.Error()
	case errors.As(err, &op) && op.Err != nil:
		return op.Err.Error()
	}
	return ""
}
