package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// A token pasted where a profile's setting goes is refused, never saved and never printed:
// in every setting profile add takes, and in every place of a config file.

// pastedToken is a real token, pasted by mistake.
const pastedToken = "api-3b9f6c2d-8e1a-4f7b-b5c0-9d4e2a7f1c63"

// requireNoPastedToken fails if s holds the token or any 8 characters of it (leakedRun).
func requireNoPastedToken(t *testing.T, what, s string) {
	t.Helper()
	require.Empty(t, leakedRun(s, map[string]string{"the pasted token": pastedToken}), "%s: a piece of the token in\n%s", what, s)
}

func TestATokenIsNoProfileSetting(t *testing.T) {
	t.Parallel()
	for _, argv := range [][]string{
		{"profile", "add", "prod", "--token-env", pastedToken},
		{"profile", "add", "prod", "--token-env", " " + pastedToken + "\n"},
		{"profile", "add", "prod", "--token-command", "echo " + pastedToken},
		{"profile", "add", "prod", "--token-command", "x", "--token-command-timeout", pastedToken},
		{"--base-url", "https://ld.example.com/?token=" + pastedToken, "profile", "add", "prod", "--token-env", "LD_PROD_TOKEN"},
		{"--instance", pastedToken, "profile", "add", "prod", "--token-env", "LD_PROD_TOKEN"},
		{"--api-version", pastedToken, "profile", "add", "prod", "--token-env", "LD_PROD_TOKEN"},
		{"profile", "add", pastedToken, "--token-env", "LD_PROD_TOKEN"},
		{"--token", pastedToken, "profile", "add", "prod", "--token-env", "LD_PROD_TOKEN"},
		{"profile", "show", pastedToken},
		{"--profile", pastedToken, "members", "list"},
	} {
		dir := t.TempDir()
		r := invocation{args: argv, getenv: envOf(map[string]string{"XDG_CONFIG_HOME": dir})}.run()
		what := strings.Join(argv, " ")
		assert.Equal(t, clierr.ExitUsage, r.code, "%s: %+v", what, r)
		requireNoPastedToken(t, what+": stderr", r.stderr)
		requireNoPastedToken(t, what+": stdout", r.stdout)
		_, err := os.Stat(filepath.Join(dir, "ldaccess", "config.yaml"))
		assert.ErrorIs(t, err, os.ErrNotExist, "%s: a config file was written", what)
	}
}

func TestATokenInTheConfigFileIsRefused(t *testing.T) {
	t.Parallel()
	for _, file := range []string{
		"profiles:\n  prod:\n    token-env: " + pastedToken + "\n",
		"profiles:\n  prod:\n    token-command: echo " + pastedToken + "\n",
		"profiles:\n  prod:\n    base-url: https://ld.example.com/" + pastedToken + "\n",
		"profiles:\n  prod:\n    instance: " + pastedToken + "\n",
		"profiles:\n  prod:\n    api-version: " + pastedToken + "\n",
		"profiles:\n  prod:\n    token-command: x\n    token-command-timeout: " + pastedToken + "\n",
		"profiles:\n  prod:\n    " + pastedToken + ": x\n",
		"profiles:\n  " + pastedToken + ":\n    token-env: X\n",
		"profiles:\n  prod:\n    token: " + pastedToken + "\n",
		"profiles:\n  prod:\n    fake: [" + pastedToken + "]\n",
	} {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "ldaccess"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ldaccess", "config.yaml"), []byte(file), 0o600))
		for _, argv := range [][]string{{"profile", "list"}, {"profile", "show", "prod"}, {"--profile", "prod", "members", "list"},
			{"profile", "add", "other", "--token-env", "X"}} {
			r := invocation{args: argv, getenv: envOf(map[string]string{"XDG_CONFIG_HOME": dir})}.run()
			what := strings.Join(argv, " ") + " with " + file
			assert.Equal(t, clierr.ExitUsage, r.code, "%s: %+v", what, r)
			assert.Contains(t, r.stderr, "config.yaml:", "%s: the error is placed", what)
			requireNoPastedToken(t, what+": stderr", r.stderr)
			requireNoPastedToken(t, what+": stdout", r.stdout)
		}
	}
}
