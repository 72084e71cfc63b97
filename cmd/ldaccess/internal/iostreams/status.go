package iostreams

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ldaccess/ldaccess/review"
)

// status is the notes and the status line on stderr. The status line shows progress
// ("members 1200/5000") and pauses for LaunchDarkly's rate limit ("waiting 12s for
// LaunchDarkly's rate limit (members 1200/5000)"). It is drawn only on a terminal, and is
// cleared before any note and before anything is written to stdout, so that neither runs
// into it. When several accounts are reviewed at once it shows each one's progress side by
// side ("prod: members 1200/5000 · eu: tokens 12"). It is safe for concurrent use: the
// client's retries and concurrent reviews report from other goroutines.
type status struct {
	s     *IOStreams
	mu    sync.Mutex
	drawn bool // the status line is on screen
	last  time.Time
	// accounts and parts hold each account's progress, in the order they started.
	accounts []string
	parts    map[string]string
	// pause is the rate-limit wait in force until pauseUntil; waits and waited count them
	// all (WaitedForRateLimit).
	pause      string
	pauseUntil time.Time
	waits      int
	waited     time.Duration
	now        func() time.Time
}

// Notef prints one note line on stderr, "ldaccess: " first, cleaned (a note may quote a
// server: a token's name) and, on a terminal, wrapped at spaces to its width.
func (s *IOStreams) Notef(format string, args ...any) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	fmt.Fprint(s.ErrOut, Wrap("ldaccess: "+s.noteText(fmt.Sprintf(format, args...)), s.ErrTerminalWidth())+"\n")
	st.drawLocked()
}

// maxNote is the most of a note printed: a note quotes what it is about (a plan's ID, a
// server's message), and a file or a server can make that as long as it likes.
const maxNote = 4 << 10

// noteText is a note as printed: redacted, cleaned, and cut to maxNote bytes, saying how much
// more there was. Redaction comes first, so that no cut leaves part of a secret to be seen.
func (s *IOStreams) noteText(note string) string {
	note = Clean(s.Redact(note), false)
	if len(note) <= maxNote {
		return note
	}
	cut := maxNote
	for !utf8.RuneStart(note[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes more)", note[:cut], len(note)-cut)
}

// NoteCommand prints a note that ends with a command for the user to run: the note as Notef
// prints it, then the command on a line of its own, indented and never wrapped (broken where
// a terminal is narrow, a pasted command would run as two).
func (s *IOStreams) NoteCommand(note, command string) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	fmt.Fprint(s.ErrOut, Wrap("ldaccess: "+s.noteText(note), s.ErrTerminalWidth())+"\n    "+Clean(command, false)+"\n")
	st.drawLocked()
}

// Progress shows "label n/total" (or "label n" without a total) for account ("" when there is
// one), at most every 50ms unless final. It does nothing when stderr is not a terminal.
func (s *IOStreams) Progress(account, label string, n, total int, final bool) {
	if !s.stderrTTY {
		return
	}
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	if !final && st.clock().Sub(st.last) < 50*time.Millisecond {
		return
	}
	st.last = st.clock()
	part := fmt.Sprintf("%s %d", label, n)
	if total > 0 {
		part = fmt.Sprintf("%s %d/%d", label, n, total)
	}
	if account != "" {
		part = Clean(account, false) + ": " + part
	}
	if st.parts == nil {
		st.parts = map[string]string{}
	}
	if _, ok := st.parts[account]; !ok {
		st.accounts = append(st.accounts, account)
	}
	st.parts[account] = part
	st.clearLocked()
	st.drawLocked()
}

// WaitForRateLimit reports a pause of d for LaunchDarkly's rate limit: on a terminal it shows
// on the status line, as progress ("waiting 12s for LaunchDarkly's rate limit"), until d has
// passed; elsewhere nothing shows. Either way it is counted, for WaitedForRateLimit.
func (s *IOStreams) WaitForRateLimit(d time.Duration) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.clock()
	until := now.Add(d)
	st.waits++
	st.waited += max(until.Sub(later(now, st.pauseUntil)), 0) // waits at once count once
	if until.After(st.pauseUntil) {
		st.pauseUntil = until
		st.pause = "waiting " + roundWait(d) + " for LaunchDarkly's rate limit"
	}
	if s.stderrTTY {
		st.clearLocked()
		st.drawLocked()
	}
}

// WaitedForRateLimit is how many times the command paused for LaunchDarkly's rate limit, and
// how long that held it back in all (pauses at the same time count once).
func (s *IOStreams) WaitedForRateLimit() (int, time.Duration) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.waits, st.waited
}

// Duration writes d as the duration flags take it: "90d", "2h", "5m", "90m30s", "300ms".
func Duration(d time.Duration) string {
	s := review.FormatAge(d)
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// roundWait writes a wait as people read it: "12s", "1m", "400ms".
func roundWait(d time.Duration) string {
	if d < time.Second {
		return Duration(d.Round(100 * time.Millisecond))
	}
	return Duration(d.Round(time.Second))
}

func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

// ClearProgress removes the status line for good.
func (s *IOStreams) ClearProgress() {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	st.accounts, st.parts = nil, nil
	st.pause, st.pauseUntil = "", time.Time{}
}

// clearForOutput takes the status line off the screen before something is written to stdout;
// the next update draws it again.
func (st *status) clearForOutput() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
}

func (st *status) clock() time.Time {
	if st.now != nil {
		return st.now()
	}
	return time.Now()
}

// line is what the status line says: the progress, and a rate-limit pause while it lasts.
func (st *status) line() string {
	parts := make([]string, len(st.accounts))
	for i, a := range st.accounts {
		parts[i] = st.parts[a]
	}
	progress := strings.Join(parts, " · ")
	if st.pause == "" || !st.clock().Before(st.pauseUntil) {
		return progress
	}
	if progress == "" {
		return st.pause
	}
	return st.pause + " (" + progress + ")"
}

func (st *status) clearLocked() {
	if st.drawn {
		fmt.Fprint(st.s.ErrOut, "\r\x1b[K")
		st.drawn = false
	}
}

// drawLocked draws the status line, cut to the terminal's width: a line that wrapped could
// not be cleared.
func (st *status) drawLocked() {
	line := st.line()
	if !st.s.stderrTTY || line == "" {
		return
	}
	if w := st.s.ErrTerminalWidth(); w > 1 {
		line = Truncate(line, w-1)
	}
	fmt.Fprint(st.s.ErrOut, line)
	st.drawn = true
}

// Wrap breaks text into lines of at most width columns at spaces (a word longer than a line
// stays whole); width 0 leaves it as it is.
func Wrap(text string, width int) string {
	if width <= 0 || DisplayWidth(text) <= width {
		return text
	}
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(text, " ") {
		w := DisplayWidth(word)
		switch {
		case i == 0:
		case line+1+w > width:
			b.WriteString("\n")
			line = 0
		default:
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += w
	}
	return b.String()
}
