package connect

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/wrapper"
)

// A pause for the rate limit — a 429's retry, or the client's pacing waiting for a window to
// reset — is not a note: it shows as progress on a terminal (iostreams.WaitForRateLimit), and
// is counted. A retry after a failure is a note, in the command's words.
func TestRetryNotes(t *testing.T) {
	var b strings.Builder
	ios := iostreams.New(strings.NewReader(""), io.Discard, &b)
	h := retryNotes{io: ios}
	h.retry(wrapper.RetryEvent{Method: "GET", Path: "/api/v2/members", Attempt: 2, StatusCode: 429, Wait: 1234567 * time.Microsecond, Reason: "X-Ratelimit-Reset"})
	h.retry(wrapper.RetryEvent{Method: "GET", Path: "/api/v2/tokens", Attempt: 1, Wait: time.Second,
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}})
	h.retry(wrapper.RetryEvent{Method: "DELETE", Path: "/api/v2/tokens/x", Attempt: 1, StatusCode: 503, Wait: 236 * time.Millisecond, Reason: "backoff"})
	h.pace(wrapper.PaceEvent{Method: "GET", Path: "/api/v2/members", Wait: 300 * time.Millisecond})
	assert.Equal(t, "ldaccess: GET /api/v2/tokens: no response (connection refused); retrying in 1s\n"+
		"ldaccess: DELETE /api/v2/tokens/x: 503 Service Unavailable; retrying in 236ms\n", b.String())
	n, _ := ios.WaitedForRateLimit()
	assert.Equal(t, 2, n, "the 429 and the pacing wait")
}

func TestResolveBaseURL(t *testing.T) {
	tests := []struct {
		base, want, wantErr, wantNote string
	}{
		{base: "", want: "https://app.launchdarkly.com"},
		{base: "https://app.eu.launchdarkly.com", want: "https://app.eu.launchdarkly.com"},
		{base: "https://ld.example.com/api/v2", want: "https://ld.example.com", wantNote: "without /api/v2"},
		{base: "https://ld.example.com/api/v2/", want: "https://ld.example.com", wantNote: "using https://ld.example.com"},
		{base: "https://ld.example.com/proxy/", want: "https://ld.example.com/proxy"},
		{base: "http://127.0.0.1:8089", want: "http://127.0.0.1:8089"},
		{base: "http://localhost:8089/api/v2", want: "http://localhost:8089", wantNote: "without /api/v2"},
		{base: "http://[::1]:8089", want: "http://[::1]:8089"},
		{base: "http://ld.example.com", wantErr: "--base-url http://ld.example.com is plain http to another machine"},
		{base: "http://0.0.0.0:8089", wantErr: "plain http to another machine"},
		{base: "ftp://ld.example.com", wantErr: "is not a URL like https://app.launchdarkly.com"},
		{base: "/api/v2", wantErr: "is not a URL"},
		{base: "https://ld.example.com/?x=1", wantErr: "without user, query or fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			tg := Target{Instance: config.InstanceCommercial, BaseURL: tt.base}
			got, err := ResolveBaseURL(tg)
			if tt.wantErr != "" {
				var ue *clierr.UsageError
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if tt.wantNote == "" {
				assert.Empty(t, BaseURLNote(tg))
			} else {
				assert.Contains(t, BaseURLNote(tg), tt.wantNote)
			}
		})
	}
}

func TestTokenCommandOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the commands are POSIX shell")
	}
	t.Parallel()
	tests := []struct {
		command, want, wantErr string
	}{
		{command: "printf ' api-x \\n'", want: "api-x"},
		{command: "printf 'a\\nb\\n'", wantErr: "printed several lines"},
		{command: "true", wantErr: "printed nothing"},
		{command: "echo api-leak; exit 2", wantErr: "failed with exit status 2"},
		{command: "/nonexistent/op read x", wantErr: "failed with exit status 127"},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			a := &Accounts{IO: iostreams.New(strings.NewReader(""), io.Discard, io.Discard), Shell: &shell.Runner{}}
			got, err := a.RunTokenCommand(context.Background(), "p", config.Profile{TokenCommand: tt.command})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "api-leak")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// Flags given on the command line win over a profile's settings.
func TestProfileTarget(t *testing.T) {
	a := &Accounts{Flags: DefaultFlags(), Getenv: func(string) string { return "" }, Shell: &shell.Runner{}}
	a.Flags.BaseURL, a.Flags.APIVersion = "https://override.example", "20240415"
	a.Changed = func(f string) bool { return f == "base-url" }
	tg := a.ProfileTarget("prod", config.Profile{BaseURL: "https://ld.example", APIVersion: "20230101"})
	assert.Equal(t, "https://override.example", tg.BaseURL, "the flag wins")
	assert.Equal(t, "20230101", tg.APIVersion, "the profile's, the flag not given")
	assert.Equal(t, "--base-url", tg.From("base-url"))
	assert.Equal(t, "profile prod's api-version", tg.From("api-version"))
	assert.Equal(t, "prod", tg.Account())
	assert.Equal(t, "custom", tg.InstanceName())
}
