package plans

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/review"
)

// A policy reads the same from JSON and from YAML, and YAML is held to the same strict rules.
func TestPolicyJSONOrYAML(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	fromJSON, err := ReadPolicy(write("policy.json", `{"rules":[{"finding":"stale","action":"delete-token"},
		{"finding":"admin-without-mfa","action":"set-role","role":"reader"}],"never":["cto@example.com"]}`))
	require.NoError(t, err)
	fromYAML, err := ReadPolicy(write("policy.yaml", `
rules:
  - finding: stale
    action: delete-token
  - {finding: admin-without-mfa, action: set-role, role: reader}
never: [cto@example.com]
`))
	require.NoError(t, err)
	assert.Equal(t, fromJSON, fromYAML)

	_, err = ReadPolicy(write("typo.yml", "rules:\n  - finding: stale\n    acton: delete-token\n"))
	assert.ErrorContains(t, err, "acton", "a misspelt key is an error in YAML too")
	_, err = ReadPolicy(write("bad.yaml", "rules: [\n"))
	assert.Error(t, err)
	none, err := ReadPolicy("")
	require.NoError(t, err)
	assert.Equal(t, review.DefaultPolicy, none)
}

// A plan file holds what a server sent redacted as the output is, is its owner's alone, and
// is not replaced once it is being applied.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	ios := iostreams.New(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	ios.AddRedaction(func(s string) string { return strings.ReplaceAll(s, "api-secret", "[REDACTED]") })
	p := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: "o", OwnerEmail: "api-secret@x.io"}, Actions: []review.Action{}}
	path := filepath.Join(dir, "plan.json")
	require.NoError(t, Write(ios, path, p))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "api-secret")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	require.NoError(t, os.WriteFile(JournalPath(path), nil, 0o600))
	assert.ErrorContains(t, Write(ios, path, p), "it is being applied")
}

func TestCheckExec(t *testing.T) {
	p := review.Plan{Actions: []review.Action{{Kind: review.ResetToken}, {Kind: review.ResetToken}, {Kind: review.DeleteToken}}}
	assert.EqualError(t, ApplyOptions{}.CheckExec(p), "the plan resets 2 tokens: give --exec COMMAND, which receives each new secret on its standard input (such as --exec 'vault kv put secret/ld token=-')")
	assert.NoError(t, ApplyOptions{Exec: "x"}.CheckExec(p))
	assert.NoError(t, ApplyOptions{}.CheckExec(review.Plan{Actions: []review.Action{{Kind: review.DeleteToken}}}))
}

// A plan that cannot be read says so in the command's words: a missing file names the plan
// and what writes one (not "open …"); a policy given instead of a plan is said to be one,
// with the command that makes a plan of it.
func TestReadSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(filepath.Join(dir, "missing.json"), "missing.json")
	assert.EqualError(t, err, "cannot read the plan missing.json: no such file or directory (audit --plan writes one)")
	policy := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"rules":[{"finding":"stale","action":"delete-token"}]}`), 0o600))
	_, err = Read(policy, "policy.json")
	assert.EqualError(t, err, "policy.json is a policy, not a plan: make a plan from it with audit --plan plan.json --policy policy.json, then apply plan.json")
	garbage := filepath.Join(dir, "garbage.json")
	require.NoError(t, os.WriteFile(garbage, []byte("{\n  \"format\": 1,\n  \"bogus\": 2\n}"), 0o600))
	_, err = Read(garbage, "garbage.json")
	assert.ErrorContains(t, err, "garbage.json:3:")
}
