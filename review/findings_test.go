package review

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

var (
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	opts       = Options{StaleAfter: 90 * 24 * time.Hour, RotateAfter: 10 * 365 * 24 * time.Hour}
	daysAgo    = func(d float64) int64 { return testNow.Add(-time.Duration(d * float64(24*time.Hour))).UnixMilli() }
	adminTeams = []api.MemberTeamSummaryRep{{Key: "platform", Name: "Platform"}}
)

func ptr[T any](v T) *T { return &v }

func TestTokenFindings(t *testing.T) {
	members := map[string]bool{"owner1": true}
	base := func() api.Token {
		return api.Token{ID: "t1", OwnerID: "owner1", MemberID: "owner1", Role: "reader", LastUsed: daysAgo(1), CreationDate: daysAgo(400)}
	}
	stmt := func(effect api.StatementEffect, actions, resources []string) api.Statement {
		s := api.Statement{Effect: effect}
		if actions != nil {
			s.Actions = actions
		}
		if resources != nil {
			s.Resources = resources
		}
		return s
	}
	tests := []struct {
		name   string
		modify func(*api.Token)
		want   []Finding
	}{
		{"clean", func(*api.Token) {}, nil},
		{"never used: no lastUsed", func(t *api.Token) { t.LastUsed = 0 }, []Finding{TokenNeverUsed}},
		{"never used: lastUsed 0", func(t *api.Token) { t.LastUsed = 0 }, []Finding{TokenNeverUsed}},
		{"used exactly stale-after ago is not stale", func(t *api.Token) { t.LastUsed = daysAgo(90) }, nil},
		{"used just over stale-after ago is stale", func(t *api.Token) { t.LastUsed = daysAgo(90) - 1 }, []Finding{TokenStale}},
		{"used long ago", func(t *api.Token) { t.LastUsed = daysAgo(365) }, []Finding{TokenStale}},
		{"used in the future (clock skew)", func(t *api.Token) { t.LastUsed = daysAgo(-3) }, nil},
		{"admin role", func(t *api.Token) { t.Role = "admin" }, []Finding{TokenOverPrivileged}},
		{"owner role", func(t *api.Token) { t.Role = "owner" }, []Finding{TokenOverPrivileged}},
		{"writer role", func(t *api.Token) { t.Role = "writer" }, nil},
		{"custom roles only", func(t *api.Token) { t.Role = ""; t.CustomRoleIDs = []string{"abc"} }, nil},
		{"wildcard action", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", []string{"*"}, []string{"proj/default"})}
		}, []Finding{TokenOverPrivileged}},
		{"wildcard resource", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", []string{"updateOn"}, []string{"*"})}
		}, []Finding{TokenOverPrivileged}},
		{"wildcard in a later statement", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{
				stmt("allow", []string{"updateOn"}, []string{"proj/x"}),
				stmt("allow", []string{"createFlag", "*"}, []string{"proj/y"}),
			}
		}, []Finding{TokenOverPrivileged}},
		{"scoped wildcard is not the wildcard", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", []string{"updateOn"}, []string{"proj/*:env/test:flag/*"})}
		}, nil},
		{"deny with wildcard grants nothing", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("deny", []string{"*"}, []string{"*"})}
		}, nil},
		{"statement without actions or resources", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", nil, nil)}
		}, nil},
		{"owner gone", func(t *api.Token) { t.OwnerID = "someone-else" }, []Finding{TokenOwnerGone}},
		{"no owner", func(t *api.Token) { t.OwnerID = "" }, []Finding{TokenOwnerGone}},
		{"everything at once", func(t *api.Token) {
			t.LastUsed = 0
			t.Role = "admin"
			t.OwnerID = "gone"
		}, []Finding{TokenNeverUsed, TokenOverPrivileged, TokenOwnerGone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := base()
			tt.modify(&tok)
			got := TokenFindings(tok, members, testNow, opts)
			assert.Equal(t, tt.want, got, "tokenFindings")
		})
	}
}

func TestMemberFindings(t *testing.T) {
	base := func() api.Member {
		return api.Member{ID: "m1", Email: "a@x.io", Role: "writer", MFA: "disabled", LastSeen: daysAgo(2),
			CreationDate: daysAgo(500), Verified: true, CustomRoles: []string{}, Teams: adminTeams}
	}
	tests := []struct {
		name   string
		modify func(*api.Member)
		want   []Finding
	}{
		{"clean", func(*api.Member) {}, nil},
		{"never logged in", func(m *api.Member) { m.LastSeen = 0 }, []Finding{MemberNeverLoggedIn}},
		{"seen exactly stale-after ago", func(m *api.Member) { m.LastSeen = daysAgo(90) }, nil},
		{"inactive", func(m *api.Member) { m.LastSeen = daysAgo(91) }, []Finding{MemberInactive}},
		{"seen in the future", func(m *api.Member) { m.LastSeen = daysAgo(-1) }, nil},
		{"admin without MFA", func(m *api.Member) { m.Role = "admin" }, []Finding{MemberAdminNoMFA}},
		{"owner without MFA", func(m *api.Member) { m.Role = "owner" }, []Finding{MemberAdminNoMFA}},
		{"admin with MFA", func(m *api.Member) { m.Role = "admin"; m.MFA = "enabled" }, nil},
		{"admin with unknown MFA state", func(m *api.Member) { m.Role = "admin"; m.MFA = "" }, []Finding{MemberAdminNoMFA}},
		{"writer without MFA is fine", func(m *api.Member) { m.Role = "writer"; m.MFA = "disabled" }, nil},
		{"fresh invite", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.Verified, m.CreationDate = true, 0, false, daysAgo(3)
		}, nil},
		{"stale invite", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.Verified, m.CreationDate = true, 0, false, daysAgo(120)
		}, []Finding{MemberStaleInvite}},
		{"invite exactly stale-after old", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.CreationDate = true, 0, daysAgo(90)
		}, nil},
		{"no teams (nil)", func(m *api.Member) { m.Teams = nil }, []Finding{MemberNoTeam}},
		{"no teams (empty)", func(m *api.Member) { m.Teams = []api.MemberTeamSummaryRep{} }, []Finding{MemberNoTeam}},
		{"everything at once", func(m *api.Member) {
			m.Role, m.MFA, m.LastSeen, m.Teams = "admin", "disabled", daysAgo(200), nil
		}, []Finding{MemberInactive, MemberAdminNoMFA, MemberNoTeam}},
		{"pending admin invite on no team", func(m *api.Member) {
			m.Role, m.PendingInvite, m.LastSeen, m.CreationDate, m.Teams = "admin", true, 0, daysAgo(100), nil
		}, []Finding{MemberAdminNoMFA, MemberStaleInvite, MemberNoTeam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.modify(&m)
			got := MemberFindings(m, testNow, opts)
			assert.Equal(t, tt.want, got, "memberFindings")
		})
	}
}

func TestStaleAfterIsAParameter(t *testing.T) {
	m := api.Member{ID: "m", Role: "reader", MFA: "enabled", LastSeen: daysAgo(10), Teams: adminTeams}
	assert.Equal(t, []Finding{MemberInactive}, MemberFindings(m, testNow, Options{StaleAfter: 7 * 24 * time.Hour}), "with 7d")
	assert.Nil(t, MemberFindings(m, testNow, Options{StaleAfter: 30 * 24 * time.Hour}), "with 30d")
	tok := api.Token{ID: "t", OwnerID: "m", LastUsed: daysAgo(10)}
	assert.Equal(t, []Finding{TokenStale}, TokenFindings(tok, map[string]bool{"m": true}, testNow, Options{StaleAfter: 7 * 24 * time.Hour}), "token with 7d")
}

func TestBuildReportAndSummary(t *testing.T) {
	members := []api.Member{
		{ID: "m1", Email: "owner@x.io", Role: "owner", MFA: "enabled", LastSeen: daysAgo(1), Teams: adminTeams},
		{ID: "m2", Email: "old@x.io", Role: "admin", MFA: "disabled", LastSeen: daysAgo(200)},
		{ID: "m3", Email: "new@x.io", Role: "reader", PendingInvite: true, CreationDate: daysAgo(100), Teams: adminTeams},
		{ID: "m4", Email: "fine@x.io", Role: "writer", LastSeen: daysAgo(5), Teams: adminTeams},
	}
	tokens := []api.Token{
		{ID: "t1", OwnerID: "m1", Role: "admin", LastUsed: daysAgo(1)},
		{ID: "t2", OwnerID: "gone", Role: "reader"},
		{ID: "t3", OwnerID: "m4", Role: "writer", LastUsed: daysAgo(3), Member: api.MemberSummary{ID: "m4", Email: "other@x.io"}},
		{ID: "t4", OwnerID: "gone2", Role: "writer", LastUsed: daysAgo(3), Member: api.MemberSummary{ID: "gone2", Email: "left@x.io"}},
	}
	r := BuildReport(members, tokens, testNow, opts)
	require.Equal(t, 4, r.TokenCount, "token count")
	require.Equal(t, 4, r.MemberCount, "member count")
	wantOwners := []string{"owner@x.io", "gone", "fine@x.io", "left@x.io"}
	for i, row := range r.Tokens {
		assert.Equal(t, wantOwners[i], row.Owner, "token %d owner", i)
	}
	got := map[string]int{}
	for _, l := range r.Summary() {
		got[l.Subject+"/"+string(l.Finding)] = l.Count
	}
	want := map[string]int{
		"token/never-used": 1, "token/stale": 0, "token/over-privileged": 1, "token/owner-gone": 2, "token/rotation-due": 0,
		"member/never-logged-in": 0, "member/inactive": 1, "member/admin-without-mfa": 1,
		"member/stale-invite": 1, "member/no-team": 1,
	}
	assert.Equal(t, want, got, "summary")
	assert.Equal(t, 8, r.FindingCount(), "findingCount")
	only := r.OnlyFindings()
	assert.Len(t, only.Tokens, 3, "onlyFindings tokens")
	assert.Len(t, only.Members, 2, "onlyFindings members")
	assert.Equal(t, 4, only.TokenCount, "onlyFindings keeps the token count")
	assert.Equal(t, 4, only.MemberCount, "onlyFindings keeps the member count")
	assert.Equal(t, r.Summary(), only.Summary(), "onlyFindings changed the summary")
	// The summary lists every finding, zeros included, tokens first.
	s := r.Summary()
	require.Len(t, s, len(TokenFindingOrder)+len(MemberFindingOrder), "summary shape: %v", s)
	assert.Equal(t, "token", s[0].Subject, "summary starts with tokens: %v", s)
	assert.Equal(t, "member", s[len(s)-1].Subject, "summary ends with members: %v", s)
}

func TestFindingDescriptions(t *testing.T) {
	for _, f := range append(append([]Finding{}, TokenFindingOrder...), MemberFindingOrder...) {
		d := opts.Describe(f)
		assert.NotEmpty(t, d, "%s has no description", f)
		assert.NotEqual(t, string(f), d, "%s has no description", f)
	}
	assert.Equal(t, "unused for more than 90 days", opts.Describe(TokenStale))
	assert.Equal(t, "inactive for more than 36h0m0s", (Options{StaleAfter: 36 * time.Hour}).Describe(MemberInactive))
}

func TestRotationDue(t *testing.T) {
	o := Options{RotateAfter: 90 * 24 * time.Hour}
	members := map[string]bool{"m": true}
	tests := []struct {
		name                  string
		created, lastModified float64 // days ago
		want                  bool
	}{
		{"created long ago, never reset", 400, 400, true},
		{"created long ago, reset recently", 400, 10, false},
		{"created exactly rotate-after ago", 90, 90, false},
		{"created just now", 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := api.Token{ID: "t", OwnerID: "m", Role: "reader", LastUsed: daysAgo(1),
				CreationDate: daysAgo(tt.created), LastModified: daysAgo(tt.lastModified)}
			got := TokenFindings(tok, members, testNow, o)
			if tt.want {
				assert.Equal(t, []Finding{TokenRotationDue}, got, "want rotation-due")
			} else {
				assert.Nil(t, got, "want no findings")
			}
		})
	}
	assert.Equal(t, "secret older than 90 days", o.Describe(TokenRotationDue))
}
