package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ldaccess/ldaccess/api"
)

// TestPolicyStatements: statements are read as LaunchDarkly documents them, and where the fake
// cannot know, an allow covers less and a deny more.
func TestPolicyStatements(t *testing.T) {
	allow := func(actions, resources []string) api.Statement {
		return api.Statement{Effect: "allow", Actions: actions, Resources: resources}
	}
	deny := func(actions, resources []string) api.Statement {
		return api.Statement{Effect: "deny", Actions: actions, Resources: resources}
	}
	all := []string{"*"}
	bob := resource{{"member/m1"}, {"member/bob@acme.com"}}
	bobsToken := resource{{"member/m1", "token/t1"}, {"member/bob@acme.com", "token/t1"}}
	colon := resource{{"member/m2"}, {`member/"a:token/b"@acme.com`}}
	tests := []struct {
		name   string
		policy []api.Statement
		act    action
		on     resource
		want   bool
	}{
		{"nothing allows nothing", nil, actDeleteMember, bob, false},
		{"* on *", []api.Statement{allow(all, all)}, actDeleteMember, bob, true},
		{"deny wins over allow", []api.Statement{allow(all, all), deny(all, []string{"member/*"})}, actDeleteMember, bob, false},
		{"statement order does not matter", []api.Statement{deny(all, []string{"member/*"}), allow(all, all)}, actDeleteMember, bob, false},
		{"member/* is no token", []api.Statement{allow(all, all), deny(all, []string{"member/*"})}, actDeleteToken, bobsToken, true},
		{"member/*:token/*", []api.Statement{allow([]string{"deleteAccessToken"}, []string{"member/*:token/*"})}, actDeleteToken, bobsToken, true},
		{"a member by ID", []api.Statement{allow(all, []string{"member/m1"})}, actDeleteMember, bob, true},
		{"a member by email, any case", []api.Statement{allow(all, []string{"member/BOB@*"})}, actDeleteMember, bob, true},
		{"another member", []api.Statement{allow(all, []string{"member/m2"})}, actDeleteMember, bob, false},
		{"proj/*:env/* reaches no member", []api.Statement{allow(all, []string{"proj/*:env/*"})}, actDeleteMember, bob, false},
		{"action globs", []api.Statement{allow([]string{"update*"}, all)}, actUpdateRole, bob, true},
		{"action globs miss", []api.Statement{allow([]string{"update*"}, all)}, actDeleteMember, bob, false},
		{"an allowed action in another case", []api.Statement{allow([]string{"DeleteMember"}, all)}, actDeleteMember, bob, false},
		{"a denied action in another case", []api.Statement{allow(all, all), deny([]string{"DELETEMEMBER"}, all)}, actDeleteMember, bob, false},
		{"notActions", []api.Statement{{Effect: "allow", NotActions: []string{"deleteMember"}, Resources: all}}, actUpdateRole, bob, true},
		{"notActions excludes", []api.Statement{{Effect: "allow", NotActions: []string{"deleteMember"}, Resources: all}}, actDeleteMember, bob, false},
		{"notActions in another case may exclude", []api.Statement{{Effect: "allow", NotActions: []string{"DELETEMEMBER"}, Resources: all}}, actDeleteMember, bob, false},
		{"a deny's notActions in another case may not", []api.Statement{allow(all, all), {Effect: "deny", NotActions: []string{"DeleteMember"}, Resources: all}}, actDeleteMember, bob, false},
		{"a deny's notActions exclude", []api.Statement{allow(all, all), {Effect: "deny", NotActions: []string{"deleteMember"}, Resources: all}}, actDeleteMember, bob, true},
		{"notResources", []api.Statement{{Effect: "allow", Actions: all, NotResources: []string{"member/m2"}}}, actDeleteMember, bob, true},
		{"notResources by email", []api.Statement{{Effect: "allow", Actions: all, NotResources: []string{"member/bob@acme.com"}}}, actDeleteMember, bob, false},
		{"deny all but", []api.Statement{allow(all, all), {Effect: "deny", Actions: all, NotResources: []string{"member/m1"}}}, actDeleteMember, bob, true},
		{"deny all but another", []api.Statement{allow(all, all), {Effect: "deny", Actions: all, NotResources: []string{"member/m2"}}}, actDeleteMember, bob, false},
		{"an allowed role attribute is unknown", []api.Statement{allow(all, []string{"member/${roleAttribute/who}"})}, actDeleteMember, bob, false},
		{"a denied role attribute is everyone", []api.Statement{allow(all, all), deny(all, []string{"member/${roleAttribute/who}"})}, actDeleteMember, bob, false},
		{"a denied role attribute keeps to its type", []api.Statement{allow(all, all), deny(all, []string{"team/${roleAttribute/who}"})}, actDeleteMember, bob, true},
		{"a denied placeholder for the type may be any type", []api.Statement{allow(all, all), deny(all, []string{"${roleAttribute/kind}/*"})}, actDeleteMember, bob, false},
		{"an allowed placeholder for the type is unknown", []api.Statement{allow(all, []string{"${roleAttribute/kind}/*"})}, actDeleteMember, bob, false},
		{"a denied placeholder for a token's scope", []api.Statement{allow(all, all), deny(all, []string{"member/*:${roleAttribute/t}"})}, actDeleteToken, bobsToken, false},
		{"denied tags on * are everything: a member", []api.Statement{allow(all, all), deny(all, []string{"*;admins"})}, actDeleteMember, bob, false},
		{"denied tags on * are everything: a token", []api.Statement{allow(all, all), deny(all, []string{"*;admins"})}, actDeleteToken, bobsToken, false},
		{"allowed tags on * are unknown", []api.Statement{allow(all, []string{"*;admins"})}, actDeleteMember, bob, false},
		{"allowed tags are unknown", []api.Statement{allow(all, []string{"member/*;admins"})}, actDeleteMember, bob, false},
		{"denied tags are everyone", []api.Statement{allow(all, all), deny(all, []string{"member/*;admins"})}, actDeleteMember, bob, false},
		{"an allow with both lists needs both", []api.Statement{{Effect: "allow", Actions: all, NotActions: []string{"deleteMember"}, Resources: all}}, actDeleteMember, bob, false},
		{"a deny with both lists takes either", []api.Statement{allow(all, all), {Effect: "deny", Actions: []string{"updateRole"}, NotActions: []string{"deleteMember"}, Resources: all}}, actCreateMember, bob, false},
		{"an empty statement reaches nothing", []api.Statement{allow(all, all), {Effect: "deny"}}, actDeleteMember, bob, true},
		{"an email holding : is one scope", []api.Statement{allow(all, []string{"member/*:token/*"})}, actDeleteMember, colon, false},
		{"an email holding : is a member", []api.Statement{allow(all, []string{"member/*"})}, actDeleteMember, colon, true},
		{"an unknown effect denies", []api.Statement{allow(all, all), {Effect: "maybe", Actions: all, Resources: all}}, actDeleteMember, bob, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, policyAllows(tt.policy, tt.act, tt.on))
		})
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"a*", "a", true}, {"*a", "ba", true}, {"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "acb", false}, {"ab*ba", "aba", false},
		{"member/*", "member/x", true}, {"member/*", "team/x", false}, {"x", "x", true}, {"x", "y", false},
	} {
		assert.Equal(t, tt.want, glob(tt.pattern, tt.s), "%q %q", tt.pattern, tt.s)
	}
}

// TestRoleLevelsCoverEveryRole: every built-in role the contract enumerates (and owner, which
// it names only in prose) has a level, so that no role is taken for no access by omission.
func TestRoleLevelsCoverEveryRole(t *testing.T) {
	roles := []string{"owner"}
	for _, r := range api.AccessTokenPostRoleValues() {
		roles = append(roles, string(r))
	}
	for _, r := range api.NewMemberFormRoleValues() {
		roles = append(roles, string(r))
	}
	for _, r := range roles {
		_, ok := roleLevels[r]
		assert.True(t, ok, "the contract's role %q has no level in roleLevels (fake/auth.go): rank it there by the access it gives", r)
	}
}
