package review

import (
	"bytes"
	"fmt"
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
		{"set-role to admin: a remediation grants no admin", `{"rules": [{"finding": "admin-without-mfa", "action": "set-role", "role": "admin"}]}`, "takes nothing away"},
		{"role on another action", `{"rules": [{"finding": "inactive", "action": "remove-member", "role": "reader"}]}`, "role is only for set-role"},
		{"bad age", `{"rules": [{"finding": "inactive", "action": "remove-member", "olderThan": "soon"}]}`, "invalid duration"},
		{"two values", `{} {}`, "after top-level value"},
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
			{Finding: TokenStale, Action: ResetToken, ExpireOldIn: ptr(Age(2 * time.Hour))},
			{Finding: TokenOverPrivileged, Action: DeleteToken},
			{Finding: MemberInactive, Action: RemoveMember, OlderThan: Age(180 * 24 * time.Hour)},
			{Finding: MemberAdminNoMFA, Action: SetRole, Role: "reader"},
			{Finding: MemberAdminNoMFA, Action: RemoveCustomRoles},
			{Finding: MemberNoTeam, Action: RemoveCustomRoles},
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
	assert.Equal(t, 2*time.Hour, got["reset-token:t1"].Grace())
	assert.Equal(t, State{Role: "reader", LastUsed: daysAgo(200), LastModified: daysAgo(300)}, got["reset-token:t1"].State)
	assert.Equal(t, []Finding{TokenStale, TokenOverPrivileged}, got["delete-token:t2"].Reasons)
	assert.Nil(t, got["delete-token:t2"].ExpireOldIn)
	// Long inactive: removed; role changes dropped.
	assert.Equal(t, RemoveMember, got["remove-member:m1"].Kind)
	assert.Nil(t, got["remove-member:m1"].CustomRoles)
	assert.Equal(t, 3, got["remove-member:m1"].State.Version)
	// Inactive for less than 180 days: demoted, custom roles taken, in one action.
	m2 := got["set-role:m2"]
	assert.Equal(t, "reader", m2.Role)
	assert.Equal(t, &[]string{}, m2.CustomRoles)
	assert.Equal(t, []Finding{MemberAdminNoMFA, MemberNoTeam}, m2.Reasons)
	// The owner is inactive and an admin without MFA: refused, with the reason, not planned.
	require.Len(t, p.Refused, 1)
	assert.Equal(t, "owner", p.Refused[0].ObjectID)
	assert.Contains(t, p.Refused[0].Why, "account owner")
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
	good := `{"format":1,"account":{"ownerId":"o"},"caller":{"memberId":"me1","tokenIds":["tk1"]},"reviewedAt":"2026-06-01T12:00:00Z","staleAfter":"90d","rotateAfter":"90d","policy":{"rules":null},"actions":[%s]}`
	action := func(kind, subject, id, extra string) string {
		return fmt.Sprintf(`{"id":"%s:%s","kind":"%s","subject":"%s","objectId":"%s","name":"","reasons":null%s}`, kind, id, kind, subject, id, extra)
	}
	tests := []struct{ name, actions, err string }{
		{"fine", action("set-role", "member", "m", `,"role":"reader","state":{"role":"writer"}`), ""},
		{"kind for the wrong subject", action("delete-token", "member", "m", `,"state":{}`), "does not act on"},
		{"owner role", action("set-role", "member", "m", `,"role":"owner","state":{"role":"owner"}`), "cannot be given"},
		{"set-role with its custom roles cleared", action("set-role", "member", "m", `,"role":"reader","customRoles":[],"state":{"role":"writer","customRoles":["qa"]}`), ""},
		{"the same role, custom roles cleared", action("set-role", "member", "m", `,"role":"reader","customRoles":[],"state":{"role":"reader","customRoles":["qa"]}`), ""},
		{"set-role granting custom roles", action("set-role", "member", "m", `,"role":"reader","customRoles":["super-admin"],"state":{"role":"writer"}`), "customRoles can only be []"},
		{"remove-custom-roles granting some", action("remove-custom-roles", "member", "m", `,"customRoles":["super-admin"],"state":{"customRoles":["qa"]}`), "customRoles can only be []"},
		{"remove-custom-roles carrying a role", action("remove-custom-roles", "member", "m", `,"role":"admin","customRoles":[],"state":{"role":"reader","customRoles":["qa"]}`), "gives no role"},
		{"remove-custom-roles with none to remove", action("remove-custom-roles", "member", "m", `,"customRoles":[],"state":{"role":"reader"}`), "takes nothing away"},
		{"customRoles on a token", action("delete-token", "token", "t", `,"customRoles":[],"state":{}`), "only for set-role and remove-custom-roles"},
		{"a role on a delete", action("delete-token", "token", "t", `,"role":"admin","state":{}`), "role is only for set-role"},
		{"expireOldIn on a delete", action("delete-token", "token", "t", `,"expireOldIn":"1h","state":{}`), "expireOldIn is only for reset-token"},
		{"an id that is not kind:objectId", `{"id":"x","kind":"remove-member","subject":"member","objectId":"m","name":"","reasons":null,"state":{}}`, `id must be "remove-member:m"`},
		{"two actions on one object", action("remove-member", "member", "m", `,"state":{}`) + "," + action("set-role", "member", "m", `,"role":"reader","state":{"role":"writer"}`), "a second action on member m"},
		{"the account owner", action("remove-member", "member", "o", `,"state":{}`), "account owner"},
		{"a member whose recorded role is owner", action("set-role", "member", "m", `,"role":"admin","state":{"role":"owner"}`), "account owner"},
		{"the member the plan was made as", action("remove-member", "member", "me1", `,"state":{}`), "the member ldaccess runs as"},
		{"the token the plan was made with", action("delete-token", "token", "tk1", `,"state":{}`), "the token ldaccess runs with"},
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

// TestValidateRefusesIDsThatAreNotOnePathSegment: an ID in a hand-edited plan goes into request
// paths and the members filter; anything but one plain segment is refused before anything is
// sent, never recorded as done.
func TestValidateRefusesIDsThatAreNotOnePathSegment(t *testing.T) {
	for _, id := range []string{"x|y", "a/../b", "a/b", ",", "a,b", ".", "..", " ", "a b", "", "me", "%2e", "a:b", "é", "a\nb", strings.Repeat("a", 65)} {
		for _, kind := range []ActionKind{DeleteToken, RemoveMember} {
			a := Action{ID: string(kind) + ":" + id, Kind: kind, Subject: kind.subject(), ObjectID: id}
			p := Plan{Format: PlanFormat, Account: Account{OwnerID: "o"}, Actions: []Action{a}}
			assert.ErrorContains(t, p.Validate(), "is not an ID", "%s %q", kind, id)
		}
	}
	p := Plan{Format: PlanFormat, Account: Account{OwnerID: "a|b"}}
	assert.ErrorContains(t, p.Validate(), "is not an ID")
}

// A plan records the policy it was made from; one whose policy could raise access (no plan
// NewPlan or Offboard makes: they refuse such a policy) was edited, and is refused when read,
// naming the rule, as the policy itself would be.
func TestReadPlanRefusesAPolicyThatCouldRaise(t *testing.T) {
	plan := "{\"format\":1,\"account\":{\"ownerId\":\"o\"},\"reviewedAt\":\"2026-06-01T12:00:00Z\",\"staleAfter\":\"90d\",\"rotateAfter\":\"90d\",\n" +
		"\"policy\":{\"rules\":[{\"finding\":\"no-team\",\"action\":\"set-role\",\"role\":\"admin\"}]},\n\"actions\":[]}"
	_, err := ParsePlan([]byte(plan), "plan.json")
	require.Error(t, err)
	assert.ErrorContains(t, err, "plan.json:2:")
	assert.ErrorContains(t, err, "no-team → set-role admin")
	assert.ErrorContains(t, err, "could raise access")
}
