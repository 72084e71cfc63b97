package present

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

var (
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	testStale  = 90 * 24 * time.Hour
	daysAgo    = func(d float64) int64 { return testNow.Add(-time.Duration(d * float64(24*time.Hour))).UnixMilli() }
	adminTeams = []api.MemberTeamSummaryRep{{Key: "platform", Name: "Platform"}}
)

func TestTokenAccess(t *testing.T) {
	tests := []struct {
		tok  api.Token
		want string
	}{
		{api.Token{Role: "writer"}, "writer"},
		{api.Token{CustomRoleIDs: []string{"b", "a"}}, "custom roles: a b"},
		{api.Token{InlineRole: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"proj/*"}}}}, "inline policy: allow * on proj/*"},
		{api.Token{InlineRole: []api.Statement{{Effect: "deny", NotActions: []string{"x"}, NotResources: []string{"y"}}}}, "inline policy: deny all but x on all but y"},
		{api.Token{}, ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, TokenAccess(tt.tok))
	}
}

// A secret is in a created token's output exactly once, whatever the format.
func TestTokenWithItsSecret(t *testing.T) {
	tok := api.Token{ID: "t1", Name: "ci", Secret: "****", Role: "reader"}
	for _, format := range []render.Format{render.Table, render.CSV, render.JSON} {
		var b strings.Builder
		require.NoError(t, render.Write(&b, format, Token(tok, format, "api-0123456789"), render.Options{}))
		assert.Equal(t, 1, strings.Count(b.String(), "api-0123456789"), "%s:\n%s", format, b.String())
	}
}
func TestEmptyReview(t *testing.T) {
	r := review.BuildReport(nil, nil, testNow, review.Options{StaleAfter: testStale})
	for _, format := range []render.Format{render.Table, render.JSON, render.CSV} {
		var b strings.Builder
		require.NoError(t, render.Write(&b, format, Review(r, format), render.Options{}), format)
	}
	var b strings.Builder
	require.NoError(t, render.Write(&b, render.CSV, Review(r, render.CSV), render.Options{}))
	cr := csv.NewReader(strings.NewReader(b.String()))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	require.NoError(t, err)
	// review header + its row, summary header + 10 findings, tokens header, members header.
	require.Len(t, recs, 15, "records: %q", recs)
	assert.Equal(t, "account", recs[0][0])
	assert.Equal(t, "coverage", recs[0][len(recs[0])-1])
	assert.Equal(t, []string{"subject", "finding", "risk", "count", "description"}, recs[2])
	assert.Equal(t, []string{"token", "never-used", "medium", "0", "never used"}, recs[3])
	assert.Equal(t, "id", recs[13][0])
	assert.Equal(t, "email", recs[14][1])
}

// Groups come highest risk first, hold each row once per finding, and their counts are the
// summary's.
func TestGroupedByRisk(t *testing.T) {
	members := []api.Member{
		{ID: "m1", Email: "owner@x.io", Role: "owner", MFA: "disabled", LastSeen: daysAgo(200)},
		{ID: "m2", Email: "fine@x.io", Role: "writer", MFA: "enabled", LastSeen: daysAgo(1), Teams: adminTeams},
	}
	tokens := []api.Token{{ID: "t1", OwnerID: "gone", Role: "admin"}}
	r := review.BuildReport(members, tokens, testNow, review.Options{StaleAfter: testStale})
	r.Name = "a"
	groups := GroupByFinding([]review.Report{r})
	require.Len(t, groups, len(review.FindingsByRisk))
	for i := 1; i < len(groups); i++ {
		assert.GreaterOrEqual(t, groups[i-1].Risk(), groups[i].Risk())
	}
	counts := map[review.Finding]int{}
	for _, g := range groups {
		counts[g.Finding] = g.Count()
	}
	for _, l := range r.Summary() {
		assert.Equal(t, l.Count, counts[l.Finding], l.Finding)
	}

	v := Grouped([]review.Report{r}, false)
	var titles []string
	for _, s := range v.Sections[1:] {
		titles = append(titles, s.Title)
	}
	assert.Equal(t, []string{
		"HIGH risk · over-privileged: 1 token, admin role or wildcard inline policy",
		"HIGH risk · admin-without-mfa: 1 member, admin or owner without MFA",
		"HIGH risk · owner-gone: 1 token, owner is no longer a member",
		"MEDIUM risk · never-used: 1 token, never used",
		"MEDIUM risk · inactive: 1 member, inactive for more than 90 days",
		"LOW risk · no-team: 1 member, not on any team",
	}, titles)
	// m1's other findings are beside it in each of its groups.
	rows := collect(v.Sections[2])
	assert.Equal(t, "inactive,no-team", rows[0][len(v.Sections[2].Header)-1])

	// --all adds the clean rows; with several accounts every table gets an account column.
	b := r
	b.Name = "b"
	v = Grouped([]review.Report{r, b}, true)
	last := v.Sections[len(v.Sections)-1]
	assert.Equal(t, "Members without findings (2)", last.Title)
	assert.Equal(t, []string{"b", "m2"}, collect(last)[1][:2])
	assert.Equal(t, []string{"risk", "finding", "subject", "count", "a", "b", "description"}, v.Sections[0].Header)
}

func collect(s render.Section) [][]string {
	var rows [][]string
	for r := range render.RowsOf(s) {
		rows = append(rows, r)
	}
	return rows
}

// TestTheTerminalShowsAHandfulOfEachFinding: without --all, the most important rows of each
// finding (those whose other findings are worst), and how many more there are.
func TestTheTerminalShowsAHandfulOfEachFinding(t *testing.T) {
	var members []api.Member
	for i := range 12 {
		m := api.Member{ID: fmt.Sprintf("m%02d", i), Email: fmt.Sprintf("m%02d@x.io", i), Role: "reader", MFA: "enabled", LastSeen: daysAgo(1)}
		if i == 9 {
			m.Role, m.MFA = "admin", "disabled" // no-team and, worse, admin-without-mfa
		}
		if i == 10 {
			m.LastSeen = daysAgo(400) // no-team and inactive
		}
		members = append(members, m)
	}
	r := review.BuildReport(members, nil, testNow, review.Options{StaleAfter: testStale})
	v := Grouped([]review.Report{r}, false)
	var noTeam render.Section
	for _, s := range v.Sections {
		if strings.Contains(s.Title, "no-team") {
			noTeam = s
		}
	}
	rows := collect(noTeam)
	require.Len(t, rows, TerminalRows)
	assert.Equal(t, "m09", rows[0][0], "the admin without MFA first")
	assert.Equal(t, "m10", rows[1][0], "then the inactive one")
	assert.Equal(t, "… and 7 more: --all, --format csv or --format html", noTeam.Footer)

	all := Grouped([]review.Report{r}, true)
	for _, s := range all.Sections {
		if strings.Contains(s.Title, "no-team") {
			assert.Len(t, collect(s), 12, "--all: every row")
			assert.Empty(t, s.Footer)
		}
	}
}

// Every table says which columns identify its rows: fitting keeps them.
func TestEveryTableSaysWhatIdentifiesItsRows(t *testing.T) {
	r := review.BuildReport([]api.Member{{ID: "m", Email: "a@x.io", Role: "reader"}}, []api.Token{{ID: "t", Name: "n", Role: "admin"}}, testNow, review.Options{StaleAfter: testStale})
	accounts := []review.Report{r}
	views := map[string]render.View{
		"tokens": Tokens([]api.Token{{ID: "t"}}, render.Table), "members": Members([]api.Member{{ID: "m"}}, render.Table),
		"review": Review(r, render.Table), "reviews": Reviews(append(accounts, accounts...), render.Table), "grouped": Grouped(accounts, true),
		"plan":    Plan(review.Plan{Actions: []review.Action{{Kind: review.DeleteToken, ObjectID: "t"}}}),
		"results": Results(review.Result{Outcomes: []review.Outcome{{Status: review.Applied}}}, 1, "Applied"),
	}
	for name, v := range views {
		for _, s := range v.Sections {
			if s.Record || len(collect(s)) == 0 || len(s.Header) <= 2 && s.Header[0] != "id" {
				continue // records are never fitted; summaries of counts have nothing to identify
			}
			if s.Header[0] == "risk" || s.Header[0] == "subject" || s.Header[0] == "account" && s.Header[1] == "owner" {
				continue
			}
			assert.NotEmpty(t, s.Identify, "%s: %q", name, s.Title)
			for _, id := range s.Identify {
				assert.Contains(t, s.Header, id, "%s: %q", name, s.Title)
			}
		}
	}
}

// TestTheRecordIsCleanedInEveryFormat: names a server sends for the record (the caller's token,
// the owner's email) reach no output with escape, control or bidirectional characters.
func TestTheRecordIsCleanedInEveryFormat(t *testing.T) {
	const hostile = "ci\x1b[2J\u202egnp.exe\u200b"
	r := review.BuildReport([]api.Member{{ID: "o", Email: "boss" + hostile + "@x.io", Role: "owner"}}, nil, testNow, review.Options{})
	r.Caller = review.Caller{MemberID: "o", Email: "boss" + hostile + "@x.io", TokenIDs: []string{"t"}, TokenName: hostile}
	r.Name = "prod" + hostile
	var outs []string
	for _, format := range []render.Format{render.Table, render.CSV} {
		var b strings.Builder
		require.NoError(t, render.Write(&b, format, Review(r, format), render.Options{}))
		outs = append(outs, b.String())
	}
	var b strings.Builder
	require.NoError(t, render.Write(&b, render.Table, Grouped([]review.Report{r}, false), render.Options{Width: 120}))
	outs = append(outs, b.String())
	b.Reset()
	require.NoError(t, WriteHTML(&b, []review.Report{r}, false))
	outs = append(outs, b.String())
	c, err := review.Diff(r, r)
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, WriteChangesHTML(&b, c))
	outs = append(outs, b.String())
	for i, out := range outs {
		assert.NotContains(t, out, "\x1b", "output %d", i)
		assert.NotContains(t, out, "\u202e", "output %d", i)
		assert.NotContains(t, out, "\u200b", "output %d", i)
		assert.Contains(t, out, "ci[2Jgnp.exe", "output %d: the name is there, cleaned", i)
	}
}

// Whatever reaches an HTML file, by the cleaned values or any other way, passes one filter on
// its way out: no character that hides or reorders text, and the page's own line breaks kept.
func TestHTMLPassesOneFilterOnItsWayOut(t *testing.T) {
	var b strings.Builder
	_, err := harmless{&b}.Write([]byte("<td>ci\u202egnp.exe\x1b[2J\u200bx\u00adz</td>\n\t<tr>\n"))
	require.NoError(t, err)
	assert.Equal(t, "<td>cignp.exe[2Jxz</td>\n\t<tr>\n", b.String())
}
