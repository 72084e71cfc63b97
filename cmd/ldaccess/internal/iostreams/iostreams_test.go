package iostreams

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClean(t *testing.T) {
	assert.Equal(t, "a[31mbc d", Clean("a\x1b[31mb\x00c\td", false))
	assert.Equal(t, "evil.exe", Clean("evil\u202e.exe", false), "a bidirectional override")
	assert.Equal(t, "api-1234", Clean("api-\u200b12\u00ad34", false), "characters that show as nothing")
	assert.Equal(t, "a\nb c", Clean("a\nb\rc", true))
	assert.Equal(t, "a b", Clean("a\nb", false))
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	var b strings.Builder
	s := New(strings.NewReader(""), io.Discard, &b)
	s.SetStderrTTY(true)
	s.Progress("", "members", 100, 500, true)
	s.Notef("hello")
	s.Progress("", "members", 500, 500, true)
	s.ClearProgress()
	assert.Equal(t, "members 100/500\r\x1b[Kldaccess: hello\nmembers 100/500\r\x1b[Kmembers 500/500\r\x1b[K", b.String(), "terminal")

	b.Reset()
	s = New(strings.NewReader(""), io.Discard, &b)
	s.Progress("", "members", 1, 2, true)
	s.Notef("x")
	s.ClearProgress()
	assert.Equal(t, "ldaccess: x\n", b.String(), "not a terminal")
}

// Concurrent reviews share one progress line, each account's progress beside the others', in
// the order they started.
func TestProgressOfSeveralAccounts(t *testing.T) {
	var b strings.Builder
	s := New(strings.NewReader(""), io.Discard, &b)
	s.SetStderrTTY(true)
	s.Progress("prod", "members", 10, 50, true)
	s.Progress("eu", "members", 3, 0, true)
	s.Progress("prod", "tokens", 2, 0, true)
	assert.Equal(t, []string{"prod: members 10/50", "prod: members 10/50 · eu: members 3", "prod: tokens 2 · eu: members 3"},
		strings.Split(b.String(), "\r\x1b[K"))
}

// A pause for the rate limit shows as progress on a terminal, while it lasts, and nothing in a
// pipe; either way it is counted, pauses at the same time once.
func TestRateLimitPausesAreProgress(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var b strings.Builder
	s := New(strings.NewReader(""), io.Discard, &b)
	s.status.now = func() time.Time { return now }
	s.SetStderrTTY(true)
	s.Progress("", "members", 1200, 5000, true)
	s.WaitForRateLimit(12 * time.Second)
	s.WaitForRateLimit(10 * time.Second) // another goroutine, the same window
	now = now.Add(12 * time.Second)
	s.Progress("", "members", 1300, 5000, true)
	assert.Equal(t, []string{"members 1200/5000", "waiting 12s for LaunchDarkly's rate limit (members 1200/5000)",
		"waiting 12s for LaunchDarkly's rate limit (members 1200/5000)", "members 1300/5000"},
		strings.Split(b.String(), "\r\x1b[K"))
	n, d := s.WaitedForRateLimit()
	assert.Equal(t, 2, n)
	assert.Equal(t, 12*time.Second, d, "the second pause was within the first")

	b.Reset()
	s = New(strings.NewReader(""), io.Discard, &b)
	s.WaitForRateLimit(400 * time.Millisecond)
	s.Progress("", "members", 1, 2, true)
	assert.Empty(t, b.String(), "not a terminal")
	n, d = s.WaitedForRateLimit()
	assert.Equal(t, 1, n)
	assert.Equal(t, 400*time.Millisecond, d)
}

// What goes to stdout never runs into the status line: it is cleared first, and the status
// line, cut to the terminal's width, never wraps.
func TestOutputClearsTheStatusLine(t *testing.T) {
	var term strings.Builder // stdout and stderr on one terminal
	s := New(strings.NewReader(""), &term, &term)
	s.SetStderrTTY(true)
	s.SetTerminalWidth(20)
	s.WaitForRateLimit(time.Minute)
	fmt.Fprintln(s.Out, "ID  EMAIL")
	assert.Equal(t, "waiting 1m for Lau…\r\x1b[KID  EMAIL\n", term.String())
}

// A note is one clean line, wrapped at spaces to a terminal's width.
func TestNotes(t *testing.T) {
	var b strings.Builder
	s := New(strings.NewReader(""), io.Discard, &b)
	s.Notef("token %s renamed", "a\x1b[2Jb")
	assert.Equal(t, "ldaccess: token a[2Jb renamed\n", b.String())
	b.Reset()
	s.SetStderrTTY(true)
	s.SetTerminalWidth(30)
	s.Notef("using an embedded fake LaunchDarkly account with 3000 members")
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		assert.LessOrEqual(t, DisplayWidth(l), 30, l)
	}
}

// A note quotes what a file or a server sent, which may be as long as they like: it is cut,
// saying how much more there was, never in the middle of a character or a secret.
func TestNotesAreCut(t *testing.T) {
	var b strings.Builder
	s := New(strings.NewReader(""), io.Discard, &b)
	secret := "api-0123456789abcdef"
	s.AddRedaction(func(x string) string { return strings.ReplaceAll(x, secret, "[REDACTED]") })
	note := func(format string, args ...any) string {
		b.Reset()
		s.Notef(format, args...)
		return strings.TrimSuffix(b.String(), "\n")
	}

	prefix := "plan.json: unknown ID "
	straddling := strings.Repeat("x", maxNote-len(prefix)-10) + secret + strings.Repeat("y", 1<<20) // the secret crosses the cut
	got := note("%s%s", prefix, straddling)
	assert.NotContains(t, got, secret[:8], "redacted before it is cut")
	assert.Regexp(t, `x\[REDACTED\]… \(1048576 bytes more\)$`, got)

	got = note("x%s", strings.Repeat("é", maxNote))
	assert.True(t, utf8.ValidString(got), "not cut inside a character")
	assert.Regexp(t, `é… \(\d+ bytes more\)$`, got)
	assert.LessOrEqual(t, len(got), len("ldaccess: ")+maxNote+len("… (8192 bytes more)"))

	assert.Equal(t, "ldaccess: short note", note("short %s", "note"))
}

func TestRedaction(t *testing.T) {
	var out strings.Builder
	s := New(strings.NewReader(""), &out, io.Discard)
	s.AddRedaction(func(x string) string { return strings.ReplaceAll(x, "secret-a", "[A]") })
	s.AddRedaction(func(x string) string { return strings.ReplaceAll(x, "secret-b", "[B]") })
	_, err := io.WriteString(s.Out, "secret-a and secret-b")
	require.NoError(t, err)
	assert.Equal(t, "[A] and [B]", out.String(), "every client's token")
	assert.Equal(t, "[B]", s.Redact("secret-b"))
}

func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{"y\n": true, "YES\n": true, "n\n": false, "\n": false, "": false, "nope\n": false} {
		var errb strings.Builder
		s := New(strings.NewReader(answer), io.Discard, &errb)
		got, err := Prompter{IO: s}.Confirm(context.Background(), "Delete \x1b[31mx\x1b[0m?")
		require.NoError(t, err)
		assert.Equal(t, want, got, "answer %q", answer)
		assert.True(t, strings.HasPrefix(errb.String(), "Delete [31mx[0m? [y/N] "), "the question, cleaned: %q", errb.String())
	}
}

// On a terminal a long question wraps at spaces, not in the middle of a word.
func TestConfirmWraps(t *testing.T) {
	var errb strings.Builder
	s := New(strings.NewReader("y\n"), io.Discard, &errb)
	s.SetStderrTTY(true)
	s.SetTerminalWidth(40)
	_, err := Prompter{IO: s}.Confirm(context.Background(), "Apply 392 actions: 16 delete-token, 348 remove-member to http://127.0.0.1:45267?")
	require.NoError(t, err)
	assert.Equal(t, "Apply 392 actions: 16 delete-token, 348\nremove-member to http://127.0.0.1:45267?\n[y/N] ", errb.String())
}

// The question ends when the command's context does: an interrupt while waiting.
func TestConfirmEndsWithTheContext(t *testing.T) {
	pr, pw := io.Pipe() // stdin that never answers
	defer pw.Close()
	s := New(pr, io.Discard, io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Prompter{IO: s}.Confirm(ctx, "Delete?")
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		require.Fail(t, "Confirm did not return")
	}
}

func TestPasswordFromAPipe(t *testing.T) {
	s := New(strings.NewReader("  api-x\nrest"), io.Discard, io.Discard)
	got, err := Prompter{IO: s}.Password("token: ")
	require.NoError(t, err)
	assert.Equal(t, "  api-x\n", got)
	_, err = Prompter{IO: New(strings.NewReader(""), io.Discard, io.Discard)}.Password("token: ")
	assert.EqualError(t, err, "stdin is empty")
}

// A CSV field never reads as a formula in a spreadsheet (OWASP's CSV injection starts), and
// is cleaned as every cell is.
func TestCleanCSV(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil")`: `'=HYPERLINK("http://evil")`,
		"+1+cmd|' /C calc'!A0":      "'+1+cmd|' /C calc'!A0",
		"-2+3":                      "'-2+3",
		"@SUM(A1)":                  "'@SUM(A1)",
		"\t=1+1":                    "' =1+1",
		"\r=1+1":                    "' =1+1",
		"  =1":                      "'  =1",
		"\x1b=1":                    "'=1",
		"\u202e=1":                  "'=1",
		"a=b":                       "a=b",
		"alice@example.com":         "alice@example.com",
		"2026-06-01T12:00:00Z":      "2026-06-01T12:00:00Z",
		"two\nlines":                "two\nlines",
		"":                          "",
	} {
		assert.Equal(t, want, CleanCSV(in), "%q", in)
	}
}
