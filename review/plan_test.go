package review

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func TestReadPolicy(t *testing.T) {
	tests := []struct {
		name, json, err string
	}{
		{"empty", `{}`, ""},
		{"every action", `{"rules": [
			{"finding": "stale", "action": "delete-token"},
			{"finding": "rotation-due", "action": "reset-token", "expireOldIn": "24h"},
			{"finding": "inactive", "olderThan": "180d", "action": "remove-member"},
			{"finding": "admin-without-mfa", "action": "set-role", "role": "reader"},
			{"finding": "no-team", "action": "remove-custom-roles"}],
			"never": ["a@x.io"]}`, ""},
		{"unknown field", `{"rules": [{"finding": "stale", "action": "delete-token", "when": "now"}]}`, `unknown field "when"`},
		{"unknown finding", `{"rules": [{"finding": "old", "action": "delete-token"}]}`, `unknown finding "old"`},
		{"unknown action", `{"rules": [{"finding": "stale", "action": "burn"}]}`, `unknown action "burn"`},
		{"wrong subject", `{"rules": [{"finding": "inactive", "action": "delete-token"}]}`, "inactive is a member finding; delete-token acts on a token"},
		{"set-role without role", `{"rules": [{"finding": "inactive", "action": "set-role"}]}`, "role must be one of"},
		{"set-role to owner", `{"rules": [{"finding": "inactive", "action": "set-role", "role": "owner"}]}`, "role must be one of"},
		{"set-role to admin: a remediation grants no admin", `{"rules": [{"finding": "admin-without-mfa", "action": "set-role", "role": "admin"}]}`, "role must be one of"},
		{"role on another action", `{"rules": [{"finding": "inactive", "action": "remove-member", "role": "reader"}]}`, "role is only for set-role"},
		{"bad age", `{"rules": [{"finding": "inactive", "action": "remove-member", "olderThan": "soon"}]}`, "invalid duration"},
		{"two values", `{} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPolicy(strings.NewReader(tt.json))
			if tt.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tt.err)
			}
		})
	}
}

func TestNewPlan(t *testing.T) {
	members := []api.Member{
		{ID: "owner", Email: "owner@x.io", Role: "owner", MFA: "disabled", LastSeen: daysAgo(400)},
		{ID: "m1", Email: "gone@x.io", Role: "admin", MFA: "disabled", LastSeen: daysAgo(400), CustomRoles: []string{"qa"}, Version: 3},
		{ID: "m2", Email: "lazy@x.io", Role: "admin", MFA: "disabled", LastSeen: daysAgo(100), CustomRoles: []string{"qa"}},
		{ID: "m3", Email: "spared@x.io", Role: "writer", LastSeen: daysAgo(400)},
		{ID: "m4", Email: "reader@x.io", Role: "reader", LastSeen: daysAgo(1)},
	}
	tokens := []api.Token{
		{ID: "t1", Name: "old", OwnerID: "m4", Role: "reader", LastUsed: daysAgo(200), LastModified: daysAgo(300)},
		{ID: "t2", Name: "admin", OwnerID: "m4", Role: "admin", LastUsed: daysAgo(200)},
		{ID: "t3", Name: "spared", OwnerID: "m3", Role: "reader", LastUsed: daysAgo(200)},
	}
	r := BuildReport(members, tokens, testNow, opts)
	p, err := NewPlan(r, Policy{
		Rules: []Rule{
			{Finding: TokenStale, Action: ResetToken, ExpireOldIn: Age(time.Hour)},
			{Finding: TokenOverPrivileged, Action: DeleteToken},
			{Finding: MemberInactive, Action: RemoveMember, OlderThan: Age(180 * 24 * time.Hour)},
			{Finding: MemberAdminNoMFA, Action: SetRole, Role: "reader"},
			{Finding: MemberAdminNoMFA, Action: RemoveCustomRoles},
			{Finding: MemberNoTeam, Action: SetRole, Role: "reader"},
		},
		Never: []string{"SPARED@x.io"},
	})
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	assert.Equal(t, "owner", p.Account.OwnerID)
	got := map[string]Action{}
	for _, a := range p.Actions {
		got[a.ID] = a
	}
	assert.Len(t, p.Actions, 4, "%v", p.Actions)
	// The strongest action wins, with every reason.
	assert.Equal(t, []Finding{TokenStale}, got["reset-token:t1"].Reasons)
	assert.Equal(t, Age(time.Hour), got["reset-token:t1"].ExpireOldIn)
	assert.Equal(t, State{Role: "reader", LastUsed: daysAgo(200), LastModified: daysAgo(300)}, got["reset-token:t1"].State)
	assert.Equal(t, []Finding{TokenStale, TokenOverPrivileged}, got["delete-token:t2"].Reasons)
	assert.Equal(t, Age(0), got["delete-token:t2"].ExpireOldIn)
	// Long inactive: removed; role changes dropped.
	assert.Equal(t, RemoveMember, got["remove-member:m1"].Kind)
	assert.Nil(t, got["remove-member:m1"].CustomRoles)
	assert.Equal(t, 3, got["remove-member:m1"].State.Version)
	// Inactive for less than 180 days: demoted, custom roles taken, in one action.
	m2 := got["set-role:m2"]
	assert.Equal(t, "reader", m2.Role)
	assert.Equal(t, &[]string{}, m2.CustomRoles)
	assert.Equal(t, []Finding{MemberAdminNoMFA, MemberNoTeam}, m2.Reasons)
	// Spared by email, owner untouched, the reader already a reader.
	for id := range got {
		assert.NotContains(t, id, "m3")
		assert.NotContains(t, id, "t3")
		assert.NotContains(t, id, "owner")
		assert.NotContains(t, id, "m4")
	}

	// Written and read back, the plan is the same.
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	back, err := ReadPlan(&buf)
	require.NoError(t, err)
	assert.Equal(t, PlanDigest(p), PlanDigest(back))
}

func TestDefaultPolicyPlansNothing(t *testing.T) {
	r := BuildReport([]api.Member{{ID: "o", Role: "owner"}, {ID: "m", Role: "admin", LastSeen: daysAgo(999)}},
		[]api.Token{{ID: "t", OwnerID: "gone", Role: "admin"}}, testNow, opts)
	require.NotZero(t, r.FindingCount())
	p, err := NewPlan(r, DefaultPolicy)
	require.NoError(t, err)
	assert.Empty(t, p.Actions)
}

func TestReadPlanRefusesBrokenPlans(t *testing.T) {
	good := `{"format":1,"account":{"ownerId":"o"},"reviewedAt":"2026-06-01T12:00:00Z","staleAfter":"90d","rotateAfter":"90d","policy":{"rules":null},"actions":[%s]}`
	tests := []struct{ name, actions, err string }{
		{"fine", `{"id":"set-role:m","kind":"set-role","subject":"member","objectId":"m","name":"","reasons":null,"role":"reader","state":{}}`, ""},
		{"kind for the wrong subject", `{"id":"x","kind":"delete-token","subject":"member","objectId":"m","name":"","reasons":null,"state":{}}`, "does not act on"},
		{"owner role", `{"id":"x","kind":"set-role","subject":"member","objectId":"m","name":"","reasons":null,"role":"owner","state":{}}`, "role must be"},
		{"set-role with its custom roles cleared", `{"id":"x","kind":"set-role","subject":"member","objectId":"m","name":"","reasons":null,"role":"reader","customRoles":[],"state":{}}`, ""},
		{"set-role granting custom roles", `{"id":"x","kind":"set-role","subject":"member","objectId":"m","name":"","reasons":null,"role":"reader","customRoles":["super-admin"],"state":{}}`, "customRoles can only be []"},
		{"remove-custom-roles granting some", `{"id":"x","kind":"remove-custom-roles","subject":"member","objectId":"m","name":"","reasons":null,"customRoles":["super-admin"],"state":{}}`, "customRoles can only be []"},
		{"customRoles on a token", `{"id":"x","kind":"delete-token","subject":"token","objectId":"t","name":"","reasons":null,"customRoles":[],"state":{}}`, "on a member"},
		{"two actions on one object", `{"id":"a","kind":"remove-member","subject":"member","objectId":"m","name":"","reasons":null,"state":{}},{"id":"b","kind":"set-role","subject":"member","objectId":"m","name":"","reasons":null,"role":"reader","state":{}}`, "a second action on member m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPlan(strings.NewReader(strings.Replace(good, "%s", tt.actions, 1)))
			if tt.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tt.err)
			}
		})
	}
	_, err := ReadPlan(strings.NewReader(`{"format":2}`))
	require.ErrorContains(t, err, "format 2")
}
