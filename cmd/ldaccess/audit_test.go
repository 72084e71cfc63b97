package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

var (
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	testStale  = 90 * 24 * time.Hour
	daysAgo    = func(d float64) int64 { return testNow.Add(-time.Duration(d * float64(24*time.Hour))).UnixMilli() }
	adminTeams = []api.MemberTeamSummaryRep{{Key: "platform", Name: "Platform"}}
)

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
		want   []finding
	}{
		{"clean", func(*api.Token) {}, nil},
		{"never used: no lastUsed", func(t *api.Token) { t.LastUsed = 0 }, []finding{tokenNeverUsed}},
		{"never used: lastUsed 0", func(t *api.Token) { t.LastUsed = 0 }, []finding{tokenNeverUsed}},
		{"used exactly stale-after ago is not stale", func(t *api.Token) { t.LastUsed = daysAgo(90) }, nil},
		{"used just over stale-after ago is stale", func(t *api.Token) { t.LastUsed = daysAgo(90) - 1 }, []finding{tokenStale}},
		{"used long ago", func(t *api.Token) { t.LastUsed = daysAgo(365) }, []finding{tokenStale}},
		{"used in the future (clock skew)", func(t *api.Token) { t.LastUsed = daysAgo(-3) }, nil},
		{"admin role", func(t *api.Token) { t.Role = "admin" }, []finding{tokenOverPrivileged}},
		{"owner role", func(t *api.Token) { t.Role = "owner" }, []finding{tokenOverPrivileged}},
		{"writer role", func(t *api.Token) { t.Role = "writer" }, nil},
		{"custom roles only", func(t *api.Token) { t.Role = ""; t.CustomRoleIDs = []string{"abc"} }, nil},
		{"wildcard action", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", []string{"*"}, []string{"proj/default"})}
		}, []finding{tokenOverPrivileged}},
		{"wildcard resource", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{stmt("allow", []string{"updateOn"}, []string{"*"})}
		}, []finding{tokenOverPrivileged}},
		{"wildcard in a later statement", func(t *api.Token) {
			t.Role = ""
			t.InlineRole = []api.Statement{
				stmt("allow", []string{"updateOn"}, []string{"proj/x"}),
				stmt("allow", []string{"createFlag", "*"}, []string{"proj/y"}),
			}
		}, []finding{tokenOverPrivileged}},
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
		{"owner gone", func(t *api.Token) { t.OwnerID = "someone-else" }, []finding{tokenOwnerGone}},
		{"no owner", func(t *api.Token) { t.OwnerID = "" }, []finding{tokenOwnerGone}},
		{"everything at once", func(t *api.Token) {
			t.LastUsed = 0
			t.Role = "admin"
			t.OwnerID = "gone"
		}, []finding{tokenNeverUsed, tokenOverPrivileged, tokenOwnerGone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := base()
			tt.modify(&tok)
			got := tokenFindings(tok, members, testNow, testStale)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tokenFindings = %v, want %v", got, tt.want)
			}
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
		want   []finding
	}{
		{"clean", func(*api.Member) {}, nil},
		{"never logged in", func(m *api.Member) { m.LastSeen = 0 }, []finding{memberNeverLoggedIn}},
		{"seen exactly stale-after ago", func(m *api.Member) { m.LastSeen = daysAgo(90) }, nil},
		{"inactive", func(m *api.Member) { m.LastSeen = daysAgo(91) }, []finding{memberInactive}},
		{"seen in the future", func(m *api.Member) { m.LastSeen = daysAgo(-1) }, nil},
		{"admin without MFA", func(m *api.Member) { m.Role = "admin" }, []finding{memberAdminNoMFA}},
		{"owner without MFA", func(m *api.Member) { m.Role = "owner" }, []finding{memberAdminNoMFA}},
		{"admin with MFA", func(m *api.Member) { m.Role = "admin"; m.MFA = "enabled" }, nil},
		{"admin with unknown MFA state", func(m *api.Member) { m.Role = "admin"; m.MFA = "" }, []finding{memberAdminNoMFA}},
		{"writer without MFA is fine", func(m *api.Member) { m.Role = "writer"; m.MFA = "disabled" }, nil},
		{"fresh invite", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.Verified, m.CreationDate = true, 0, false, daysAgo(3)
		}, nil},
		{"stale invite", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.Verified, m.CreationDate = true, 0, false, daysAgo(120)
		}, []finding{memberStaleInvite}},
		{"invite exactly stale-after old", func(m *api.Member) {
			m.PendingInvite, m.LastSeen, m.CreationDate = true, 0, daysAgo(90)
		}, nil},
		{"no teams (nil)", func(m *api.Member) { m.Teams = nil }, []finding{memberNoTeam}},
		{"no teams (empty)", func(m *api.Member) { m.Teams = []api.MemberTeamSummaryRep{} }, []finding{memberNoTeam}},
		{"everything at once", func(m *api.Member) {
			m.Role, m.MFA, m.LastSeen, m.Teams = "admin", "disabled", daysAgo(200), nil
		}, []finding{memberInactive, memberAdminNoMFA, memberNoTeam}},
		{"pending admin invite on no team", func(m *api.Member) {
			m.Role, m.PendingInvite, m.LastSeen, m.CreationDate, m.Teams = "admin", true, 0, daysAgo(100), nil
		}, []finding{memberAdminNoMFA, memberStaleInvite, memberNoTeam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.modify(&m)
			got := memberFindings(m, testNow, testStale)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("memberFindings = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStaleAfterIsAParameter(t *testing.T) {
	m := api.Member{ID: "m", Role: "reader", MFA: "enabled", LastSeen: daysAgo(10), Teams: adminTeams}
	if got := memberFindings(m, testNow, 7*24*time.Hour); !reflect.DeepEqual(got, []finding{memberInactive}) {
		t.Errorf("with 7d: %v", got)
	}
	if got := memberFindings(m, testNow, 30*24*time.Hour); got != nil {
		t.Errorf("with 30d: %v", got)
	}
	tok := api.Token{ID: "t", OwnerID: "m", LastUsed: daysAgo(10)}
	if got := tokenFindings(tok, map[string]bool{"m": true}, testNow, 7*24*time.Hour); !reflect.DeepEqual(got, []finding{tokenStale}) {
		t.Errorf("token with 7d: %v", got)
	}
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
	r := buildReport(members, tokens, testNow, testStale)
	if r.TokenCount != 4 || r.MemberCount != 4 {
		t.Fatalf("counts %d %d", r.TokenCount, r.MemberCount)
	}
	wantOwners := []string{"owner@x.io", "gone", "fine@x.io", "left@x.io"}
	for i, row := range r.Tokens {
		if row.Owner != wantOwners[i] {
			t.Errorf("token %d owner %q, want %q", i, row.Owner, wantOwners[i])
		}
	}
	got := map[string]int{}
	for _, l := range r.summary() {
		got[l.Subject+"/"+string(l.Finding)] = l.Count
	}
	want := map[string]int{
		"token/never-used": 1, "token/stale": 0, "token/over-privileged": 1, "token/owner-gone": 2,
		"member/never-logged-in": 0, "member/inactive": 1, "member/admin-without-mfa": 1,
		"member/stale-invite": 1, "member/no-team": 1,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary %v\nwant %v", got, want)
	}
	if n := r.findingCount(); n != 8 {
		t.Errorf("findingCount = %d, want 8", n)
	}
	only := r.onlyFindings()
	if len(only.Tokens) != 3 || len(only.Members) != 2 || only.TokenCount != 4 || only.MemberCount != 4 {
		t.Errorf("onlyFindings: %d tokens, %d members", len(only.Tokens), len(only.Members))
	}
	if !reflect.DeepEqual(only.summary(), r.summary()) {
		t.Error("onlyFindings changed the summary")
	}
	// The summary lists every finding, zeros included, tokens first.
	s := r.summary()
	if len(s) != len(tokenFindingOrder)+len(memberFindingOrder) || s[0].Subject != "token" || s[len(s)-1].Subject != "member" {
		t.Errorf("summary shape: %v", s)
	}
}

func TestEmptyAccount(t *testing.T) {
	r := buildReport(nil, nil, testNow, testStale)
	if r.findingCount() != 0 || len(r.summary()) != 9 {
		t.Fatal(r)
	}
	for _, format := range []string{formatTable, formatJSON, formatCSV} {
		var b strings.Builder
		if err := render(&b, format, auditView(r, format)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTokenAccess(t *testing.T) {
	tests := []struct {
		tok  api.Token
		want string
	}{
		{api.Token{Role: "writer"}, "writer"},
		{api.Token{CustomRoleIDs: []string{"b", "a"}}, "custom roles: a b"},
		{api.Token{InlineRole: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"proj/*"}}}}, "inline policy: allow * on proj/*"},
		{api.Token{InlineRole: []api.Statement{{Effect: "deny", NotActions: []string{"x"}, NotResources: []string{"y"}}}}, "inline policy: deny all but x on all but y"},
		{api.Token{}, "-"},
	}
	for _, tt := range tests {
		if got := tokenAccess(tt.tok); got != tt.want {
			t.Errorf("tokenAccess = %q, want %q", got, tt.want)
		}
	}
}

func TestFindingDescriptions(t *testing.T) {
	for _, f := range append(append([]finding{}, tokenFindingOrder...), memberFindingOrder...) {
		if d := f.describe(testStale); d == "" || d == string(f) {
			t.Errorf("%s has no description", f)
		}
	}
	if d := tokenStale.describe(testStale); d != "unused for more than 90 days" {
		t.Error(d)
	}
	if d := memberInactive.describe(36 * time.Hour); d != "inactive for more than 36h0m0s" {
		t.Error(d)
	}
}
