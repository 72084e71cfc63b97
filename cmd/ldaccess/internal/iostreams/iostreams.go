// Package iostreams is what the ldaccess command reads and writes: its standard streams, what
// is known about the terminal they are open on, the redaction every byte written passes
// through, the notes and the progress line on stderr, the questions it asks, and Clean, the
// one cleaning step for text a server sent before it is shown.
package iostreams

import (
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/tokenshape"
	"github.com/ldaccess/ldaccess/wrapper"
)

// IOStreams are a run's standard streams and the facts about them. Out and ErrOut redact the
// tokens of every client the run made (AddRedaction) from each write, as a whole: whatever
// prints what a server sent writes it in one piece (the renderer does), so that no write
// boundary splits a token. ErrOut, where errors, notes and questions go, also redacts
// anything shaped like an access token (package tokenshape): no error can quote a token the
// command was not told of, such as one pasted as a flag's value. Out does not: a new secret
// (tokens create, reset) is printed there on purpose.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	outWidth, errWidth             func() int
	outHeight                      func() int
	// rawOut is stdout itself, for a pager that draws on the terminal; pager is its command
	// line ("" for none).
	rawOut io.Writer
	pager  string

	redactMu sync.Mutex
	redact   func(string) string

	status status
}

// New returns streams on in, out and errOut, none of them a terminal: what a pipe gets, and
// what tests start from (SetStdinTTY and its siblings say otherwise).
func New(in io.Reader, out, errOut io.Writer) *IOStreams {
	s := &IOStreams{In: in, outWidth: zero, errWidth: zero, outHeight: zero, rawOut: out}
	s.Out = &redactingWriter{w: out, s: s, stdout: true}
	s.ErrOut = &redactingWriter{w: errOut, s: s, shapes: true}
	s.status.s = s
	return s
}

// System returns the process's streams, with what the terminal says about them, and the
// pager the environment names: LDACCESS_PAGER, else PAGER, else less ("" or cat: none).
func System() *IOStreams {
	s := New(os.Stdin, os.Stdout, os.Stderr)
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = isTerminal(os.Stdin), isTerminal(os.Stdout), isTerminal(os.Stderr)
	s.outWidth = func() int { w, _ := size(os.Stdout); return w }
	s.errWidth = func() int { w, _ := size(os.Stderr); return w }
	s.outHeight = func() int { _, h := size(os.Stdout); return h }
	s.pager = "less"
	for _, name := range []string{"PAGER", "LDACCESS_PAGER"} {
		if v, ok := os.LookupEnv(name); ok {
			s.pager = v
		}
	}
	return s
}

func zero() int { return 0 }

// SetStdinTTY says whether stdin is a terminal (the user can be asked).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// SetStdoutTTY says whether stdout is a terminal (tables are fitted to it).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// SetStderrTTY says whether stderr is a terminal (the progress line is drawn).
func (s *IOStreams) SetStderrTTY(tty bool) { s.stderrTTY = tty }

// SetTerminalWidth fixes the width of the terminal stdout and stderr are open on.
func (s *IOStreams) SetTerminalWidth(columns int) {
	s.outWidth = func() int { return columns }
	s.errWidth = s.outWidth
}

// TerminalHeight is the height in lines of the terminal stdout is open on, 0 when it is not
// one or the height is unknown.
func (s *IOStreams) TerminalHeight() int {
	if !s.stdoutTTY {
		return 0
	}
	return s.outHeight()
}

// Pager is the command line long output goes through on a terminal, "" for none.
func (s *IOStreams) Pager() string {
	if s.pager == "cat" {
		return ""
	}
	return s.pager
}

// Terminal is stdout itself, without the redaction in front of it: for a pager, which is
// given text already redacted.
func (s *IOStreams) Terminal() io.Writer { return s.rawOut }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked a question: stdin is a terminal.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY }

// TerminalWidth is the width in columns of the terminal stdout is open on, 0 when it is not
// one or the width is unknown.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY {
		return 0
	}
	return s.outWidth()
}

// ErrTerminalWidth is TerminalWidth for stderr.
func (s *IOStreams) ErrTerminalWidth() int {
	if !s.stderrTTY {
		return 0
	}
	return s.errWidth()
}

// AddRedaction adds a client's redaction to what the streams redact, keeping those added
// before: with several accounts, every account's token is kept out.
func (s *IOStreams) AddRedaction(redact func(string) string) {
	s.redactMu.Lock()
	defer s.redactMu.Unlock()
	if prev := s.redact; prev != nil {
		s.redact = func(x string) string { return redact(prev(x)) }
		return
	}
	s.redact = redact
}

// AddSecret keeps a secret the run has received (a token's new one) out of everything the
// streams print from now on, as a client's token is: wrapper.Redact's rule. A secret of four
// characters or fewer is not one: LaunchDarkly shows that much of every token.
func (s *IOStreams) AddSecret(secret string) {
	if len(secret) > 4 {
		s.AddRedaction(func(x string) string { return wrapper.Redact(x, secret) })
	}
}

// Redact is text with the tokens of the run's clients redacted: for what the command writes
// elsewhere than its streams (a plan file).
func (s *IOStreams) Redact(text string) string {
	s.redactMu.Lock()
	redact := s.redact
	s.redactMu.Unlock()
	if redact == nil {
		return text
	}
	return redact(text)
}

// redactingWriter is Out or ErrOut: each write redacted as a whole; with shapes, anything
// shaped like a token too. A write to stdout first takes the status line off the terminal
// (stdout and stderr share it).
type redactingWriter struct {
	w      io.Writer
	s      *IOStreams
	shapes bool
	stdout bool
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	if r.stdout {
		r.s.status.clearForOutput()
	}
	red := r.s.Redact(string(p))
	if r.shapes {
		red = tokenshape.Redact(red)
	}
	if red != string(p) {
		_, err := io.WriteString(r.w, red)
		return len(p), err
	}
	return r.w.Write(p)
}

// isTerminal reports whether f is open on a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// size is the width and height of the terminal f is open on, or 0s.
func size(f *os.File) (width, height int) {
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return w, h
}
