//go:build unix

package main

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// What is planted where ldaccess reads a file — a FIFO, which would make the read wait for a
// writer that never comes (Ctrl-C does not interrupt an open), or a link to /dev/zero, which
// never ends — is refused at once with the path and what it is: no command waits or reads
// without end. Each command reads the planted file before it would connect anywhere.
func TestPlantedFilesNeverHang(t *testing.T) {
	t.Parallel()
	journal := `{"journal":1,"plan":"0123","started":"2026-06-01T12:00:00Z"}` + "\n"
	for _, tc := range []struct {
		name string
		// fifo and zero are the files planted as a FIFO and as a link to /dev/zero; files are
		// regular files.
		fifo, zero string
		files      map[string]string
		args       []string
		code       int
	}{
		{name: "offboard's default plan", fifo: "offboard.plan.json", args: []string{"members", "offboard", "a@example.com", "--yes"}},
		{name: "offboard's plan", zero: "ob.json", args: []string{"members", "offboard", "a@example.com", "--yes", "--plan", "ob.json"}},
		{
			name: "a plan with a journal", fifo: "plan.json", files: map[string]string{"plan.json.journal": journal},
			args: []string{"audit", "--plan", "plan.json"},
		},
		{name: "apply's plan", fifo: "plan.json", args: []string{"apply", "plan.json", "--yes"}},
		{name: "apply's plan, /dev/zero", zero: "plan.json", args: []string{"apply", "plan.json", "--dry-run"}},
		{name: "a policy", fifo: "policy.json", args: []string{"audit", "--plan", "p.json", "--policy", "policy.json"}},
		{name: "a policy, /dev/zero", zero: "policy.yaml", args: []string{"audit", "--plan", "p.json", "--policy", "policy.yaml"}},
		{name: "audit diff", fifo: "old.json", zero: "new.json", args: []string{"audit", "diff", "old.json", "new.json"}},
		{name: "audit --since", fifo: "old.json", args: []string{"audit", "--since", "old.json"}},
		{name: "offboard --from", fifo: "leavers.csv", args: []string{"members", "offboard", "--from", "leavers.csv", "--dry-run"}},
		{name: "offboard --from, /dev/zero", zero: "leavers.csv", args: []string{"members", "offboard", "--from", "leavers.csv", "--dry-run"}},
		{name: "an inline policy", fifo: "p.json", args: []string{"tokens", "create", "--name", "x", "--inline-policy", "@p.json"}},
		{name: "the config file", fifo: "ldaccess/config.yaml", args: []string{"profile", "list"}, code: clierr.ExitError},
		{name: "an inline policy, /dev/zero", zero: "p.json", args: []string{"tokens", "create", "--name", "x", "--inline-policy", "@p.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(dir, "ldaccess"), 0o700))
			if tc.fifo != "" {
				require.NoError(t, syscall.Mkfifo(filepath.Join(dir, tc.fifo), 0o600))
			}
			if tc.zero != "" {
				require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, tc.zero)))
			}
			for name, content := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
			}
			args := append([]string{"--fake", "--fake-members", "20"}, tc.args...)
			done := make(chan result, 1)
			go func() {
				done <- invocation{args: args, dir: dir, getenv: envOf(map[string]string{
					"LDACCESS_NOW": scriptNow.Format(time.RFC3339), "XDG_CONFIG_HOME": dir,
				})}.run()
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(time.Minute): // a guard, not a measure: a hang is a wait without end
				require.FailNow(t, "the command hangs", "%v", args)
			}
			assert.Equal(t, cmp.Or(tc.code, clierr.ExitUsage), r.code, "%v: %+v", args, r)
			assert.Regexp(t, `FIFO|device`, r.stderr, fmt.Sprint(args))
			for name, content := range tc.files {
				assertFile(t, filepath.Join(dir, name), content)
			}
		})
	}
}

// assertFile fails unless path holds content.
func assertFile(t *testing.T, path, content string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, content, string(b), "%s was written", path)
}
