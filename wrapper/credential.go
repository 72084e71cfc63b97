package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// credential is the access token and the only value that holds it. Everything the token
// touches goes through it: it stamps the headers of requests for the client's scheme and
// host, takes Authorization off requests for any other (net/http forwards it on a redirect to
// another port or a subdomain), and redacts the token from every piece of text a server or a
// library produced before that text reaches an error, a [RetryEvent] or a log record. Every
// holder has it behind a pointer, so that even reflection-based printing of a struct holding
// one shows only an address.
type credential struct {
	origin *url.URL
	// The header values every request carries, made once and shared by all requests
	// (net/http never modifies a request's header values). auth is the token.
	auth, version, userAgent, accept []string
}

const redacted = "[REDACTED]"

// minRun is the shortest run of the token's characters that redaction removes: a server
// that echoes the token cut short, or broken by a byte clean-up removes, still has it redacted.
const minRun = 8

func newCredential(token string, origin *url.URL, apiVersion, userAgent string) *credential {
	return &credential{origin: origin, auth: []string{token}, version: []string{apiVersion},
		userAgent: []string{userAgent}, accept: []string{"application/json"}}
}

func (*credential) String() string             { return redacted }
func (*credential) GoString() string           { return redacted }
func (*credential) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }
func (*credential) LogValue() slog.Value       { return slog.StringValue(redacted) }

// stamp sets the headers of an authenticated request, keeping a version or Accept the request
// already asked for.
func (c *credential) stamp(h http.Header) {
	h["Authorization"] = c.auth
	if first(h, "Ld-Api-Version") == "" {
		h["Ld-Api-Version"] = c.version
	}
	if first(h, "Accept") == "" {
		h["Accept"] = c.accept
	}
	h["User-Agent"] = c.userAgent
}

// authorize returns req as it may be sent: stamped for the client's origin, without
// Authorization for any other. A request already stamped (the client's own methods stamp
// theirs as they build them) is not copied.
func (c *credential) authorize(req *http.Request) *http.Request {
	h := req.Header
	if !ownOrigin(c.origin, req.URL) {
		if _, ok := h["Authorization"]; ok {
			req = req.Clone(req.Context()) // a RoundTripper must not modify its request
			req.Header.Del("Authorization")
		}
		return req
	}
	if first(h, "Authorization") == c.auth[0] && first(h, "Ld-Api-Version") != "" && first(h, "User-Agent") != "" {
		return req
	}
	req = req.Clone(req.Context())
	c.stamp(req.Header)
	return req
}

// clean is the one way text a server or a library produced gets into an error, an event or a
// log record: control characters and invalid UTF-8 dropped and white space collapsed, so that
// a byte slipped into an echoed token does not hide it; then every run of the token's
// characters redacted; then cut to at most n bytes, so that no cut leaves a prefix of the
// token behind.
func (c *credential) clean(s string, n int) string {
	s = c.redact(printable(s, n+minRun)) // a run that starts before byte n ends before n+minRun
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ")
}

// redact replaces the token, and every run of minRun or more of its characters (the whole
// token, if it is shorter), with [REDACTED].
func (c *credential) redact(s string) string { return Redact(s, c.auth[0]) }

// Redact returns s with secret, and every run of 8 or more of its characters, replaced by
// [REDACTED]: the rule by which a [Client] keeps its token out of everything it returns and
// logs ([Client.Redact] applies it with the client's token). Characters that show as nothing
// (control and format characters, such as NUL, escape or a zero-width space) do not break a
// run, so that a secret split by them, which would read whole, is found too; nor do their
// escapes in JSON (\u200b, \n), which a program reading the JSON decodes into them.
func Redact(s, secret string) string {
	w := min(minRun, len(secret))
	if w == 0 {
		return s
	}
	// shown is s without what shows as nothing; at[k] is where shown[k] is in s. The secret
	// is ASCII (New refuses any other), so a byte of shown is a character of the secret or
	// cannot be one.
	shown, at := make([]byte, 0, len(s)), make([]int, 0, len(s))
	for i := 0; i < len(s); {
		if n := invisible(s[i:]); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= utf8.RuneSelf {
			r = utf8.RuneError // in no secret; keeps one byte for one character
		}
		shown, at = append(shown, byte(r)), append(at, i)
		i += size
	}
	sec := []byte(secret)
	var b strings.Builder
	done, end := 0, -1 // s[:done] is dealt with; the last redacted run ends at s[end]
	for k := 0; k+w <= len(shown); k++ {
		if !bytes.Contains(sec, shown[k:k+w]) {
			continue
		}
		from, to := at[k], at[k+w-1]+1
		if from > end {
			b.WriteString(s[done:from])
			b.WriteString(redacted)
		}
		end, done = to, to
	}
	if end < 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// invisible is the length of what s starts with that shows as nothing: a control or format
// character (or an encoding error), or such a character's escape in a JSON string (a \u
// escape of one, or of half of a surrogate pair, or \b \f \n \r \t); 0 if s starts with
// anything else.
func invisible(s string) int {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case size == 0:
		return 0
	case textsafe.Harmful(r):
		return size
	case r != '\\' || len(s) < 2:
		return 0
	case strings.IndexByte("bfnrt", s[1]) >= 0:
		return 2
	case s[1] != 'u' || len(s) < 6:
		return 0
	}
	v, err := strconv.ParseUint(s[2:6], 16, 32)
	if err != nil || !(textsafe.Harmful(rune(v)) || utf16.IsSurrogate(rune(v))) {
		return 0
	}
	return 6
}

// sanitize returns err with every link of its chain whose text holds a run of the token
// replaced by a redacted stand-in, so that no error the client returns or reports wraps one
// that would print the token. Clean links, with all they wrap, are kept as they are, so that
// errors.Is and errors.As still find sentinels, context errors, *net.OpError and the like; a
// *url.Error is rebuilt rather than replaced, and a stand-in keeps its original's Timeout()
// and the sentinels of kinds it matched.
func (c *credential) sanitize(err error) error {
	err, _ = c.sanitized(err)
	return err
}

// kinds are the sentinels a stand-in keeps matching when its original matched them through
// its own Is method (net/http's timeout errors do), not through a link that is kept.
var kinds = []error{context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, io.ErrUnexpectedEOF, errBodyTooLarge}

func (c *credential) sanitized(err error) (error, bool) {
	if err == nil {
		return nil, false
	}
	var wrapped []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if w := u.Unwrap(); w != nil {
			wrapped = []error{w}
		}
	case interface{ Unwrap() []error }:
		wrapped = slices.Clone(u.Unwrap())
	}
	changed := false
	for i, w := range wrapped {
		var ch bool
		wrapped[i], ch = c.sanitized(w)
		changed = changed || ch
	}
	msg := err.Error()
	msg = printable(msg, len(msg))
	red := c.redact(msg)
	if !changed && red == msg {
		return err, false
	}
	inner := errors.Join(wrapped...)
	if len(wrapped) == 1 {
		inner = wrapped[0]
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: c.clean(ue.URL, 4*maxPath), Err: inner}, true
	}
	e := &redactedError{msg: red, err: inner}
	var te interface{ Timeout() bool }
	e.timeout = errors.As(err, &te) && te.Timeout()
	for _, k := range kinds {
		if errors.Is(err, k) {
			e.is = append(e.is, k)
		}
	}
	return e, true
}

// redactedError stands in for a link of an error chain whose text held the token: it has the
// original's text redacted, and wraps the sanitised rest of the chain.
type redactedError struct {
	msg     string
	err     error
	timeout bool
	is      []error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Unwrap() error        { return e.err }
func (e *redactedError) Timeout() bool        { return e.timeout }
func (e *redactedError) Temporary() bool      { return e.timeout }
func (e *redactedError) Is(target error) bool { return slices.Contains(e.is, target) }

// first is h.Get for a key already in canonical form, without canonicalising it again.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// printable returns s with control and format characters and invalid UTF-8 dropped, runs of
// white space collapsed, and at most n bytes long, so that an error message stays one readable
// line.
func printable(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if textsafe.Harmful(r) {
			continue // shows as nothing, or acts on a terminal
		}
		size := utf8.RuneLen(r)
		if space {
			size++
		}
		if b.Len()+size > n {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
