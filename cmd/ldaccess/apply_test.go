package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/review"
)

const removeInactive = `{"rules": [{"finding": "inactive", "action": "remove-member"}]}`

// TestApplyExitCodes: 0 when everything was applied, 3 when a member became active since the
// plan (and stays), 1 when an identity provider refuses.
func TestApplyExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(removeInactive), 0o600))

	srv := newFake(t, 60, 5)
	plan := filepath.Join(dir, "plan.json")
	r := runWith(t, srv, "", false, "audit", "--plan", plan, "--policy", policy, "--format", "json")
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	f, err := os.Open(plan)
	require.NoError(t, err)
	p, err := review.ReadPlan(f)
	f.Close()
	require.NoError(t, err)
	require.Greater(t, len(p.Actions), 1)

	// One of them logs in before the plan is applied.
	active := p.Actions[0].ObjectID
	require.True(t, srv.SeeMember(active, scriptNow))
	r = runWith(t, srv, "", false, "apply", plan, "--yes")
	assert.Equal(t, clierr.ExitFindings, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 of "+strconv.Itoa(len(p.Actions))+" actions skipped: their object changed since the plan")
	assert.Regexp(t, `changed +1\n`, r.stdout)
	assert.Contains(t, r.stdout, "changed since the review: last seen")
	_, ok := srv.Member(active)
	assert.True(t, ok, "the active member stays")
	for _, a := range p.Actions[1:] {
		_, ok := srv.Member(a.ObjectID)
		assert.False(t, ok, "%s removed", a.Name)
	}

	// Declined: nothing happens.
	r = runWith(t, srv, "no\n", true, "apply", plan)
	assert.Equal(t, clierr.ExitError, r.code)
	assert.Contains(t, r.stderr, "Apply "+strconv.Itoa(len(p.Actions))+" actions")

	// Everything done already: the second apply still reports the one skipped action.
	r = runWith(t, srv, "", false, "apply", plan, "--yes")
	assert.Equal(t, clierr.ExitFindings, r.code)
}
