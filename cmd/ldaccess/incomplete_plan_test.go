package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/fake"
)

// A plan made from an incomplete review holds no action for what the review could not see: the
// plan says so in its file, and apply says so before it acts (a dry run too), so that an
// empty or short plan is never taken for the account's remediation.
func TestAPlanFromAnIncompleteReviewSaysSo(t *testing.T) {
	t.Parallel()
	acct := fake.Seed(fake.SeedOptions{Members: 20, Tokens: 10, Seed: 3, Now: scriptNow})
	srv := fake.NewServer(fake.Options{Account: acct, Now: func() time.Time { return scriptNow }})
	t.Cleanup(srv.Close)
	var writer string
	for _, m := range srv.Members() {
		if m.Role == "writer" && !m.PendingInvite {
			writer = m.ID
		}
	}
	tok, ok := srv.IssueToken(writer, "writer")
	require.True(t, ok)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"rules": [{"finding": "never-used", "action": "delete-token"}]}`), 0o600))
	run := func(args ...string) result {
		env := map[string]string{"LD_ACCESS_TOKEN": tok.Secret, "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		return invocation{args: append([]string{"--base-url", srv.URL}, args...), getenv: envOf(env), dir: dir}.run()
	}
	r := run("audit", "--plan", "plan.json", "--policy", "policy.json", "--allow-partial")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)

	plan, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	assert.Contains(t, string(plan), `"incomplete": "incomplete review: only `, "the plan file")
	for _, args := range [][]string{
		{"apply", "plan.json", "--dry-run"}, {"apply", "plan.json", "--dry-run", "--format", "json"},
		{"apply", "plan.json", "--yes", "--format", "csv"}, {"apply", "plan.json", "--yes"},
	} {
		r := run(args...)
		require.Equal(t, clierr.ExitOK, r.code, "%v: %+v", args, r)
		assert.Contains(t, strings.ToLower(strings.Join(strings.Fields(r.stderr), " ")), "incomplete review: only", "%v", args)
	}
}
