package connect

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// retryNotes turns the client's debug log of retries and rate-limit waits into notes on
// stderr, so that the backoff is visible. Other records are dropped.
type retryNotes struct{ io *iostreams.IOStreams }

func (h retryNotes) Enabled(context.Context, slog.Level) bool { return true }
func (h retryNotes) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h retryNotes) WithGroup(string) slog.Handler            { return h }

func (h retryNotes) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value.Resolve()
		return true
	})
	str := func(k string) string {
		if v, ok := attrs[k]; ok {
			return v.String()
		}
		return ""
	}
	wait := ""
	if v, ok := attrs["wait"]; ok && v.Kind() == slog.KindDuration {
		wait = v.Duration().Round(time.Millisecond).String()
	}
	req := strings.TrimSpace(str("method") + " " + str("path"))
	switch {
	case strings.Contains(r.Message, "retrying"):
		what := "status " + str("status")
		switch str("status") {
		case "", "0":
			what = "no response"
		case "429":
			what = "rate limited"
		}
		h.io.Notef("%s: %s; retrying in %s (attempt %s)", req, what, wait, str("attempt"))
	case strings.Contains(r.Message, "waiting"):
		h.io.Notef("%s: rate limit reached; pausing %s until the window resets", req, wait)
	}
	return nil
}
