package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/review"
)

// In-process tests of what scripts cannot reach: a terminal on stdin or stderr, and JSON
// output compared with the fake's state in Go.

func TestConfirmationOnATerminal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 20, 5)
	id := srv.Tokens()[1].ID

	// Declined: nothing changes, exit 1.
	for _, answer := range []string{"n\n", "\n", "", "nope\n"} {
		r := runWith(t, srv, answer, true, "tokens", "delete", id)
		assert.Equal(t, clierr.ExitError, r.code, "answer %q: %+v", answer, r)
		assert.Contains(t, r.stderr, "[y/N]", "answer %q", answer)
		assert.Contains(t, r.stderr, "not confirmed; nothing was changed", "answer %q", answer)
		_, ok := srv.Token(id)
		require.True(t, ok, "answer %q deleted the token", answer)
	}
	// The question names the token.
	r := runWith(t, srv, "n\n", true, "tokens", "delete", id)
	assert.Contains(t, r.stderr, "Delete token", "question")
	assert.Contains(t, r.stderr, id, "question")

	// Accepted.
	r = runWith(t, srv, "yes\n", true, "tokens", "delete", id)
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	require.Contains(t, r.stdout, "deleted token "+id, "%+v", r)
	_, ok := srv.Token(id)
	require.False(t, ok, "token still there")

	// --yes on a terminal does not ask.
	id2 := srv.Tokens()[1].ID
	r = runWith(t, srv, "", true, "tokens", "delete", "--yes", id2)
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	require.NotContains(t, r.stderr, "[y/N]", "%+v", r)

	// Not a terminal, no --yes: usage error, no question.
	id3 := srv.Tokens()[1].ID
	r = runWith(t, srv, "y\n", false, "tokens", "delete", id3)
	require.Equal(t, clierr.ExitUsage, r.code, "%+v", r)
	require.NotContains(t, r.stderr, "[y/N]", "%+v", r)
	_, ok = srv.Token(id3)
	require.True(t, ok, "deleted without confirmation")
}

func TestConfirmationOfEveryDestructiveCommand(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 20, 5)
	var victim api.Member
	for _, m := range srv.Members() {
		if m.Role != "owner" {
			victim = m
			break
		}
	}
	tok := srv.Tokens()[1].ID
	for _, args := range [][]string{
		{"tokens", "reset", tok},
		{"tokens", "delete", tok},
		{"members", "remove", victim.ID},
		{"members", "set-role", victim.Email, "no_access"},
	} {
		r := runWith(t, srv, "n\n", true, args...)
		assert.Equal(t, clierr.ExitError, r.code, "%v: %+v", args, r)
		assert.Contains(t, r.stderr, "[y/N]", "%v", args)
		r = runWith(t, srv, "", false, args...)
		assert.Equal(t, clierr.ExitUsage, r.code, "%v without a terminal: %+v", args, r)
		assert.Contains(t, r.stderr, "pass --yes", "%v without a terminal", args)
	}
	m, ok := srv.Member(victim.ID)
	require.True(t, ok, "member gone")
	require.Equal(t, victim.Role, m.Role, "member changed: %+v", m)
	r := runWith(t, srv, "y\n", true, "members", "set-role", victim.Email, "no_access")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	require.Contains(t, r.stderr, "from "+victim.Role+" to no_access?", "%+v", r)
	m, _ = srv.Member(victim.ID)
	require.Equal(t, "no_access", m.Role, "role")
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 450, 5)
	r := runWith(t, srv, "", true, "audit", "--format", "csv")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	assert.Contains(t, r.stderr, "members 450/450", "no progress with a total on a terminal")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "progress line not cleared: %q", r.stderr)
	assert.NotContains(t, r.stdout, "\r", "progress on stdout")
	r = runWith(t, srv, "", false, "audit", "--format", "csv")
	assert.Equal(t, clierr.ExitOK, r.code, "not a terminal: %+v", r.stderr)
	assert.Empty(t, r.stderr, "not a terminal")
}

// TestAuditJSONMatchesTheFake checks the audit's JSON against a review computed directly
// from what the fake holds.
func TestAuditJSONMatchesTheFake(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 300, 25)
	// 30 days, so that the fake's pending invites (up to 60 days old) include stale ones.
	r := runWith(t, srv, "", false, "audit", "--format", "json", "--stale-after", "30d")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	got, err := review.ReadReport(strings.NewReader(r.stdout))
	require.NoError(t, err, "the JSON is review's evidence format")
	members, tokens := srv.Members(), srv.Tokens()
	// Listing the tokens used the admin token: take the fake's state after the run.
	want := review.BuildReport(members, tokens, scriptNow, review.Options{StaleAfter: 30 * 24 * time.Hour})
	require.Equal(t, len(members), got.MemberCount, "members counted, against the fake's")
	require.Equal(t, len(tokens), got.TokenCount, "tokens counted, against the fake's")
	assert.Equal(t, want.Summary(), got.Summary())
	wantFindings := map[string][]review.Finding{}
	for _, row := range want.Members {
		wantFindings[row.Member.ID] = row.Findings
	}
	for _, row := range want.Tokens {
		wantFindings[row.Token.ID] = row.Findings
	}
	for _, m := range got.Members {
		assert.Equal(t, wantFindings[m.Member.ID], m.Findings, "member %s", m.Member.ID)
	}
	for _, tk := range got.Tokens {
		assert.Equal(t, wantFindings[tk.Token.ID], tk.Findings, "token %s", tk.Token.ID)
	}
	// A realistic seeded account has every kind of finding.
	for _, s := range got.Summary() {
		assert.NotZero(t, s.Count, "the seeded account has no %s %s finding", s.Subject, s.Finding)
	}
	assert.True(t, got.Coverage.Complete(), "an admin's review sees everything")
	assert.Equal(t, "ldaccess", strings.Fields(got.Version)[0], "the review records the command's version")
}

// TestListJSONMatchesTheFake compares members list --format json with the fake field for field,
// filters included.
func TestListJSONMatchesTheFake(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 250, 10)
	all := srv.Members()
	tests := []struct {
		args []string
		keep func(api.Member) bool
	}{
		{nil, func(api.Member) bool { return true }},
		{[]string{"--role", "admin"}, func(m api.Member) bool { return m.Role == "admin" || m.Role == "owner" }},
		{[]string{"--role", "reader,writer"}, func(m api.Member) bool { return m.Role == "reader" || m.Role == "writer" }},
		{[]string{"--no-team"}, func(m api.Member) bool { return m.Teams == nil || len(m.Teams) == 0 }},
		{[]string{"--on-team"}, func(m api.Member) bool { return m.Teams != nil && len(m.Teams) > 0 }},
		{[]string{"--seen-before", "2026-01-01"}, func(m api.Member) bool { return m.LastSeen < time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() }},
	}
	for _, tt := range tests {
		r := runWith(t, srv, "", false, append([]string{"members", "list", "--format", "json"}, tt.args...)...)
		require.Equal(t, clierr.ExitOK, r.code, "%v: %+v", tt.args, r)
		var got []api.Member
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		var gotKeys, wantKeys []string
		for _, m := range got {
			gotKeys = append(gotKeys, memberKey(m))
		}
		for _, m := range all {
			if tt.keep(m) {
				wantKeys = append(wantKeys, memberKey(m))
			}
		}
		slices.Sort(gotKeys)
		slices.Sort(wantKeys)
		assert.NotEmpty(t, wantKeys, "%v: no member matches, so the check tests nothing", tt.args)
		assert.Equal(t, wantKeys, gotKeys, "%v: members listed", tt.args)
	}
	// Sorted by last seen, most recent first.
	r := runWith(t, srv, "", false, "members", "list", "--format", "json", "--sort", "-lastSeen")
	var got []api.Member
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	require.Len(t, got, len(all))
	assert.True(t, slices.IsSortedFunc(got, func(a, b api.Member) int { return int(b.LastSeen - a.LastSeen) }), "not sorted by -lastSeen")
}

// TestDeterministicDemo runs the demo twice with a fixed clock: the same review.
func TestDeterministicDemo(t *testing.T) {
	t.Parallel()
	var outs [2]string
	for i := range outs {
		var out strings.Builder
		env := map[string]string{"LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		require.Zero(t, invocation{args: []string{"--fake", "--fake-members", "200", "audit"}, getenv: envOf(env), stdout: &out}.exec(), "exit code")
		// The admin token the fake adds gets a random ID: leave its row out.
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			if !strings.Contains(l, "ldaccess fake admin") {
				lines = append(lines, l)
			}
		}
		outs[i] = strings.Join(lines, "\n")
	}
	assert.Equal(t, outs[0], outs[1], "two demo runs differ")
}

// TestAuditWithoutAdmin: a reader token may not list every token; the audit reviews its own
// tokens and says so.
func TestAuditWithoutAdmin(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 30, 5)
	var reader api.Member
	for _, m := range srv.Members() {
		if m.Role == "reader" {
			reader = m
			break
		}
	}
	tok, ok := srv.IssueToken(reader.ID, "reader")
	require.True(t, ok, "IssueToken")
	env := map[string]string{"LD_ACCESS_TOKEN": tok.Secret, "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	r := invocation{args: []string{"--base-url", srv.URL, "audit", "--format", "json"}, getenv: envOf(env)}.run()
	require.Equal(t, clierr.ExitIncomplete, r.code, "an incomplete review fails unless accepted: %s", r.stderr)
	assert.Contains(t, r.stderr, "incomplete review: only "+reader.Email+"'s", "no note")
	assert.Contains(t, r.stderr, "--allow-partial accepts")
	got, err := review.ReadReport(strings.NewReader(r.stdout))
	require.NoError(t, err)
	assert.Equal(t, 30, got.MemberCount, "members")
	assert.GreaterOrEqual(t, got.TokenCount, 1, "tokens")
	assert.False(t, got.Coverage.AllTokens)
	for _, tk := range got.Tokens {
		assert.Equal(t, reader.ID, tk.Token.OwnerID, "token %s of another member listed", tk.Token.ID)
	}
	partial := r.stdout
	r = invocation{args: []string{"--base-url", srv.URL, "audit", "--format", "json", "--allow-partial"}, getenv: envOf(env)}.run()
	require.Zero(t, r.code, "--allow-partial: %s", r.stderr)

	// A comparison with the partial review is incomplete too: audit diff and audit --since end
	// with exit 4 unless --allow-partial accepts it.
	dir := t.TempDir()
	admin := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	r = invocation{args: []string{"--base-url", srv.URL, "audit", "--format", "json"}, getenv: envOf(admin)}.run()
	require.Zero(t, r.code, r.stderr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "full.json"), []byte(r.stdout), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "partial.json"), []byte(partial), 0o600))
	for _, tt := range []struct {
		env  map[string]string
		args []string
	}{
		{admin, []string{"audit", "diff", "full.json", "partial.json"}},
		{env, []string{"--base-url", srv.URL, "audit", "--since", "full.json"}},
	} {
		r := invocation{args: tt.args, getenv: envOf(tt.env), dir: dir}.run()
		assert.Equal(t, clierr.ExitIncomplete, r.code, "%v: %s", tt.args, r.stderr)
		assert.Contains(t, r.stderr, "incomplete comparison: the new review: only "+reader.Email+"'s", tt.args)
		r = invocation{args: append(tt.args, "--allow-partial"), getenv: envOf(tt.env), dir: dir}.run()
		assert.Zero(t, r.code, "%v --allow-partial: %s", tt.args, r.stderr)
	}
}
