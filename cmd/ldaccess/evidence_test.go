package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/review"
)

// TestReviewRemediateReviewAgain is a quarter of access reviews as the command runs it: a
// review kept as evidence, a plan of the policy's remediation applied, a second review; then
// "audit diff" of the two, with the plan's journal, in every format, shows exactly the
// plan's objects as resolved, each with the action that resolved it, and everything else as
// still open. New are only the tokens of the removed members, now owner-gone. "audit --since"
// shows the same; its --fail-on gates on what is new only.
func TestReviewRemediateReviewAgain(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 300, 25)
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	run := func(args ...string) result {
		t.Helper()
		r := runWith(t, srv, "", false, args...)
		require.Equal(t, clierr.ExitOK, r.code, "%v: %s", args, r.stderr)
		return r
	}
	require.NoError(t, os.WriteFile(path("q1.json"), []byte(run("audit", "--format", "json").stdout), 0o600))
	require.NoError(t, os.WriteFile(path("policy.json"), []byte(`{"rules": [
		{"finding": "stale", "action": "delete-token"},
		{"finding": "stale-invite", "action": "remove-member"}]}`), 0o600))
	run("audit", "--plan", path("plan.json"), "--policy", path("policy.json"), "--format", "json")
	plan, err := os.ReadFile(path("plan.json"))
	require.NoError(t, err)
	var p review.Plan
	require.NoError(t, json.Unmarshal(plan, &p))
	require.NotEmpty(t, p.Actions)
	remediated := map[string]review.ActionKind{}
	for _, a := range p.Actions {
		remediated[a.ObjectID] = a.Kind
	}
	q1, err := review.ReadReport(strings.NewReader(mustRead(t, path("q1.json"))))
	require.NoError(t, err)
	orphaned := map[string]bool{} // the tokens of the members the plan removes
	for _, row := range q1.Tokens {
		if remediated[row.Token.OwnerID] == review.RemoveMember {
			orphaned[row.Token.ID] = true
		}
	}
	run("apply", path("plan.json"), "--yes")
	require.NoError(t, os.WriteFile(path("q2.json"), []byte(run("audit", "--format", "json").stdout), 0o600))
	diff := func(format string) string {
		return run("audit", "diff", path("q1.json"), path("q2.json"), "--journal", path("plan.json.journal"), "--format", format).stdout
	}

	// JSON: every finding of a remediated object resolved, by the action the plan took; the
	// rest open; nothing new.
	var got struct {
		Format  int             `json:"changesFormat"`
		Changes []review.Change `json:"changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(diff("json")), &got))
	assert.Equal(t, 1, got.Format)
	resolved, open, added := 0, 0, 0
	for _, ch := range got.Changes {
		kind, fixed := remediated[ch.ObjectID]
		switch {
		case ch.Kind == review.ChangeNew:
			assert.True(t, orphaned[ch.ObjectID] && ch.Finding == review.TokenOwnerGone, "new: %+v", ch)
			added++
		case fixed:
			assert.Equal(t, review.ChangeResolved, ch.Kind, "%s %s", ch.ObjectID, ch.Finding)
			assert.True(t, ch.Gone, ch.ObjectID)
			require.NotNil(t, ch.Remedy, ch.ObjectID)
			assert.Equal(t, kind, ch.Remedy.Action)
			assert.Equal(t, review.Applied, ch.Remedy.Status)
			resolved++
		default:
			assert.Equal(t, review.ChangeOpen, ch.Kind, "%s %s %s", ch.Subject, ch.ObjectID, ch.Finding)
			assert.Nil(t, ch.Remedy)
			open++
		}
	}
	require.Positive(t, resolved)
	require.Positive(t, open)

	// CSV: the two reviews' records, then one row per change with its remedy.
	cr := csv.NewReader(strings.NewReader(diff("csv")))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	require.NoError(t, err)
	require.Equal(t, "review", recs[0][0])
	require.Equal(t, []string{"old", "new"}, []string{recs[1][0], recs[2][0]})
	assert.Equal(t, "complete: every token and every member", recs[1][13])
	header := recs[3]
	require.Equal(t, []string{"change", "risk", "finding", "subject", "id", "name", "old_name", "gone",
		"remedy_action", "remedy_status", "remedy_detail", "remedy_time"}, header)
	counts := map[string]int{}
	for _, rec := range recs[4:] {
		counts[rec[0]]++
		if kind, fixed := remediated[rec[4]]; fixed {
			assert.Equal(t, []string{"resolved", "gone", string(kind), "applied"}, []string{rec[0], rec[7], rec[8], rec[9]}, rec)
		}
	}
	want := map[string]int{"resolved": resolved, "open": open}
	if added > 0 {
		want["new"] = added
	}
	assert.Equal(t, want, counts)

	// A table and an HTML page with the same counts, every remediated object among the resolved.
	table := diff("table")
	assert.Contains(t, table, "Resolved ("+strconv.Itoa(resolved)+")")
	assert.Contains(t, table, "Still open ("+strconv.Itoa(open)+")")
	assert.Regexp(t, `(?m)^Changes in the account of \S+@\S+ from 2026-06-01 to 2026-06-01: `+strconv.Itoa(resolved)+` resolved, `+
		strconv.Itoa(added)+` new, `+strconv.Itoa(open)+` open$`, table)
	page := diff("html")
	assert.Contains(t, page, `<h2 id="change-resolved">Resolved (`+strconv.Itoa(resolved)+`)</h2>`)
	assert.Contains(t, page, `<h2 id="change-open">Still open (`+strconv.Itoa(open)+`)</h2>`)
	resolvedPart := page[strings.Index(page, `id="change-resolved"`):strings.Index(page, `id="change-open"`)]
	for id := range remediated {
		assert.Contains(t, table, id)
		assert.Contains(t, resolvedPart, id)
	}
	assert.Contains(t, resolvedPart, `<span class="w">applied</span>`)

	// audit --since: the same comparison, with a review made now.
	var since struct {
		Changes []review.Change `json:"changes"`
	}
	r := run("audit", "--since", path("q1.json"), "--journal", path("plan.json.journal"), "--format", "json")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &since))
	assert.Len(t, since.Changes, len(got.Changes))

	// The gate counts new findings only: none since the second review; a new admin token is
	// one, of high risk.
	run("audit", "--since", path("q2.json"), "--fail-on", "high")
	run("tokens", "create", "--name", "break-glass", "--role", "admin")
	r = runWith(t, srv, "", false, "audit", "--since", path("q2.json"), "--fail-on", "high")
	assert.Equal(t, clierr.ExitFindings, r.code, r.stderr)
	assert.Contains(t, r.stderr, "ldaccess: 1 new finding of high risk or higher")
	assert.Contains(t, r.stdout, "New (")
	assert.Contains(t, r.stdout, "break-glass")
}

// TestAuditDiffRefusesWhatItCannotCompare: a plan, reviews of two accounts, reviews in the
// wrong order and a file that is not there are errors in the command's words.
func TestAuditDiffRefusesWhatItCannotCompare(t *testing.T) {
	t.Parallel()
	a, b := newFake(t, 30, 5), newFakeSeed(t, 30, 5, 9)
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o600))
		return p
	}
	ra := write("a.json", runWith(t, a, "", false, "audit", "--format", "json").stdout)
	rb := write("b.json", runWith(t, b, "", false, "audit", "--format", "json").stdout)
	plan := write("plan.json", `{"format": 1, "account": {"ownerId": "o"}, "actions": []}`)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{ra, rb}, clierr.ExitError, "the reviews are of different accounts"},
		{[]string{plan, ra}, clierr.ExitError, plan + `: not an ldaccess review: it has no "reviewFormat"`},
		{[]string{ra, filepath.Join(dir, "missing.json")}, clierr.ExitUsage, "NEW: open "},
		{[]string{ra, ra, "--journal", plan}, clierr.ExitError, "does not start with a journal's header"},
	} {
		r := runWith(t, a, "", false, append([]string{"audit", "diff"}, tt.args...)...)
		assert.Equal(t, tt.code, r.code, "%v: %s", tt.args, r.stderr)
		assert.Contains(t, r.stderr, tt.want, tt.args)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}
