package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// Two accounts, each answering with its own token echoed into every field (split by control
// and format characters too): nothing of either token reaches stdout, stderr or a plan file,
// whichever account is reviewed last.
func TestTokensOfEveryAccountNeverPrinted(t *testing.T) {
	t.Parallel()
	tokens := map[string]string{
		"a": "api-8c1f4e2a-9b7d-4c3e-a6f5-d2b9e7c4a1f8",
		"b": "api-1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	}
	urls := map[string]string{}
	for name, tok := range tokens {
		// Every string of the answers holds the token whole, or split every 7 characters by a
		// NUL, an escape, a zero-width space or a soft hyphen.
		split := func(sep string) string {
			var b strings.Builder
			for i := 0; i < len(tok); i += 7 {
				b.WriteString(tok[i:min(i+7, len(tok))] + sep)
			}
			return b.String()
		}
		obj := strings.NewReplacer(`"$D"`, `"`+split(`\u0000`)+split(`\u001b[2J`)+split("\u200b")+split("\u00ad")+`"`).Replace(echoedObject)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if strings.HasSuffix(r.URL.Path, "/members") || strings.HasSuffix(r.URL.Path, "/tokens") {
				io.WriteString(w, strings.ReplaceAll(`{"items":[`+obj+`],"totalCount":1,"_links":{}}`, "$T", tok))
				return
			}
			io.WriteString(w, strings.ReplaceAll(obj, "$T", tok))
		}))
		t.Cleanup(srv.Close)
		urls[name] = srv.URL
	}
	config := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(config, "ldaccess"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(config, "ldaccess", "config.yaml"), []byte(
		"profiles:\n  a:\n    base-url: "+urls["a"]+"\n    token-env: TOKEN_A\n  b:\n    base-url: "+urls["b"]+"\n    token-env: TOKEN_B\n"), 0o600))
	env := map[string]string{"XDG_CONFIG_HOME": config, "TOKEN_A": tokens["a"], "TOKEN_B": tokens["b"]}
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"rules":[{"finding":"owner-gone","action":"delete-token"},{"finding":"no-team","action":"remove-member"}]}`), 0o600))

	leaks := func(s string) string { return leakedRun(s, tokens) }
	runs := [][]string{
		{"audit", "--profile", "a", "--profile", "b"},
		{"audit", "--all-profiles", "--all"},
		{"audit", "--profile", "b", "--plan", "plan.json", "--policy", policy},
		{"tokens", "list", "--profile", "a"},
	}
	for _, args := range runs {
		for _, format := range []string{"table", "csv", "json", "html"} {
			if format == "html" && args[0] != "audit" {
				continue
			}
			os.Remove(filepath.Join(dir, "plan.json"))
			r := invocation{args: append([]string{"--format", format}, args...), getenv: envOf(env), dir: dir}.run()
			assert.Equal(t, clierr.ExitOK, r.code, "%v --format %s: %s", args, format, r.stderr)
			for stream, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				assert.Empty(t, leaks(s), "%v --format %s: token on %s", args, format, stream)
				assert.NotContains(t, s, "\x1b[2J", "%v --format %s: a server's escape sequence on %s", args, format, stream)
			}
			if plan, err := os.ReadFile(filepath.Join(dir, "plan.json")); err == nil {
				assert.Empty(t, leaks(string(plan)), "%v: token in the plan file", args)
				fi, err := os.Stat(filepath.Join(dir, "plan.json"))
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a plan is its owner's alone")
			}
		}
	}
}

// leakedRun names a run of 8 characters of one of tokens that s shows a person, or is "":
// characters that show as nothing do not separate anything.
func leakedRun(s string, tokens map[string]string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	for name, tok := range tokens {
		for i := 0; i+8 <= len(tok); i++ {
			if strings.Contains(s, tok[i:i+8]) {
				return name + ": " + tok[i:i+8]
			}
		}
	}
	return ""
}

// A flag that names one account's place or token cannot apply to several: it would send
// every profile's token to that one place.
func TestAccountFlagsRefusedWithSeveralProfiles(t *testing.T) {
	t.Parallel()
	config := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(config, "ldaccess"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(config, "ldaccess", "config.yaml"), []byte(
		"profiles:\n  a:\n    fake: true\n  b:\n    fake: true\n"), 0o600))
	for _, args := range [][]string{
		{"--base-url", "https://elsewhere.example", "audit", "--profile", "a", "--profile", "b"},
		{"--token", "api-x", "audit", "--all-profiles"},
		{"--instance", "eu", "audit", "--all-profiles"},
	} {
		r := invocation{args: args, getenv: envOf(map[string]string{"XDG_CONFIG_HOME": config})}.run()
		assert.Equal(t, clierr.ExitUsage, r.code, "%v", args)
		assert.Contains(t, r.stderr, "applies to one account", "%v", args)
	}
}
