package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

func TestRenderFormats(t *testing.T) {
	v := view{
		JSON: []map[string]string{{"id": "1"}},
		Sections: []section{
			{Title: "First", Header: []string{"id", "last seen"}, Rows: [][]string{{"1", "x,y"}, {"22", ""}}},
			{Title: "Second", Header: []string{"n"}, Rows: nil, Empty: "nothing"},
		},
	}
	var b strings.Builder
	if err := render(&b, formatTable, v); err != nil {
		t.Fatal(err)
	}
	want := "First\nID  LAST SEEN\n1   x,y\n22  -\n\nSecond\nnothing\n"
	if b.String() != want {
		t.Errorf("table:\n%q\nwant\n%q", b.String(), want)
	}

	b.Reset()
	if err := render(&b, formatCSV, v); err != nil {
		t.Fatal(err)
	}
	want = "id,last_seen\n1,\"x,y\"\n22,\n\nn\n"
	if b.String() != want {
		t.Errorf("csv:\n%q\nwant\n%q", b.String(), want)
	}

	b.Reset()
	if err := render(&b, formatJSON, v); err != nil {
		t.Fatal(err)
	}
	var back []map[string]string
	if err := json.Unmarshal([]byte(b.String()), &back); err != nil || back[0]["id"] != "1" {
		t.Errorf("json: %v %q", err, b.String())
	}
}

func TestRenderRecordAndText(t *testing.T) {
	v := view{Sections: []section{{Header: []string{"id", "name"}, Rows: [][]string{{"1", "a\tb\nc"}}, Record: true}}}
	var b strings.Builder
	if err := render(&b, formatTable, v); err != nil {
		t.Fatal(err)
	}
	if want := "id:    1\nname:  a b c\n"; b.String() != want {
		t.Errorf("record:\n%q\nwant %q", b.String(), want)
	}
	b.Reset()
	v.Text = "done"
	_ = render(&b, formatTable, v)
	if b.String() != "done\n" {
		t.Errorf("text: %q", b.String())
	}
}

func TestCellStripsControlCharacters(t *testing.T) {
	if got := cell("a\x1b[31mb\x00c\td"); got != "a[31mbc d" {
		t.Errorf("cell = %q", got)
	}
}

func TestCSVIsReadable(t *testing.T) {
	r := review.BuildReport(nil, nil, testNow, review.Options{StaleAfter: testStale})
	var b strings.Builder
	if err := render(&b, formatCSV, auditView(r, formatCSV)); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(b.String()))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// summary header + 10 findings, tokens header, members header.
	if len(recs) != 13 || recs[0][0] != "subject" || recs[11][0] != "id" || recs[12][1] != "email" {
		t.Errorf("records: %q", recs)
	}
}

func TestTimes(t *testing.T) {
	ms := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC).UnixMilli()
	if day(ms) != "2025-03-14" || day(0) != "never" {
		t.Error(day(ms), day(0))
	}
	if stamp(ms) != "2025-03-14T15:09:26Z" || stamp(0) != "" {
		t.Error(stamp(ms))
	}
	if jsonTime(0) != nil || *jsonTime(ms) != "2025-03-14T15:09:26Z" {
		t.Error("jsonTime")
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour,
		"1.5d": 36 * time.Hour, "0d": 0, "45m": 45 * time.Minute,
	} {
		got, err := parseAge(in)
		if err != nil || got != want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "-3d", "-1h", "ninety days", "90x", "1e9d"} {
		if _, err := parseAge(in); err == nil {
			t.Errorf("parseAge(%q) accepted", in)
		}
	}
	if formatAge(90*24*time.Hour) != "90d" || formatAge(90*time.Minute) != "1h30m0s" {
		t.Error("formatAge")
	}
}

func TestParseWhen(t *testing.T) {
	now := testNow
	for in, want := range map[string]time.Time{
		"2025-01-31":           time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC),
		"2025-01-31T10:00:00Z": time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC),
		"10d":                  now.Add(-240 * time.Hour),
	} {
		got, err := parseWhen(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseWhen(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseWhen("yesterday", now); err == nil {
		t.Error("accepted yesterday")
	}
}

func TestSplitList(t *testing.T) {
	got := splitList([]string{"a,b", " c ", "", "d,,"})
	if strings.Join(got, "|") != "a|b|c|d" {
		t.Errorf("splitList = %q", got)
	}
}

func TestDescribeError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&wrapper.APIError{StatusCode: 404, Code: "not_found", Message: "Unknown resource identifier", RequestID: "abc", Method: "GET", Path: "/api/v2/tokens/x"},
			"404 not_found: Unknown resource identifier (request id abc)"},
		{fmt.Errorf("listing members: %w", &wrapper.APIError{StatusCode: 401, Code: "unauthorized", Message: "Invalid access token"}),
			"401 unauthorized: Invalid access token"},
		{&wrapper.APIError{StatusCode: 502, Message: "<html>\n bad\tgateway </html>"}, "502: <html> bad gateway </html>"},
		{&wrapper.APIError{StatusCode: 400, Code: "email_already_exists_in_account", Message: "taken", InvalidEmails: []string{"a@x.io"}},
			"400 email_already_exists_in_account: taken [a@x.io]"},
		{errors.New("ldaccess: dial tcp: connection refused"), "dial tcp: connection refused"},
		{errors.New(strings.Repeat("x", 600)), strings.Repeat("x", 500) + "…"},
	}
	for _, tt := range tests {
		if got := describeError(tt.err); got != tt.want {
			t.Errorf("describeError = %q\nwant %q", got, tt.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{usagef("x"), 2},
		{&runError{usagef("x")}, 2},
		{&runError{&findingsError{3}}, 3},
		{&runError{errors.New("boom")}, 1},
		{&runError{errDeclined}, 1},
		{errors.New(`unknown flag: --bogus`), 2}, // from cobra
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestRetryNotes(t *testing.T) {
	var b strings.Builder
	h := retryLogHandler{s: &statusWriter{w: &b}}
	rec := slog.NewRecord(time.Now(), slog.LevelDebug, "ldaccess: retrying", 0)
	rec.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/v2/members"), slog.Int("attempt", 2),
		slog.Int("status", 429), slog.Duration("wait", 1234567*time.Microsecond), slog.String("reason", "X-Ratelimit-Reset"))
	_ = h.Handle(context.Background(), rec)
	rec = slog.NewRecord(time.Now(), slog.LevelDebug, "ldaccess: retrying", 0)
	rec.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/v2/tokens"), slog.Int("attempt", 1),
		slog.Int("status", 0), slog.Duration("wait", time.Second))
	_ = h.Handle(context.Background(), rec)
	rec = slog.NewRecord(time.Now(), slog.LevelDebug, "ldaccess: rate-limit window spent; waiting for reset", 0)
	rec.AddAttrs(slog.String("method", "GET"), slog.String("path", "/api/v2/members"), slog.Duration("wait", 300*time.Millisecond))
	_ = h.Handle(context.Background(), rec)
	rec = slog.NewRecord(time.Now(), slog.LevelDebug, "something else", 0)
	_ = h.Handle(context.Background(), rec)
	want := "ldaccess: GET /api/v2/members: rate limited; retrying in 1.235s (attempt 2)\n" +
		"ldaccess: GET /api/v2/tokens: no response; retrying in 1s (attempt 1)\n" +
		"ldaccess: GET /api/v2/members: rate limit reached; pausing 300ms until the window resets\n"
	if b.String() != want {
		t.Errorf("notes:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestStatusWriterProgress(t *testing.T) {
	var b strings.Builder
	s := &statusWriter{w: &b, tty: true}
	s.setProgress("members", 100, 500, true)
	s.notef("hello")
	s.setProgress("members", 500, 500, true)
	s.clear()
	want := "members 100/500\r\x1b[Kldaccess: hello\nmembers 100/500\r\x1b[Kmembers 500/500\r\x1b[K"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	s = &statusWriter{w: &b}
	s.setProgress("members", 1, 2, true)
	s.notef("x")
	s.clear()
	if b.String() != "ldaccess: x\n" {
		t.Errorf("not a terminal: %q", b.String())
	}
}

func TestParsePolicy(t *testing.T) {
	stmts, err := parsePolicy(`[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/test:flag/*"]}]`)
	if err != nil || len(stmts) != 1 || (stmts[0].Actions)[0] != "updateOn" {
		t.Fatalf("%v %v", stmts, err)
	}
	file := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(file, []byte(`[{"effect":"deny","notActions":["*"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if stmts, err := parsePolicy("@" + file); err != nil || stmts[0].Effect != "deny" {
		t.Fatalf("@file: %v %v", stmts, err)
	}
	for _, bad := range []string{``, `{}`, `[]`, `[{"effect":"maybe"}]`, `[{"effect":"allow","action":["*"]}]`, "@/no/such/file"} {
		if _, err := parsePolicy(bad); err == nil || exitCode(err) != exitUsage {
			t.Errorf("parsePolicy(%q) = %v", bad, err)
		}
	}
}
