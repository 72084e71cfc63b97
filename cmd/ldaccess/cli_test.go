package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

// In-process tests of what scripts cannot reach: a terminal on stdin or stderr, and JSON
// output compared with the fake's state in Go.

type result struct {
	code           int
	stdout, stderr string
}

// runWith runs the command in-process against srv, with stdin and stderr pretending to be
// terminals when tty is true.
func runWith(t *testing.T, srv *fake.Server, stdin string, tty bool, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	a := newApp(strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	a.isTerminal = func(any) bool { return tty }
	code := a.run(append([]string{"--base-url", srv.URL}, args...))
	return result{code, out.String(), errb.String()}
}

func newFake(t *testing.T, members, tokens int) *fake.Server {
	t.Helper()
	srv := fake.NewServer(fake.Options{
		Account: fake.Seed(fake.SeedOptions{Members: members, Tokens: tokens, Seed: 3, Now: scriptNow}),
		Now:     func() time.Time { return scriptNow },
	})
	t.Cleanup(srv.Close)
	return srv
}

func TestConfirmationOnATerminal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 20, 5)
	id := srv.Tokens()[1].ID

	// Declined: nothing changes, exit 1.
	for _, answer := range []string{"n\n", "\n", "", "nope\n"} {
		r := runWith(t, srv, answer, true, "tokens", "delete", id)
		if r.code != exitError || !strings.Contains(r.stderr, "[y/N]") || !strings.Contains(r.stderr, "not confirmed; nothing was changed") {
			t.Errorf("answer %q: %+v", answer, r)
		}
		if _, ok := srv.Token(id); !ok {
			t.Fatalf("answer %q deleted the token", answer)
		}
	}
	// The question names the token.
	r := runWith(t, srv, "n\n", true, "tokens", "delete", id)
	if !strings.Contains(r.stderr, "Delete token") || !strings.Contains(r.stderr, id) {
		t.Errorf("question: %q", r.stderr)
	}

	// Accepted.
	r = runWith(t, srv, "yes\n", true, "tokens", "delete", id)
	if r.code != exitOK || !strings.Contains(r.stdout, "deleted token "+id) {
		t.Fatalf("%+v", r)
	}
	if _, ok := srv.Token(id); ok {
		t.Fatal("token still there")
	}

	// --yes on a terminal does not ask.
	id2 := srv.Tokens()[1].ID
	r = runWith(t, srv, "", true, "tokens", "delete", "--yes", id2)
	if r.code != exitOK || strings.Contains(r.stderr, "[y/N]") {
		t.Fatalf("%+v", r)
	}

	// Not a terminal, no --yes: usage error, no question.
	id3 := srv.Tokens()[1].ID
	r = runWith(t, srv, "y\n", false, "tokens", "delete", id3)
	if r.code != exitUsage || strings.Contains(r.stderr, "[y/N]") {
		t.Fatalf("%+v", r)
	}
	if _, ok := srv.Token(id3); !ok {
		t.Fatal("deleted without confirmation")
	}
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
		if r.code != exitError || !strings.Contains(r.stderr, "[y/N]") {
			t.Errorf("%v: %+v", args, r)
		}
		r = runWith(t, srv, "", false, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "pass --yes") {
			t.Errorf("%v without a terminal: %+v", args, r)
		}
	}
	if m, ok := srv.Member(victim.ID); !ok || m.Role != victim.Role {
		t.Fatalf("member changed: %+v", m)
	}
	r := runWith(t, srv, "y\n", true, "members", "set-role", victim.Email, "no_access")
	if r.code != exitOK || !strings.Contains(r.stderr, "from "+victim.Role+" to no_access?") {
		t.Fatalf("%+v", r)
	}
	if m, _ := srv.Member(victim.ID); m.Role != "no_access" {
		t.Fatalf("role %s", m.Role)
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 450, 5)
	r := runWith(t, srv, "", true, "audit", "--format", "csv")
	if r.code != exitOK {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.stderr, "members 450/450") {
		t.Errorf("no progress with a total on a terminal: %q", r.stderr)
	}
	if !strings.HasSuffix(r.stderr, "\r\x1b[K") {
		t.Errorf("progress line not cleared: %q", r.stderr)
	}
	if strings.Contains(r.stdout, "\r") {
		t.Error("progress on stdout")
	}
	r = runWith(t, srv, "", false, "audit", "--format", "csv")
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("not a terminal: %+v", r.stderr)
	}
}

// TestAuditJSONMatchesTheFake checks the audit's JSON against a review computed directly
// from what the fake holds.
func TestAuditJSONMatchesTheFake(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 300, 25)
	// 30 days, so that the fake's pending invites (up to 60 days old) include stale ones.
	r := runWith(t, srv, "", false, "audit", "--format", "json", "--stale-after", "30d")
	if r.code != exitOK {
		t.Fatalf("%+v", r)
	}
	var got auditJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	members, tokens := srv.Members(), srv.Tokens()
	// Listing the tokens used the admin token: take the fake's state after the run.
	want := review.BuildReport(members, tokens, scriptNow, review.Options{StaleAfter: 30 * 24 * time.Hour})
	if got.MemberCount != len(members) || got.TokenCount != len(tokens) {
		t.Fatalf("counts: %d members, %d tokens; the fake has %d, %d", got.MemberCount, got.TokenCount, len(members), len(tokens))
	}
	for i, l := range want.Summary() {
		g := got.Summary[i]
		if g.Subject != l.Subject || g.Finding != string(l.Finding) || g.Count != l.Count {
			t.Errorf("summary %d: got %+v, want %+v", i, g, l)
		}
	}
	wantFindings := map[string][]string{}
	for _, row := range want.Members {
		wantFindings[row.Member.ID] = findingStrings(row.Findings)
	}
	for _, row := range want.Tokens {
		wantFindings[row.Token.ID] = findingStrings(row.Findings)
	}
	for _, m := range got.Members {
		if !slices.Equal(m.Findings, wantFindings[m.ID]) {
			t.Errorf("member %s: %v, want %v", m.ID, m.Findings, wantFindings[m.ID])
		}
	}
	for _, tk := range got.Tokens {
		if !slices.Equal(tk.Findings, wantFindings[tk.ID]) {
			t.Errorf("token %s: %v, want %v", tk.ID, tk.Findings, wantFindings[tk.ID])
		}
	}
	// A realistic seeded account has every kind of finding.
	for _, s := range got.Summary {
		if s.Count == 0 {
			t.Errorf("the seeded account has no %s %s finding", s.Subject, s.Finding)
		}
	}
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
		if r.code != exitOK {
			t.Fatalf("%v: %+v", tt.args, r)
		}
		var got []api.Member
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
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
		if len(wantKeys) == 0 || !reflect.DeepEqual(gotKeys, wantKeys) {
			t.Errorf("%v: got %d members, want %d", tt.args, len(gotKeys), len(wantKeys))
		}
	}
	// Sorted by last seen, most recent first.
	r := runWith(t, srv, "", false, "members", "list", "--format", "json", "--sort", "-lastSeen")
	var got []api.Member
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != len(all) {
		t.Fatalf("%v %d", err, len(got))
	}
	if !slices.IsSortedFunc(got, func(a, b api.Member) int { return int(b.LastSeen - a.LastSeen) }) {
		t.Error("not sorted by -lastSeen")
	}
}

// TestDeterministicDemo runs the demo twice with a fixed clock: the same review.
func TestDeterministicDemo(t *testing.T) {
	t.Parallel()
	var outs [2]string
	for i := range outs {
		var out strings.Builder
		env := map[string]string{"LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		a := newApp(strings.NewReader(""), &out, io.Discard, func(k string) string { return env[k] })
		a.isTerminal = func(any) bool { return false }
		if code := a.run([]string{"--fake", "--fake-members", "200", "audit"}); code != 0 {
			t.Fatal(code)
		}
		// The admin token the fake adds gets a random ID: leave its row out.
		var lines []string
		for _, l := range strings.Split(out.String(), "\n") {
			if !strings.Contains(l, "ldaccess fake admin") {
				lines = append(lines, l)
			}
		}
		outs[i] = strings.Join(lines, "\n")
	}
	if outs[0] != outs[1] {
		t.Errorf("two demo runs differ:\n%s\n\n%s", outs[0], outs[1])
	}
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
	if !ok {
		t.Fatal("IssueToken")
	}
	var out, errb strings.Builder
	env := map[string]string{"LD_ACCESS_TOKEN": tok.Secret, "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	a := newApp(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	a.isTerminal = func(any) bool { return false }
	if code := a.run([]string{"--base-url", srv.URL, "audit", "--format", "json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "reviewing only its own") {
		t.Errorf("no note: %q", errb.String())
	}
	var got auditJSON
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got.MemberCount != 30 || got.TokenCount < 1 {
		t.Errorf("%d members, %d tokens", got.MemberCount, got.TokenCount)
	}
	for _, tk := range got.Tokens {
		if tk.OwnerID != reader.ID {
			t.Errorf("token %s of %s listed", tk.ID, tk.OwnerID)
		}
	}
}

// TestInterruptDuringConfirmation: the question ends when the command's context does.
func TestInterruptDuringConfirmation(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe() // stdin that never answers
	defer pw.Close()
	var errb strings.Builder
	a := newApp(pr, io.Discard, &errb, func(string) string { return "" })
	a.status = &statusWriter{w: &errb}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.confirm(ctx, "Delete?") }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("confirm did not return")
	}
}
