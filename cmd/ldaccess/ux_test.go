package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	ldkeyring "github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/fake"
)

// TestInterruptExitCode runs the command as a process (the test binary as "ldaccess", on the
// PATH testscript.Main set up) and sends it a real SIGINT: it ends with 130, as the shell
// expects of Ctrl-C, both while serving and in the middle of a request.
func TestInterruptExitCode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	t.Parallel()
	waitFor := func(t *testing.T, ready <-chan struct{}) {
		t.Helper()
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			require.Fail(t, "the command did not get going")
		}
	}
	start := func(t *testing.T, env []string, args ...string) (*exec.Cmd, *strings.Builder) {
		cmd := exec.Command("ldaccess", args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		cmd.Env = append(os.Environ(), env...)
		require.NoError(t, cmd.Start())
		return cmd, &stderr
	}

	t.Run("serve-fake", func(t *testing.T) {
		t.Parallel()
		urlFile := filepath.Join(t.TempDir(), "url")
		cmd, stderr := start(t, nil, "serve-fake", "--addr", "127.0.0.1:0", "--fake-members", "3", "--url-file", urlFile)
		ready := make(chan struct{})
		go func() {
			for {
				if data, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(data), "\n") {
					close(ready)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		waitFor(t, ready)
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		err := cmd.Wait()
		assert.Equal(t, 130, cmd.ProcessState.ExitCode(), "%v: %s", err, stderr)
		assert.Contains(t, stderr.String(), "fake LaunchDarkly stopped")
	})

	t.Run("during a request", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{})
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case arrived <- struct{}{}:
			default:
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		cmd, stderr := start(t, []string{"LD_ACCESS_TOKEN=api-test"}, "--base-url", srv.URL, "members", "get", "me")
		waitFor(t, arrived)
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		err := cmd.Wait()
		assert.Equal(t, 130, cmd.ProcessState.ExitCode(), "%v: %s", err, stderr)
		assert.Equal(t, "ldaccess: interrupted\n", stderr.String())
	})
}

// TestProfileAddStoresStdinInTheKeyring: a token piped to profile add --keyring goes to the
// keyring (go-keyring's mock here) and never into the file or the output.
func TestProfileAddStoresStdinInTheKeyring(t *testing.T) {
	// TestMain installed go-keyring's in-memory mock.
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	r := invocation{args: []string{"profile", "add", "piped-test", "--keyring", "--instance", "eu"}, getenv: envOf(env),
		stdin: strings.NewReader("  api-from-stdin-0001\n")}.run()
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	got, err := keyring.Get(ldkeyring.Service, "piped-test")
	require.NoError(t, err)
	assert.Equal(t, "api-from-stdin-0001", got)
	data, err := os.ReadFile(filepath.Join(dir, "ldaccess", "config.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), "api-from-stdin")
	assert.Contains(t, string(data), "instance: eu")
	assert.NotContains(t, r.stdout+r.stderr, "api-from-stdin")

	// Nothing on stdin: a usage error, nothing saved.
	r = invocation{args: []string{"profile", "add", "empty-test", "--keyring"}, getenv: envOf(env)}.run()
	assert.Equal(t, clierr.ExitUsage, r.code)
	_, err = keyring.Get(ldkeyring.Service, "empty-test")
	assert.ErrorIs(t, err, keyring.ErrNotFound)
}

func TestWideAndTerminalDetection(t *testing.T) {
	srv := newFake(t, 30, 5)
	run := func(wide bool) string {
		env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		args := []string{"--base-url", srv.URL, "members", "list"}
		if wide {
			args = append(args, "--wide")
		}
		r := invocation{args: args, getenv: envOf(env), stdoutTTY: true, width: 60}.run()
		require.Equal(t, clierr.ExitOK, r.code, r.stderr)
		return r.stdout
	}
	for _, l := range strings.Split(strings.TrimSpace(run(false)), "\n") {
		assert.LessOrEqual(t, runewidth.StringWidth(l), 60, l)
	}
	wide := run(true)
	assert.NotContains(t, wide, "…")
	assert.Contains(t, wide, "INVITE")
}

// --timeout running out reads as a timeout naming --timeout: while a request hangs, and when a
// rate limit's reset is further off than the time left (once "rate limited after 0
// attempt(s) … wait exceeds the context deadline").
func TestTimeoutNamesTheFlag(t *testing.T) {
	t.Parallel()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "40")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer limited.Close()
	for url, want := range map[string]string{
		hang.URL:    "ldaccess: gave up after --timeout 300ms: give a longer --timeout, such as 30m\n",
		limited.URL: "later than --timeout 2s allows: give a longer --timeout, such as 30m\n",
	} {
		timeout := "300ms"
		if url == limited.URL {
			timeout = "2s"
		}
		r := invocation{args: []string{"--base-url", url, "--token", "api-test", "--timeout", timeout, "members", "get", "me"}}.run()
		assert.Equal(t, clierr.ExitError, r.code, r.stderr)
		assert.Contains(t, r.stderr, want)
		assert.NotContains(t, r.stderr, "attempt(s)")
	}
}

// TestIdentifyingCellsAt80Columns: on a terminal 80 columns wide every line of every table
// fits, and what identifies a row — a member's email, a token's name beside its ID — is never
// cut below 13 characters; with this account's names, not below 20 (issue 18's figures).
func TestIdentifyingCellsAt80Columns(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 80, 20)
	env := envOf(map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"rules": [
		{"finding": "stale", "action": "delete-token"}, {"finding": "inactive", "action": "remove-member"},
		{"finding": "no-team", "action": "remove-custom-roles"}]}`), 0o600))
	plan := invocation{args: []string{"--base-url", srv.URL, "audit", "--plan", "plan.json", "--policy", "policy.json", "--format", "json"},
		getenv: env, dir: dir}.run()
	require.Equal(t, clierr.ExitOK, plan.code, plan.stderr)

	for _, args := range [][]string{{"audit", "--all"}, {"members", "list"}, {"tokens", "list", "--all"}, {"apply", "plan.json", "--dry-run"}} {
		r := invocation{args: append([]string{"--base-url", srv.URL}, args...), getenv: env, dir: dir,
			stdoutTTY: true, stderrTTY: true, width: 80}.run()
		require.Equal(t, clierr.ExitOK, r.code, "%v: %s", args, r.stderr)
		var header []string
		for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
			assert.LessOrEqual(t, runewidth.StringWidth(line), 80, "%v: %q", args, line)
			if h := columnsOf(line); len(h) > 1 && h[0] == strings.ToUpper(h[0]) && strings.ToLower(h[0]) != h[0] {
				header = h
				continue
			}
			for i, cell := range columnsOf(line) {
				if i >= len(header) || !strings.HasSuffix(cell, "…") {
					continue
				}
				identifies := header[i] == "EMAIL" || header[i] == "NAME" && slices.Contains(header, "ID") && !slices.Contains(header, "EMAIL")
				if identifies {
					assert.GreaterOrEqual(t, runewidth.StringWidth(cell), 20, "%v: %s cut to %q", args, header[i], cell)
				}
			}
		}
	}
}

// columnsOf splits a table line at its column gaps (two spaces or more).
func columnsOf(line string) []string {
	var cols []string
	for _, c := range regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1) {
		if c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}

// TestRateLimitPausesShowAsProgress: when LaunchDarkly says the route's window is spent, the
// listing pauses before its next page, and the pause shows on a terminal as progress on the
// status line, never as a note, and in a pipe not at all. Every answer says the window ends
// two seconds after the request came, so that the pause happens however slow the machine is
// (with the fake's own windows, fixed one-second slots, a loaded machine whose every page
// takes a second gets no pause at all).
func TestRateLimitPausesShowAsProgress(t *testing.T) {
	t.Parallel()
	h := fake.NewHandler(fake.Options{Account: fake.Seed(fake.SeedOptions{Members: 200, Tokens: 5, Seed: 3, Now: scriptNow})})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ratelimit-Route-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Add(2*time.Second).UnixMilli(), 10))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	env := envOf(map[string]string{"LD_ACCESS_TOKEN": h.AdminSecret()})
	for _, tty := range []bool{true, false} {
		r := invocation{args: []string{"--base-url", srv.URL, "members", "list"}, getenv: env,
			stdoutTTY: tty, stderrTTY: tty, width: 120}.run()
		require.Equal(t, clierr.ExitOK, r.code, r.stderr)
		assert.Equal(t, 201, strings.Count(r.stdout, "\n"), "every member and the header")
		if !tty {
			assert.Empty(t, r.stderr, "in a pipe")
			continue
		}
		assert.Regexp(t, `^waiting \d+(ms|s) for LaunchDarkly's rate limit$`, strings.Split(r.stderr, "\r\x1b[K")[0])
		assert.NotContains(t, r.stderr, "ldaccess:", "a pause is no note")
		assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "cleared at the end: %q", r.stderr)
	}
}

// --fake has LaunchDarkly's rate limits on (unless the clock is fixed): an audit of its 3000
// members outruns them, and in a pipe not a word of it is printed.
func TestFakeRateLimitsAreSilentInAPipe(t *testing.T) {
	t.Parallel()
	r := invocation{args: []string{"--fake", "audit", "--format", "csv"}}.run()
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	assert.Equal(t, "ldaccess: using an embedded fake LaunchDarkly account with 3000 members (not a real account)\n", r.stderr)
}

// When a command ends badly, it says how long the rate limit held it back, in a pipe too.
func TestRateLimitPausesAreToldWhenACommandFails(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		wait := map[bool]string{true: "1", false: "40"}[n == 1]
		mu.Unlock()
		w.Header().Set("Retry-After", wait)
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	r := invocation{args: []string{"--base-url", srv.URL, "--token", "api-test", "--timeout", "20s", "members", "get", "me"}}.run()
	assert.Equal(t, clierr.ExitError, r.code)
	assert.Regexp(t, `^ldaccess: LaunchDarkly's rate limit held the command back 1 time, 1(\.\d)?s in all\n`+
		`ldaccess: LaunchDarkly's rate limit on GET /api/v2/members/me resets in \d+s, later than --timeout 20s allows: give a longer --timeout, such as 30m\n$`, r.stderr)
}
