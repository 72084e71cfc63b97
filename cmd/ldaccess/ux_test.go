package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
	"go.yaml.in/yaml/v3"

	"github.com/ldaccess/ldaccess"
	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
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
		{base: "ftp://ld.example.com", wantErr: "is not a URL like https://app.launchdarkly.com"},
		{base: "/api/v2", wantErr: "is not a URL"},
		{base: "https://ld.example.com/?x=1", wantErr: "without user, query or fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			tg := target{Instance: instanceCommercial, BaseURL: tt.base, from: func(s string) string { return "--" + s }}
			got, err := resolveBaseURL(tg)
			if tt.wantErr != "" {
				var ue *usageError
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			note := baseURLNote(tg)
			if tt.wantNote == "" {
				assert.Empty(t, note)
			} else {
				assert.Contains(t, note, tt.wantNote)
			}
		})
	}
}

func TestInstanceFlag(t *testing.T) {
	for _, ok := range []string{"commercial", "eu", "federal"} {
		var f instanceFlag
		assert.NoError(t, f.Set(ok))
	}
	for _, bad := range []string{"us", "fed", "EU", "", "commercial "} {
		var f instanceFlag
		assert.ErrorContains(t, f.Set(bad), "must be commercial, eu or federal", bad)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, path, data string
		want             map[string]profile
		wantErr          string
	}{
		{name: "yaml", path: "config.yaml", data: `
profiles:
  prod:
    instance: eu
    api-version: 20240415
    token-command: op read op://ops/ld/token
    token-command-timeout: 30s
  demo: {fake: true, fake-seed: 3, fake-members: 40}
`, want: map[string]profile{
			"prod": {Instance: "eu", APIVersion: "20240415", TokenCommand: "op read op://ops/ld/token", TokenCommandTimeout: "30s"},
			"demo": {Fake: true, FakeSeed: 3, FakeMembers: 40},
		}},
		{name: "json", path: "config.json", data: `{"profiles":{"x":{"base-url":"https://ld.example.com","token-env":"X"}}}`,
			want: map[string]profile{"x": {BaseURL: "https://ld.example.com", TokenEnv: "X"}}},
		{name: "empty", path: "config.yaml", data: "", want: map[string]profile{}},
		{name: "a token in clear text", path: "config.yaml", data: "profiles: {p: {token: api-123}}", wantErr: `profile "p": holds a token in clear text (token)`},
		{name: "an api key in clear text", path: "config.json", data: `{"profiles":{"p":{"api-key":"api-123"}}}`, wantErr: "clear text (api-key)"},
		{name: "unknown setting", path: "config.yaml", data: "profiles: {p: {colour: red}}", wantErr: `unknown setting "colour"; the settings are instance,`},
		{name: "unknown top level", path: "config.yaml", data: "default: p\nprofiles: {}", wantErr: `unknown setting "default" at the top`},
		{name: "wrong type", path: "config.yaml", data: "profiles: {p: {fake: yes please}}", wantErr: "fake must be true or false"},
		{name: "two token sources", path: "config.yaml", data: "profiles: {p: {token-env: A, token-keyring: true}}", wantErr: "give one of token-env, token-keyring, token-command or fake"},
		{name: "bad instance", path: "config.yaml", data: "profiles: {p: {instance: us}}", wantErr: `instance must be commercial, eu or federal, not "us"`},
		{name: "bad timeout", path: "config.yaml", data: "profiles: {p: {token-command: x, token-command-timeout: soon}}", wantErr: `token-command-timeout "soon" is not a duration`},
		{name: "not YAML", path: "config.yaml", data: "profiles: [", wantErr: "config.yaml is not valid YAML"},
		{name: "not JSON", path: "config.json", data: "{", wantErr: "config.json is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.path, []byte(tt.data))
			if tt.wantErr != "" {
				var ue *usageError
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "api-123")
				assert.NotContains(t, err.Error(), "main.")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Profiles)
		})
	}
}

// TestConfigRoundTrip: what profile add saves, the next command reads, in YAML and JSON, and
// the file is the user's alone.
func TestConfigRoundTrip(t *testing.T) {
	for _, name := range []string{"config.yaml", "config.json"} {
		path := filepath.Join(t.TempDir(), "ldaccess", name)
		cfg := config{path: path, Profiles: map[string]profile{
			"a": {Instance: "federal", TokenKeyring: true},
			"b": {Fake: true, FakeSeed: 9, FakeMembers: 12},
		}}
		require.NoError(t, cfg.save())
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		back, err := parseConfig(path, data)
		require.NoError(t, err)
		assert.Equal(t, cfg.Profiles, back.Profiles)
		if runtime.GOOS != "windows" {
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		}
	}
}

// TestProfileAddStoresStdinInTheKeyring: a token piped to profile add --keyring goes to the
// keyring (go-keyring's mock here) and never into the file or the output.
func TestProfileAddStoresStdinInTheKeyring(t *testing.T) {
	// TestMain installed go-keyring's in-memory mock.
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir}
	var out, errb strings.Builder
	a := newApp(strings.NewReader("  api-from-stdin-0001\n"), &out, &errb, func(k string) string { return env[k] })
	a.isTerminal = func(any) bool { return false }
	require.Equal(t, exitOK, a.run([]string{"profile", "add", "piped-test", "--keyring", "--instance", "eu"}), errb.String())
	got, err := keyring.Get(keyringService, "piped-test")
	require.NoError(t, err)
	assert.Equal(t, "api-from-stdin-0001", got)
	data, err := os.ReadFile(filepath.Join(dir, "ldaccess", "config.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), "api-from-stdin")
	assert.Contains(t, string(data), "instance: eu")
	assert.NotContains(t, out.String()+errb.String(), "api-from-stdin")

	// Nothing on stdin: a usage error, nothing saved.
	a = newApp(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	a.isTerminal = func(any) bool { return false }
	assert.Equal(t, exitUsage, a.run([]string{"profile", "add", "empty-test", "--keyring"}))
	_, err = keyring.Get(keyringService, "empty-test")
	assert.ErrorIs(t, err, keyring.ErrNotFound)
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
			var errb strings.Builder
			a := newApp(strings.NewReader(""), &errb, &errb, func(string) string { return "" })
			a.status = &statusWriter{w: &errb}
			got, err := a.runTokenCommand(context.Background(), "p", profile{TokenCommand: tt.command})
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

// TestGroupedByRisk: groups come highest risk first, hold each row once per finding, and
// their counts are the summary's.
func TestGroupedByRisk(t *testing.T) {
	members := []api.Member{
		{ID: "m1", Email: "owner@x.io", Role: "owner", MFA: "disabled", LastSeen: daysAgo(200)},
		{ID: "m2", Email: "fine@x.io", Role: "writer", MFA: "enabled", LastSeen: daysAgo(1), Teams: adminTeams},
	}
	tokens := []api.Token{{ID: "t1", OwnerID: "gone", Role: "admin"}}
	r := review.BuildReport(members, tokens, testNow, review.Options{StaleAfter: testStale})
	groups := groupByFinding([]accountReport{{Account: "a", Report: r}})
	require.Len(t, groups, len(byRisk))
	for i := 1; i < len(groups); i++ {
		assert.GreaterOrEqual(t, groups[i-1].Kind.Risk, groups[i].Kind.Risk)
	}
	counts := map[finding]int{}
	for _, g := range groups {
		counts[g.Kind.Finding] = g.Count()
	}
	for _, l := range r.Summary() {
		assert.Equal(t, l.Count, counts[l.Finding], l.Finding)
	}

	v := groupedAuditView([]accountReport{{Account: "a", Report: r}}, false)
	var titles []string
	for _, s := range v.Sections[1:] {
		titles = append(titles, s.Title)
	}
	assert.Equal(t, []string{
		"HIGH risk · over-privileged: 1 token, admin role or wildcard inline policy",
		"HIGH risk · admin-without-mfa: 1 member, admin or owner without MFA",
		"HIGH risk · owner-gone: 1 token, owner is no longer a member",
		"MEDIUM risk · never-used: 1 token, never used",
		"MEDIUM risk · inactive: 1 member, inactive for more than 90 days",
		"LOW risk · no-team: 1 member, not on any team",
	}, titles)
	// m1's other findings are beside it in each of its groups.
	assert.Equal(t, "inactive,no-team", v.Sections[2].Rows[0][len(v.Sections[2].Header)-1])

	// --all adds the clean rows; with several accounts every table gets an account column.
	v = groupedAuditView([]accountReport{{Account: "a", Report: r}, {Account: "b", Report: r}}, true)
	last := v.Sections[len(v.Sections)-1]
	assert.Equal(t, "Members without findings (2)", last.Title)
	assert.Equal(t, []string{"b", "m2"}, last.Rows[1][:2])
	assert.Equal(t, []string{"risk", "finding", "subject", "count", "a", "b", "description"}, v.Sections[0].Header)
}

// TestErrorsNameRequestsNotOperations: a library error starting with an operation ID reads as
// the request it sent, and every operation of the contract has its words.
func TestErrorsNameRequestsNotOperations(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(ldaccess.OpenAPI, &spec))
	n := 0
	for path, item := range spec.Paths {
		for method, v := range item {
			op, _ := v.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				continue
			}
			n++
			assert.Equal(t, strings.ToUpper(method)+" "+path, operations[id], id)
		}
	}
	assert.Len(t, operations, n)

	err := fmt.Errorf("listing members: %w", errors.New("ldaccess: getMembers: dial tcp 127.0.0.1:1: connect: connection refused"))
	assert.Equal(t, "listing members: GET /api/v2/members: dial tcp 127.0.0.1:1: connect: connection refused", describeError(err))
	// Words that merely look like one are left alone.
	assert.Equal(t, "deleteToken is fine: here", describeError(errors.New("deleteToken is fine: here")))
}

// Every finding the review can report has a place, and one only, in the grouped view's
// ranking: a finding missing from it would be filed under another's heading.
func TestByRiskListsEveryFinding(t *testing.T) {
	var ranked []finding
	for _, k := range byRisk {
		ranked = append(ranked, k.Finding)
		assert.Equal(t, k.Finding.Subject(), k.Subject, "%s", k.Finding)
	}
	all := append(append([]finding{}, review.TokenFindingOrder...), review.MemberFindingOrder...)
	assert.ElementsMatch(t, all, ranked)
}
