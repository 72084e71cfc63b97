package plans

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
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
// is not replaced once it is being applied; once finished it is kept aside with its journal.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	ios := iostreams.New(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	ios.AddRedaction(func(s string) string { return strings.ReplaceAll(s, "api-secret", "[REDACTED]") })
	env := cmdutil.Env{IO: ios, Again: func(path string, args ...string) string {
		return "ldaccess --profile prod " + path + " " + strings.Join(args, " ") // the run's global flags
	}}
	p := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: "o", OwnerEmail: "api-secret@x.io"}, Actions: []review.Action{},
		Instance: "evil\u202egpj \u009b31m"}
	path := filepath.Join(dir, "plan.json")
	require.NoError(t, Write(env, path, p))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "api-secret")
	assert.Contains(t, string(data), `"instance": "evil\u202egpj \u009b31m"`, "what would act on a terminal, escaped")
	back, err := Read(path, "plan.json")
	require.NoError(t, err)
	assert.Equal(t, p.Instance, back.Instance, "the plan means the same")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// Begun: a journal with the first action's intent only.
	p.Account.OwnerEmail = "owner@x.io" // the plan as written: its journal names it by digest
	p.ReviewedAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	p.Actions = []review.Action{{ID: "delete-token:0123456789abcdef01234567", Kind: review.DeleteToken, Subject: "token",
		ObjectID: "0123456789abcdef01234567", Name: "x", Reasons: []review.Finding{review.TokenStale}}}
	require.NoError(t, Write(env, path, p))
	j, err := review.OpenJournal(JournalPath(path), p)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	appendLine(t, JournalPath(path), `{"time":"2026-06-01T12:00:00Z","action":"delete-token:0123456789abcdef01234567","event":"intent"}`)
	finished, err := Finished(path)
	require.NoError(t, err)
	assert.False(t, finished)
	assert.ErrorContains(t, Write(env, path, p), "is not finished: resume it with 'ldaccess --profile prod apply "+path+"'")

	// Finished: kept, with its journal, under its date; the new plan takes its place.
	appendLine(t, JournalPath(path), `{"time":"2026-06-01T12:00:00Z","action":"delete-token:0123456789abcdef01234567","event":"outcome","status":"applied"}`)
	finished, err = Finished(path)
	require.NoError(t, err)
	assert.True(t, finished)
	old, err := os.ReadFile(JournalPath(path))
	require.NoError(t, err)
	require.NoError(t, Write(env, path, p))
	kept := filepath.Join(dir, "plan.20260601T120000Z.json")
	assert.FileExists(t, kept)
	journal, err := os.ReadFile(JournalPath(kept))
	require.NoError(t, err)
	assert.Equal(t, string(old), string(journal), "the journal moved as it was")
	assert.NoFileExists(t, JournalPath(path))
	assert.FileExists(t, path)

	// Another finished one the same day: a number added, nothing replaced.
	require.NoError(t, os.WriteFile(JournalPath(path), old, 0o600))
	require.NoError(t, Write(env, path, p))
	assert.FileExists(t, filepath.Join(dir, "plan.20260601T120000Z-2.json"))
	assert.FileExists(t, JournalPath(kept))
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(line + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
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
