package fake

import (
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// LaunchDarkly's policy statements, as its documentation states them ("Using policies",
// "Using resources", "Using actions"), for the actions and resources of this API.

// action names what an operation does: LaunchDarkly's policy action where it has one. The view
// actions are the fake's own: LaunchDarkly's policies do not govern reading members and
// tokens; levels do (see state.decide).
type action string

const (
	actCreateMember         action = "createMember"
	actDeleteMember         action = "deleteMember"
	actUpdateRole           action = "updateRole"
	actUpdateCustomRole     action = "updateCustomRole"
	actUpdateRoleAttributes action = "updateMemberRoleAttributes"
	actUpdateTeamMembers    action = "updateTeamMembers"
	actCreateToken          action = "createAccessToken"
	actDeleteToken          action = "deleteAccessToken"
	actResetToken           action = "resetAccessToken"
	actUpdateTokenName      action = "updateAccessTokenName"
	actUpdateTokenDesc      action = "updateAccessTokenDescription"
	actUpdateTokenPolicy    action = "updateAccessTokenPolicy"

	actViewTokens action = "view every token" // showAll
	actViewToken  action = "view a token"
)

// tokenActions are the actions on an existing token; being allowed one lets the caller see it.
var tokenActions = []action{actDeleteToken, actResetToken, actUpdateTokenName, actUpdateTokenDesc, actUpdateTokenPolicy}

// allowEverything is the policy of the admin and owner roles.
var allowEverything = []api.Statement{{Effect: api.StatementEffectAllow, Actions: []string{"*"}, Resources: []string{"*"}}}

// resource is a target as policies name it: every name it answers to, each a list of scopes
// (member/<id>, then token/<id> for a token of that member). The scopes are kept apart, never
// joined with ":" and split again, so that a name holding ":" (an email may) is still one
// scope: a member whose email is "a:token/b"@acme.com is no token to member/*:token/*.
type resource []name

// name is one name of a resource: its scopes, outermost first, each type/name.
type name []string

func (n name) String() string { return strings.Join(n, ":") }

// memberResource names a member by ID and by email: member/<id>, member/<email>.
func memberResource(m api.Member) resource {
	return resource{{"member/" + m.ID}, {"member/" + m.Email}}
}

// newMemberResource names a member still to be invited, by the email it will have.
func newMemberResource(email string) resource {
	return resource{{"member/" + strings.TrimSpace(email)}}
}

// tokenResource names a personal token as a child of its member, member/<member>:token/<id>,
// and a service token service-token/<id>. Tokens are named by ID only: a name is the holder's
// to change.
func (s *state) tokenResource(t api.Token) resource {
	if t.ServiceToken {
		return resource{{"service-token/" + t.ID}}
	}
	out := resource{{"member/" + t.MemberID, "token/" + t.ID}}
	if m, ok := s.members[t.MemberID]; ok {
		out = append(out, name{"member/" + m.m.Email, "token/" + t.ID})
	}
	return out
}

// teamResource names a team by key.
func teamResource(key string) resource { return resource{{"team/" + key}} }

// denies reports whether a statement denies what it covers rather than allowing it. The switch
// names every effect of the contract (api.StatementEffect): an effect the contract adds fails
// the exhaustive lint here until the fake knows what it means. Anything else denies.
func denies(st api.Statement) bool {
	switch st.Effect {
	case api.StatementEffectAllow:
		return false
	case api.StatementEffectDeny:
		return true
	default:
		return true
	}
}

// policyAllows reports whether a policy allows act on res: a statement allows it and none
// denies it.
func policyAllows(pol []api.Statement, act action, res resource) bool {
	allowed := false
	for _, st := range pol {
		if denies(st) {
			if covers(st, act, res, false) {
				return false
			}
		} else if !allowed {
			allowed = covers(st, act, res, true)
		}
	}
	return allowed
}

// hasDeny reports whether a policy has a statement that denies.
func hasDeny(pol []api.Statement) bool {
	return slices.ContainsFunc(pol, denies)
}

// covers reports whether a statement reaches act on res. Where the fake cannot know (a
// ${roleAttribute/…} placeholder, tags, selectors; both a list and its not-list; an action
// spelt in another case), sure asks for certainty, as an allow statement needs; otherwise
// possibility is enough, as for a deny. Each specifier is matched with unknown as reaches
// asks: an action in another case matches where a match may be assumed (an allow's
// notActions, a deny's actions) and only there.
func covers(st api.Statement, act action, res resource, sure bool) bool {
	actionIs := func(spec string, unknown bool) bool {
		if unknown {
			return glob(strings.ToLower(spec), strings.ToLower(string(act)))
		}
		return glob(spec, string(act))
	}
	resourceIs := func(spec string, unknown bool) bool {
		return slices.ContainsFunc(res, func(n name) bool { return specMatches(spec, n, unknown) })
	}
	return reaches(st.Actions, st.NotActions, actionIs, sure) && reaches(st.Resources, st.NotResources, resourceIs, sure)
}

// reaches applies a statement's list (actions, resources) and not-list (notActions,
// notResources) to a target; match reports whether a specifier matches, with unknown as the
// answer where it cannot tell. A statement with neither reaches nothing; LaunchDarkly takes one
// or the other, so with both an allow needs both and a deny either.
func reaches(in, notIn []string, match func(spec string, unknown bool) bool, sure bool) bool {
	anyOf := func(specs []string, unknown bool) bool {
		return slices.ContainsFunc(specs, func(spec string) bool { return match(spec, unknown) })
	}
	switch {
	case len(in) == 0 && len(notIn) == 0:
		return false
	case len(notIn) == 0:
		return anyOf(in, !sure)
	case len(in) == 0:
		return !anyOf(notIn, sure)
	}
	inside, outside := anyOf(in, !sure), !anyOf(notIn, sure)
	if sure {
		return inside && outside
	}
	return inside || outside
}

// specMatches matches a resource specifier against a resource name. "*" matches everything;
// otherwise the specifier has as many ":"-separated scopes as the name, each type/name matched
// as a glob ("*" matches any run of characters), without regard to case. A scope with tags or
// selectors (";") or a ${…} placeholder answers unknown once its type matches: nothing here
// carries tags or role attributes the fake could compare. A placeholder standing for the
// type may be any type, and a specifier that starts with one, or that is "*" with tags, may
// be anything.
func specMatches(spec string, n name, unknown bool) bool {
	specs := strings.Split(strings.ToLower(spec), ":")
	if spec == "*" || (unknown && mayBeAnything(specs)) {
		return true
	}
	if len(specs) != len(n) {
		return false
	}
	for i, sp := range specs {
		scope := strings.ToLower(n[i])
		if uncertain(sp) {
			spType, known := scopeType(sp)
			nameType, _, _ := strings.Cut(scope, "/")
			if !unknown || (known && !glob(spType, nameType)) {
				return false
			}
			continue
		}
		if !glob(sp, scope) {
			return false
		}
	}
	return true
}

// uncertain reports whether a scope specifier has tags, selectors or a placeholder.
func uncertain(sp string) bool { return strings.Contains(sp, ";") || strings.Contains(sp, "${") }

// scopeType is the type a scope specifier names ("member" of "member/*;tag", "*" of "*;tag"),
// or false where a placeholder stands for it ("${roleAttribute/kind}/x").
func scopeType(sp string) (string, bool) {
	typ, _, _ := strings.Cut(sp, "/")
	if strings.Contains(typ, "${") {
		return "", false
	}
	typ, _, _ = strings.Cut(typ, ";")
	return typ, true
}

// mayBeAnything reports whether an uncertain specifier may name any resource, whatever its
// scopes: it starts with a placeholder, or it is "*" with tags or selectors.
func mayBeAnything(specs []string) bool {
	typ, known := scopeType(specs[0])
	return uncertain(specs[0]) && (!known || (len(specs) == 1 && typ == "*" && !strings.Contains(specs[0], "/")))
}

// glob matches s against pattern, in which "*" matches any run of characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}
