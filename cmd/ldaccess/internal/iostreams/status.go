package iostreams

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// status is the notes and the progress line on stderr. The progress line ("members
// 1200/5000") is drawn only on a terminal and is cleared before any note, so notes and progress
// never run into each other. When several accounts are reviewed at once it shows each one's
// progress side by side ("prod: members 1200/5000 · eu: tokens 12"). It is safe for concurrent
// use: the client's retry notes and concurrent reviews print from other goroutines.
type status struct {
	s        *IOStreams
	mu       sync.Mutex
	progress string // the progress line on screen, if any
	last     time.Time
	// accounts and parts hold each account's progress, in the order they started.
	accounts []string
	parts    map[string]string
}

// Notef prints one note line on stderr, "ldaccess: " first, cleaned (a note may quote a
// server: a token's name) and, on a terminal, wrapped at spaces to its width.
func (s *IOStreams) Notef(format string, args ...any) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	fmt.Fprint(s.ErrOut, Wrap("ldaccess: "+Clean(fmt.Sprintf(format, args...), false), s.ErrTerminalWidth())+"\n")
	st.drawLocked()
}

// NoteCommand prints a note that ends with a command for the user to run: the note as Notef
// prints it, then the command on a line of its own, indented and never wrapped (broken where
// a terminal is narrow, a pasted command would run as two).
func (s *IOStreams) NoteCommand(note, command string) {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	fmt.Fprint(s.ErrOut, Wrap("ldaccess: "+Clean(note, false), s.ErrTerminalWidth())+"\n    "+Clean(command, false)+"\n")
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
	if !final && time.Since(st.last) < 50*time.Millisecond {
		return
	}
	st.last = time.Now()
	st.clearLocked()
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
	parts := make([]string, len(st.accounts))
	for i, a := range st.accounts {
		parts[i] = st.parts[a]
	}
	st.progress = strings.Join(parts, " · ")
	st.drawLocked()
}

// ClearProgress removes the progress line for good.
func (s *IOStreams) ClearProgress() {
	st := &s.status
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clearLocked()
	st.progress = ""
	st.accounts, st.parts = nil, nil
}

func (st *status) clearLocked() {
	if st.s.stderrTTY && st.progress != "" {
		fmt.Fprint(st.s.ErrOut, "\r\x1b[K")
	}
}

func (st *status) drawLocked() {
	if st.s.stderrTTY && st.progress != "" {
		fmt.Fprint(st.s.ErrOut, st.progress)
	}
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
