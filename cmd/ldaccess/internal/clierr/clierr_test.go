package clierr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/wrapper"
)

func TestDescribe(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		err  error
		want string
	}{
		{&wrapper.APIError{StatusCode: 404, Code: "not_found", Message: "Unknown resource identifier", RequestID: "abc", Method: "GET", Path: "/api/v2/tokens/x"},
			"404 not_found: Unknown resource identifier (request id abc)"},
		{fmt.Errorf("listing members: %w", &wrapper.APIError{StatusCode: 401, Code: "unauthorized", Message: "Invalid access token"}),
			"401 unauthorized: Invalid access token"},
		{&wrapper.APIError{StatusCode: 502, Message: "<html>\n bad\tgateway </html>"}, "502: <html> bad gateway </html>"},
		{&wrapper.APIError{StatusCode: 400, Code: "email_already_exists_in_account", Message: "taken", InvalidEmails: []string{"a@x.io"}},
			"400 email_already_exists_in_account: taken [a@x.io]"},
		{fmt.Errorf("ldaccess: getMembers: %w", refused), "cannot connect to 127.0.0.1:1: connection refused"},
		{fmt.Errorf("ldaccess: getMembers: %w", &net.DNSError{Name: "ld.example.invalid", Err: "no such host", IsNotFound: true}),
			"cannot find the host ld.example.invalid (no such host): check --base-url or --instance"},
		{&wrapper.RateLimitError{Method: "GET", Path: "/api/v2/members", Wait: 90 * time.Second, Reset: time.Date(2026, 6, 1, 12, 1, 30, 0, time.UTC)},
			"LaunchDarkly's rate limit on GET /api/v2/members resets in 1m30s (12:01:30 UTC), longer than ldaccess waits: try again then"},
		{errors.New("ldaccess: decoding response: want a JSON object"), "decoding response: want a JSON object"},
		{errors.New(strings.Repeat("x", 600)), strings.Repeat("x", 500) + "…"},
		{context.Canceled, "interrupted"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Describe(tt.err))
	}
}

// When --timeout runs out, or a rate-limit wait would outlast it, the error names --timeout,
// not the library's "rate limited after 0 attempt(s) … deadline".
func TestTimeoutNamesTheFlag(t *testing.T) {
	ctx, cancel := WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// The library refused to wait for a rate limit's reset past the deadline.
	refused := &wrapper.RateLimitError{Method: "GET", Path: "/api/v2/members", Wait: 42 * time.Second, Err: context.DeadlineExceeded}
	err := FromRun(ctx, fmt.Errorf("listing members: %w", refused))
	var to *Timeout
	require.ErrorAs(t, err, &to)
	assert.Equal(t, ExitError, Code(err))
	assert.Equal(t, "LaunchDarkly's rate limit on GET /api/v2/members resets in 42s, later than --timeout 2s allows: "+
		"give a longer --timeout, such as 30m", Describe(err))

	// The deadline passed during a request.
	short, stop := WithTimeout(context.Background(), time.Nanosecond)
	defer stop()
	<-short.Done()
	err = FromRun(short, fmt.Errorf("ldaccess: getMembers: %w", context.DeadlineExceeded))
	assert.Equal(t, "gave up after --timeout 1ns: give a longer --timeout, such as 30m", Describe(err))

	// Without --timeout, a refused wait is a rate limit, and other errors are the command's.
	err = FromRun(context.Background(), refused)
	assert.NotContains(t, Describe(err), "--timeout")
	var re *RunError
	require.ErrorAs(t, FromRun(ctx, errors.New("boom")), &re)
}

func TestCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{Usagef("x"), 2},
		{&RunError{Usagef("x")}, 2},
		{&RunError{&FindingsError{N: 3}}, 3},
		{&RunError{&IncompleteError{Statement: "incomplete review: x"}}, 4},
		{&RunError{errors.New("boom")}, 1},
		{&RunError{ErrDeclined}, 1},
		{&OutcomeError{Code: 3, Msg: "skipped"}, 3},
		{&Timeout{Limit: time.Second, Err: context.DeadlineExceeded}, 1},
		{errors.New(`unknown command "bogus" for "ldaccess"`), 2}, // from cobra
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Code(tt.err), "Code(%v)", tt.err)
	}
}

func TestFindingsErrorSaysWhatCounted(t *testing.T) {
	assert.Equal(t, "12 findings", (&FindingsError{N: 12}).Error())
	assert.Equal(t, "1 finding", (&FindingsError{N: 1, AtLeast: "low"}).Error())
	assert.Equal(t, "3 findings of high risk or higher", (&FindingsError{N: 3, AtLeast: "high"}).Error())
	assert.Equal(t, "1 new finding of medium risk or higher", (&FindingsError{N: 1, AtLeast: "medium", New: true}).Error())
	assert.Equal(t, "incomplete review: only 2 tokens (exit 4; --allow-partial accepts an incomplete review)",
		(&IncompleteError{Statement: "incomplete review: only 2 tokens"}).Error())
}

// The --timeout a timeout suggests is longer than the one that ran out.
func TestTimeoutSuggestsALongerOne(t *testing.T) {
	for limit, want := range map[time.Duration]string{
		time.Second: "30m", 5 * time.Minute: "30m", 30 * time.Minute: "2h", 3 * time.Hour: "24h", 24 * time.Hour: "7d", 10 * 24 * time.Hour: "20d",
	} {
		assert.Contains(t, Describe(&Timeout{Limit: limit, Err: context.DeadlineExceeded}), "give a longer --timeout, such as "+want, limit)
	}
}
