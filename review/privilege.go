package review

import (
	"fmt"
	"slices"

	"github.com/ldaccess/ldaccess/api"
)

// RoleOwner is the account owner's built-in role. The contract does not list it among the roles
// a member can be given (no one can be made owner), so it has no generated constant.
const RoleOwner = "owner"

// RoleOrder returns the privilege order of LaunchDarkly's built-in roles, least access first:
// no_access < reader < writer < admin < owner. It decides every action of every plan: an action
// must leave its subject with strictly less access than it has (reset-token: no more).
//
// A role the order does not know (one LaunchDarkly adds later) counts as access that only
// removal or a change to no_access reduces; custom roles and a token's inline policy count as
// access that only removal reduces. The roles come from the generated code: a test fails if
// the contract gains a role that has no place here.
func RoleOrder() []string { return slices.Clone(roleOrder) }

var roleOrder = []string{
	string(api.NewMemberFormRoleNoAccess),
	string(api.NewMemberFormRoleReader),
	string(api.NewMemberFormRoleWriter),
	string(api.NewMemberFormRoleAdmin),
	RoleOwner,
}

// adminRoles are the built-in roles that control the whole account.
var adminRoles = []string{string(api.NewMemberFormRoleAdmin), RoleOwner}

// roleRank is a built-in role's place in RoleOrder; ok is false for a role the order does not
// know.
func roleRank(role string) (rank int, ok bool) {
	rank = slices.Index(roleOrder, role)
	return rank, rank >= 0
}

// lowersRole reports whether giving a member role to, instead of from, leaves it with less
// access. Unknown roles are below nothing but no_access.
func lowersRole(from, to string) bool {
	t, ok := roleRank(to)
	if !ok {
		return false
	}
	f, ok := roleRank(from)
	if !ok {
		return t == 0
	}
	return t < f
}

// assignable reports whether set-role may give role: a built-in role the API accepts for a
// member (so never owner) and the order knows.
func assignable(role string) bool {
	_, known := roleRank(role)
	return known && api.NewMemberFormRole(role).Valid()
}

// lessAccess is the one rule every action passes: nil when the action leaves its subject, in
// state s, with strictly less access (reset-token: the same), else why not. NewPlan, Validate
// and Apply (against the recorded state and again against the state read just before sending)
// all decide with it.
func lessAccess(a Action, s State) error {
	switch a.Kind {
	case DeleteToken, RemoveMember:
		return onlyKindFields(a)
	case ResetToken:
		if err := onlyKindFields(a); err != nil {
			return err
		}
		return checkGrace(a.Grace()) // a new secret for the same access, the old one not kept for long
	case SetRole:
		return setRoleLowers(a, s)
	case RemoveCustomRoles:
		if a.Role != "" {
			return fmt.Errorf("remove-custom-roles gives no role (role %q): that would be set-role", a.Role)
		}
		if err := customRolesOnlyCleared(a); err != nil {
			return err
		}
		if a.CustomRoles == nil || len(s.CustomRoles) == 0 {
			return fmt.Errorf("takes nothing away: the member has no custom roles")
		}
		return nil
	}
	return fmt.Errorf("unknown kind %q", a.Kind)
}

// onlyKindFields refuses the fields that would change access on a kind that does not use them:
// the applier must never be handed a role or custom roles to send with a delete or a reset.
// A policy's rules are held to it too (Rule.check).
func onlyKindFields(a Action) error {
	switch {
	case a.Role != "" && a.Kind != SetRole:
		return fmt.Errorf("role is only for set-role")
	case a.CustomRoles != nil && a.Kind != SetRole && a.Kind != RemoveCustomRoles:
		return fmt.Errorf("customRoles is only for set-role and remove-custom-roles")
	case a.ExpireOldIn != nil && a.Kind != ResetToken:
		return fmt.Errorf("expireOldIn is only for reset-token")
	}
	return nil
}

// setRoleLowers: the role given must be below the current one, or the same with custom roles
// taken away; custom roles may only be cleared.
func setRoleLowers(a Action, s State) error {
	if !assignable(a.Role) {
		return fmt.Errorf("role %q cannot be given: set-role gives one of %v, lower than the member's", a.Role, assignableRoles())
	}
	if err := customRolesOnlyCleared(a); err != nil {
		return err
	}
	switch {
	case lowersRole(s.Role, a.Role):
		return nil
	case s.Role == a.Role && a.CustomRoles != nil && len(s.CustomRoles) > 0:
		return nil // the same role, custom roles taken away
	case s.Role == a.Role:
		return fmt.Errorf("takes nothing away: the member is already %s", a.Role)
	}
	return fmt.Errorf("would raise the member's access: %s → %s is not a lower role", roleName(s.Role), a.Role)
}

func customRolesOnlyCleared(a Action) error {
	if a.CustomRoles != nil && len(*a.CustomRoles) > 0 {
		return fmt.Errorf("customRoles can only be []: a plan takes access away")
	}
	return nil
}

// roleName names a role in messages, "" as no built-in role.
func roleName(role string) string {
	if role == unknownRole {
		return "a role ldaccess does not know"
	}
	if role == "" {
		return "no built-in role"
	}
	if _, ok := roleRank(role); !ok {
		return role + " (a role ldaccess does not know)"
	}
	return role
}

// assignableRoles lists the roles set-role may give, least first.
func assignableRoles() []string {
	return slices.DeleteFunc(slices.Clone(roleOrder), func(r string) bool { return !assignable(r) })
}

// unknownRole stands, in a finding's list of possible roles, for every role the order does not
// know: a role LaunchDarkly adds later, or none.
const unknownRole = "\x00unknown"

// possibleRoles are the roles the members a finding flags can have: the admin roles for
// admin-without-mfa (MemberFindings flags no one else), any role for every other finding.
func possibleRoles(f Finding) []string {
	if f == MemberAdminNoMFA {
		return adminRoles
	}
	return append(slices.Clone(roleOrder), unknownRole)
}

// ruleRaises reports why a set-role rule could leave a member it acts on with more access (or
// could never take any away), nil if it cannot. The account owner, never acted on, is left out.
func ruleRaises(r Rule) error {
	if !assignable(r.Role) {
		return fmt.Errorf("role must be one of %v", assignableRoles())
	}
	lowersSome := false
	for _, from := range possibleRoles(r.Finding) {
		if from == RoleOwner || from == r.Role {
			continue // never acted on; nothing to change
		}
		if !lowersRole(from, r.Role) {
			return fmt.Errorf("could raise access: a member it flags may be %s, and %s is not lower", roleName(from), r.Role)
		}
		lowersSome = true
	}
	if !lowersSome {
		return fmt.Errorf("takes nothing away: the members it flags are already %s", r.Role)
	}
	return nil
}
