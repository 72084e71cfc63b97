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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, render(&b, formatTable, v))
	assert.Equal(t, "First\nID  LAST SEEN\n1   x,y\n22  -\n\nSecond\nnothing\n", b.String(), "table")

	b.Reset()
	require.NoError(t, render(&b, formatCSV, v))
	assert.Equal(t, "id,last_seen\n1,\"x,y\"\n22,\n\nn\n", b.String(), "csv")

	b.Reset()
	require.NoError(t, render(&b, formatJSON, v))
	var back []map[string]string
	require.NoError(t, json.Unmarshal([]byte(b.String()), &back), "json: %q", b.String())
	require.NotEmpty(t, back, "json: %q", b.String())
	assert.Equal(t, "1", back[0]["id"], "json: %q", b.String())
}

func TestRenderRecordAndText(t *testing.T) {
	v := view{Sections: []section{{Header: []string{"id", "name"}, Rows: [][]string{{"1", "a\tb\nc"}}, Record: true}}}
	var b strings.Builder
	require.NoError(t, render(&b, formatTable, v))
	assert.Equal(t, "id:    1\nname:  a b c\n", b.String(), "record")
	b.Reset()
	v.Text = "done"
	_ = render(&b, formatTable, v)
	assert.Equal(t, "done\n", b.String(), "text")
}

func TestCellStripsControlCharacters(t *testing.T) {
	assert.Equal(t, "a[31mbc d", cell("a\x1b[31mb\x00c\td"))
}

func TestCSVIsReadable(t *testing.T) {
	r := review.BuildReport(nil, nil, testNow, review.Options{StaleAfter: testStale})
	var b strings.Builder
	require.NoError(t, render(&b, formatCSV, auditView(r, formatCSV)))
	cr := csv.NewReader(strings.NewReader(b.String()))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	require.NoError(t, err)
	// summary header + 10 findings, tokens header, members header.
	require.Len(t, recs, 13, "records: %q", recs)
	assert.Equal(t, "subject", recs[0][0], "records: %q", recs)
	assert.Equal(t, "id", recs[11][0], "records: %q", recs)
	assert.Equal(t, "email", recs[12][1], "records: %q", recs)
}

func TestTimes(t *testing.T) {
	ms := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC).UnixMilli()
	assert.Equal(t, "2025-03-14", day(ms))
	assert.Equal(t, "never", day(0))
	assert.Equal(t, "2025-03-14T15:09:26Z", stamp(ms))
	assert.Empty(t, stamp(0))
	assert.Nil(t, jsonTime(0))
	require.NotNil(t, jsonTime(ms))
	assert.Equal(t, "2025-03-14T15:09:26Z", *jsonTime(ms))
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour,
		"1.5d": 36 * time.Hour, "0d": 0, "45m": 45 * time.Minute,
	} {
		got, err := review.ParseAge(in)
		assert.NoError(t, err, "review.ParseAge(%q)", in)
		assert.Equal(t, want, got, "review.ParseAge(%q)", in)
	}
	for _, in := range []string{"", "d", "-3d", "-1h", "ninety days", "90x", "1e9d"} {
		_, err := review.ParseAge(in)
		assert.Error(t, err, "review.ParseAge(%q) accepted", in)
	}
	assert.Equal(t, "90d", review.FormatAge(90*24*time.Hour))
	assert.Equal(t, "1h30m0s", review.FormatAge(90*time.Minute))
}

func TestParseWhen(t *testing.T) {
	now := testNow
	for in, want := range map[string]time.Time{
		"2025-01-31":           time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC),
		"2025-01-31T10:00:00Z": time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC),
		"10d":                  now.Add(-240 * time.Hour),
	} {
		got, err := parseWhen(in, now)
		assert.NoError(t, err, "parseWhen(%q)", in)
		assert.True(t, got.Equal(want), "parseWhen(%q) = %v, want %v", in, got, want)
	}
	_, err := parseWhen("yesterday", now)
	assert.Error(t, err, "accepted yesterday")
}

func TestSplitList(t *testing.T) {
	got := splitList([]string{"a,b", " c ", "", "d,,"})
	assert.Equal(t, "a|b|c|d", strings.Join(got, "|"), "splitList = %q", got)
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
		assert.Equal(t, tt.want, describeError(tt.err), "describeError")
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
		assert.Equal(t, tt.want, exitCode(tt.err), "exitCode(%v)", tt.err)
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
	assert.Equal(t, want, b.String(), "notes")
}

func TestStatusWriterProgress(t *testing.T) {
	var b strings.Builder
	s := &statusWriter{w: &b, tty: true}
	s.setProgress("members", 100, 500, true)
	s.notef("hello")
	s.setProgress("members", 500, 500, true)
	s.clear()
	want := "members 100/500\r\x1b[Kldaccess: hello\nmembers 100/500\r\x1b[Kmembers 500/500\r\x1b[K"
	assert.Equal(t, want, b.String(), "terminal")
	b.Reset()
	s = &statusWriter{w: &b}
	s.setProgress("members", 1, 2, true)
	s.notef("x")
	s.clear()
	assert.Equal(t, "ldaccess: x\n", b.String(), "not a terminal")
}

func TestParsePolicy(t *testing.T) {
	stmts, err := parsePolicy(`[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/test:flag/*"]}]`)
	require.NoError(t, err)
	require.Len(t, stmts, 1, "%v", stmts)
	require.NotEmpty(t, stmts[0].Actions, "%v", stmts)
	require.Equal(t, "updateOn", stmts[0].Actions[0], "%v", stmts)
	file := filepath.Join(t.TempDir(), "p.json")
	require.NoError(t, os.WriteFile(file, []byte(`[{"effect":"deny","notActions":["*"]}]`), 0o600))
	stmts, err = parsePolicy("@" + file)
	require.NoError(t, err, "@file")
	require.NotEmpty(t, stmts, "@file")
	require.Equal(t, "deny", string(stmts[0].Effect), "@file: %v", stmts)
	for _, bad := range []string{``, `{}`, `[]`, `[{"effect":"maybe"}]`, `[{"effect":"allow","action":["*"]}]`, "@/no/such/file"} {
		_, err := parsePolicy(bad)
		assert.Error(t, err, "parsePolicy(%q)", bad)
		assert.Equal(t, exitUsage, exitCode(err), "parsePolicy(%q) = %v", bad, err)
	}
}
