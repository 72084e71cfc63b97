package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedact(t *testing.T) {
	// testToken is "api-SECRET-0000-test".
	for _, tt := range []struct{ name, in, want string }{
		{"no token", "nothing to see", "nothing to see"},
		{"the token", "bad token " + testToken + ".", "bad token [REDACTED]."},
		{"a prefix of 8", "got api-SECR…", "got [REDACTED]…"},
		{"a run of 8 inside", "x-SECRET-0y", "x[REDACTED]y"},
		{"7 characters are not a run", "api-SEC", "api-SEC"},
		{"two runs", "api-SECRET and 0000-test", "[REDACTED] and [REDACTED]"},
		{"the token twice, touching", testToken + testToken, "[REDACTED]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, testCred().redact(tt.in))
		})
	}
}

func TestCleanRedactsAfterCleanUpAndBeforeCutting(t *testing.T) {
	c := testCred()
	for _, tt := range []struct {
		name, in string
		n        int
	}{
		{"a DEL inside the token", "invalid api-SECRET\x7f-0000-test", 100},
		{"a NUL inside the token", "api-SEC\x00RET-0000-test", 100},
		{"an invalid UTF-8 byte inside the token", "api-SECRET-\xff0000-test", 100},
		{"a control character every 7 characters", "api-SEC\x01RET-000\x020-test", 100},
		{"cut inside the token", "token: " + testToken, 15},
		{"cut just past the start of a run", "0123456789api-SECRET", 13},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := c.clean(tt.in, tt.n)
			assert.LessOrEqual(t, len(got), tt.n)
			assert.Empty(t, tokenRun(testToken, got), "%q", got)
		})
	}
	assert.Equal(t, "éé", c.clean("ééé", 5), "cut on a rune boundary")
}

// tokenRun returns a run of 8 characters of token that s contains, or "".
func tokenRun(token, s string) string {
	for i := 0; i+minRun <= len(token); i++ {
		if r := token[i : i+minRun]; strings.Contains(s, r) {
			return r
		}
	}
	return ""
}

// hidingError wraps an error without showing its text.
type hidingError struct{ err error }

func (e hidingError) Error() string { return "something failed" }
func (e hidingError) Unwrap() error { return e.err }

// timeoutError is a net.Error timeout whose text quotes a server.
type timeoutError struct{ msg string }

func (e timeoutError) Error() string   { return e.msg }
func (e timeoutError) Timeout() bool   { return true }
func (e timeoutError) Temporary() bool { return true }
func (e timeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded
}

func TestSanitizeKeepsTheChainUseful(t *testing.T) {
	c := testCred()
	sentinel := errors.New("sentinel")
	leak := errors.New("server said " + testToken)

	t.Run("a clean error is returned as it is", func(t *testing.T) {
		err := fmt.Errorf("wrapped: %w", sentinel)
		assert.Same(t, err, c.sanitize(err))
	})
	for _, tt := range []struct {
		name  string
		err   error
		is    []error
		check func(t *testing.T, err error)
	}{
		{name: "a sentinel below a leaking link", err: fmt.Errorf("%w: %w", leak, sentinel), is: []error{sentinel}},
		{name: "a context error below a leaking link", err: fmt.Errorf("read %s: %w", testToken, context.DeadlineExceeded), is: []error{context.DeadlineExceeded}},
		{name: "a leak hidden below a clean-looking link", err: hidingError{leak}},
		{name: "a leaking net.Error timeout", err: fmt.Errorf("x: %w", timeoutError{"timeout reading " + testToken}),
			is: []error{context.DeadlineExceeded},
			check: func(t *testing.T, err error) {
				var ne net.Error
				require.ErrorAs(t, err, &ne)
				assert.True(t, ne.Timeout())
			}},
		{name: "a *url.Error with the token in its URL and error", err: &url.Error{Op: "Get", URL: "https://x/" + testToken, Err: timeoutError{testToken}},
			is: []error{context.DeadlineExceeded},
			check: func(t *testing.T, err error) {
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				assert.True(t, ue.Timeout(), "*url.Error's kind is kept")
				assert.Equal(t, "Get", ue.Op)
			}},
		{name: "os.ErrDeadlineExceeded and io.ErrUnexpectedEOF", err: fmt.Errorf("%s: %w (%w)", testToken, os.ErrDeadlineExceeded, io.ErrUnexpectedEOF),
			is: []error{os.ErrDeadlineExceeded, io.ErrUnexpectedEOF}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := c.sanitize(tt.err)
			for e := got; e != nil; e = errors.Unwrap(e) {
				assert.Empty(t, tokenRun(testToken, e.Error()), "link %T: %q", e, e.Error())
				assert.Empty(t, tokenRun(testToken, fmt.Sprintf("%+v %#v", e, e)))
			}
			for _, target := range tt.is {
				assert.ErrorIs(t, got, target)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestSecretSuffixIsWhatLaunchDarklyShows(t *testing.T) {
	c, err := New(testToken)
	require.NoError(t, err)
	assert.Equal(t, "test", c.SecretSuffix(), "the last four characters, as a token's obfuscated secret")
}
