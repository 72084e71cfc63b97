package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// statusWriter prints notes and a progress line on stderr. The progress line ("members
// 1200/5000") is drawn only on a terminal and is cleared before any note, so notes and progress
// never run into each other. When several accounts are reviewed at once it shows each one's
// progress side by side ("prod: members 1200/5000 · eu: tokens 12"). It is safe for concurrent
// use: the client's retry callbacks and concurrent reviews print from other goroutines.
type statusWriter struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	progress string // the progress line on screen, if any
	last     time.Time
	// accounts and parts hold each account's progress, in the order they started.
	accounts []string
	parts    map[string]string
}

// notef prints one note line.
func (s *statusWriter) notef(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	// A note may quote a server (a token's name): it is one clean line.
	fmt.Fprintf(s.w, "ldaccess: %s\n", visible(fmt.Sprintf(format, args...), false))
	s.drawLocked()
}

// setProgress shows "label n/total" (or "label n" without a total), at most every 50ms unless
// final is true. It does nothing when stderr is not a terminal.
func (s *statusWriter) setProgress(label string, n, total int, final bool) {
	s.setAccountProgress("", label, n, total, final)
}

// setAccountProgress is setProgress for one of several accounts ("" for the only one).
func (s *statusWriter) setAccountProgress(account, label string, n, total int, final bool) {
	if !s.tty {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !final && time.Since(s.last) < 50*time.Millisecond {
		return
	}
	s.last = time.Now()
	s.clearLocked()
	part := fmt.Sprintf("%s %d", label, n)
	if total > 0 {
		part = fmt.Sprintf("%s %d/%d", label, n, total)
	}
	if account != "" {
		part = account + ": " + part
	}
	if s.parts == nil {
		s.parts = map[string]string{}
	}
	if _, ok := s.parts[account]; !ok {
		s.accounts = append(s.accounts, account)
	}
	s.parts[account] = part
	parts := make([]string, len(s.accounts))
	for i, a := range s.accounts {
		parts[i] = s.parts[a]
	}
	s.progress = strings.Join(parts, " · ")
	s.drawLocked()
}

// clear removes the progress line for good.
func (s *statusWriter) clear() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	s.progress = ""
	s.accounts, s.parts = nil, nil
}

func (s *statusWriter) clearLocked() {
	if s.tty && s.progress != "" {
		fmt.Fprint(s.w, "\r\x1b[K")
	}
}

func (s *statusWriter) drawLocked() {
	if s.tty && s.progress != "" {
		fmt.Fprint(s.w, s.progress)
	}
}

// progressAccountKey marks a context as fetching one of several accounts, for the progress line.
type progressAccountKey struct{}

// withProgressAccount names the account whose progress work under ctx reports.
func withProgressAccount(ctx context.Context, account string) context.Context {
	return context.WithValue(ctx, progressAccountKey{}, account)
}

// progressAccount is the account withProgressAccount named, or "".
func progressAccount(ctx context.Context) string {
	s, _ := ctx.Value(progressAccountKey{}).(string)
	return s
}

// retryLogHandler turns the client's debug log of retries and rate-limit waits into notes on
// stderr, so that the backoff is visible. Other records are dropped.
type retryLogHandler struct{ s *statusWriter }

func (h retryLogHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h retryLogHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h retryLogHandler) WithGroup(string) slog.Handler            { return h }

func (h retryLogHandler) Handle(_ context.Context, r slog.Record) error {
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
		h.s.notef("%s: %s; retrying in %s (attempt %s)", req, what, wait, str("attempt"))
	case strings.Contains(r.Message, "waiting"):
		h.s.notef("%s: rate limit reached; pausing %s until the window resets", req, wait)
	}
	return nil
}
