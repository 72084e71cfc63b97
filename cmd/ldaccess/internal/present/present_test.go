package present

import (
	"encoding/csv"
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
	// summary header + 10 findings, tokens header, members header.
	require.Len(t, recs, 13, "records: %q", recs)
	assert.Equal(t, "subject", recs[0][0])
	assert.Equal(t, "id", recs[11][0])
	assert.Equal(t, "email", recs[12][1])
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
	groups := GroupByFinding([]AccountReport{{Account: "a", Report: r}})
	require.Len(t, groups, len(ByRisk))
	for i := 1; i < len(groups); i++ {
		assert.GreaterOrEqual(t, groups[i-1].Kind.Risk, groups[i].Kind.Risk)
	}
	counts := map[review.Finding]int{}
	for _, g := range groups {
		counts[g.Kind.Finding] = g.Count()
	}
	for _, l := range r.Summary() {
		assert.Equal(t, l.Count, counts[l.Finding], l.Finding)
	}

	v := Grouped([]AccountReport{{Account: "a", Report: r}}, false)
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
	assert.Equal(t, "inactive,no-team", v.Sections[2].Rows[0][len(v.Sections[2].Header)-1])

	// --all adds the clean rows; with several accounts every table gets an account column.
	v = Grouped([]AccountReport{{Account: "a", Report: r}, {Account: "b", Report: r}}, true)
	last := v.Sections[len(v.Sections)-1]
	assert.Equal(t, "Members without findings (2)", last.Title)
	assert.Equal(t, []string{"b", "m2"}, last.Rows[1][:2])
	assert.Equal(t, []string{"risk", "finding", "subject", "count", "a", "b", "description"}, v.Sections[0].Header)
}

// Every finding the review can report has a place, and one only, in the grouped view's
// ranking: a finding missing from it would be filed under another's heading.
func TestByRiskListsEveryFinding(t *testing.T) {
	var ranked []review.Finding
	for _, k := range ByRisk {
		ranked = append(ranked, k.Finding)
		assert.Equal(t, k.Finding.Subject(), k.Subject, "%s", k.Finding)
	}
	all := append(append([]review.Finding{}, review.TokenFindingOrder...), review.MemberFindingOrder...)
	assert.ElementsMatch(t, all, ranked)
}

// Every table says which columns identify its rows: fitting keeps them.
func TestEveryTableSaysWhatIdentifiesItsRows(t *testing.T) {
	r := review.BuildReport([]api.Member{{ID: "m", Email: "a@x.io", Role: "reader"}}, []api.Token{{ID: "t", Name: "n", Role: "admin"}}, testNow, review.Options{StaleAfter: testStale})
	accounts := []AccountReport{{Account: "a", Report: r}}
	views := map[string]render.View{
		"tokens": Tokens([]api.Token{{ID: "t"}}, render.Table), "members": Members([]api.Member{{ID: "m"}}, render.Table),
		"review": Review(r, render.Table), "reviews": Reviews(append(accounts, accounts...), render.Table), "grouped": Grouped(accounts, true),
		"plan":    Plan(review.Plan{Actions: []review.Action{{Kind: review.DeleteToken, ObjectID: "t"}}}),
		"results": Results(review.Result{Outcomes: []review.Outcome{{Status: review.Applied}}}, 1, "Applied"),
	}
	for name, v := range views {
		for _, s := range v.Sections {
			if s.Record || len(s.Rows) == 0 || len(s.Header) <= 2 && s.Header[0] != "id" {
				continue // records are never fitted; summaries of counts have nothing to identify
			}
			if s.Header[0] == "risk" || s.Header[0] == "subject" {
				continue
			}
			assert.NotEmpty(t, s.Identify, "%s: %q", name, s.Title)
			for _, id := range s.Identify {
				assert.Contains(t, s.Header, id, "%s: %q", name, s.Title)
			}
		}
	}
}
