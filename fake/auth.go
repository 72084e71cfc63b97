package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// The fake's one authorization model, stated in the package documentation (Authorization):
// who the caller is (principal, resolved from its secret as the state is now), what it asks
// (an ask per target: an action, the access the write gives, a secret it would see), and one
// decision (state.decide). Every operation resolves its caller and calls decide inside the
// locked section that applies its write, so that access lost mid-request is lost.

// Access levels, ordered. They decide reading, which LaunchDarkly's policies do not govern, and
// rank the built-in roles a caller may give.
const (
	levelNoAccess = iota
	levelReader
	levelWriter
	levelAdmin
)

// roleLevels ranks the built-in roles; the owner counts as an admin. A role missing here has no
// access at all (TestRoleLevelsCoverEveryRole keeps it complete).
var roleLevels = map[string]int{
	string(api.NewMemberFormRoleNoAccess): levelNoAccess, string(api.NewMemberFormRoleReader): levelReader,
	string(api.NewMemberFormRoleWriter): levelWriter, string(api.NewMemberFormRoleAdmin): levelAdmin,
	"owner": levelAdmin, // the contract names it only in prose: no one can be given it
}

func roleLevel(role string) int { return roleLevels[role] }

// isOwner is the one predicate for an account owner: every owner is protected on every path
// (never removed, its role never replaced), however many an Account holds.
func isOwner(m api.Member) bool { return m.Role == "owner" }

// principal is who a request acts as: a token and its member, resolved from the secret as the
// state is now.
type principal struct {
	member *memberRec
	token  *tokenRec
	// tokenPolicy is all the token holds (its role, custom roles and inline policy) as one
	// policy, in which a deny wins over every allow.
	tokenPolicy []api.Statement
	// memberPolicies are the member's roles, each its own policy: its built-in role, its own
	// custom roles and its teams'. Access is their union (LaunchDarkly: "Permissions are
	// cumulative across roles"). Unused for a service token, which its member does not cap.
	memberPolicies [][]api.Statement
	level          int
	// expires is when the secret stops authenticating (epoch ms): 0 for the token's current
	// secret, the reset's expiry for an old one in its grace period.
	expires int64
}

func (p principal) service() bool { return p.token.t.ServiceToken }

// allows reports whether the caller may do act on res: its token allows it and, for a personal
// token, so does one of its member's roles.
func (p principal) allows(act action, res resource) bool {
	if !policyAllows(p.tokenPolicy, act, res) {
		return false
	}
	return p.service() || slices.ContainsFunc(p.memberPolicies, func(pol []api.Statement) bool {
		return policyAllows(pol, act, res)
	})
}

// unrestricted reports whether the caller holds everything: admin level, and a token that
// denies nothing. Only such a caller may give any role, custom role or allowing policy.
func (p principal) unrestricted() bool {
	return p.level >= levelAdmin && !hasDeny(p.tokenPolicy)
}

// authenticate admits a request's secret before its body is read: an unknown, expired or revoked
// secret is a 401, a caller without access a 403; it notes that the token was used. It is a
// first look only: each operation resolves its caller again when it applies its write.
func (h *Handler) authenticate(secret string) *apiError {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	now := h.now().UnixMilli()
	p, aerr := s.principal(secret, now)
	if aerr != nil {
		return aerr
	}
	// lastUsed is the token's alone: changing the member's _lastSeen would reorder lists sorted
	// by lastSeen under a client paging through them.
	p.token.t.LastUsed = now
	return s.decide(p)
}

// caller resolves the request's caller as the state is now; the caller of caller holds the lock.
func (h *Handler) caller(ctx context.Context) (principal, *apiError) {
	return h.st.principal(callFrom(ctx).secret, h.now().UnixMilli())
}

// principal resolves a secret (the raw Authorization header, no "Bearer") to who it acts as,
// at now (epoch ms). An unknown, expired or revoked secret, or a token whose member is gone, is
// a 401. The caller holds the lock.
func (s *state) principal(secret string, now int64) (principal, *apiError) {
	ref, ok := s.secrets[secret]
	if secret == "" || !ok || (ref.expires != 0 && now >= ref.expires) {
		return principal{}, errUnauthorized()
	}
	t, ok := s.tokens[ref.tokenID]
	if !ok {
		return principal{}, errUnauthorized()
	}
	m, ok := s.members[t.t.MemberID]
	if !ok {
		return principal{}, errUnauthorized()
	}
	p := principal{member: m, token: t, tokenPolicy: s.tokenPolicy(t.t), expires: ref.expires}
	p.level = max(levelReader, roleLevel(t.t.Role), policyLevel(p.tokenPolicy))
	keys := s.memberRoleKeys(m.m)
	pols := s.memberPolicies(m.m, keys)
	switch ml := memberLevel(m.m, keys, pols); {
	case !t.t.ServiceToken:
		p.memberPolicies = pols
		p.level = min(p.level, ml)
	case ml == levelNoAccess:
		// A service token outlives its member's demotion, not its loss of all access, as it
		// does not outlive its removal.
		p.level = levelNoAccess
	}
	return p, nil
}

// tokenPolicy is one policy of all a token holds: its built-in role, its custom roles, its
// inline policy.
func (s *state) tokenPolicy(t api.Token) []api.Statement {
	var pol []api.Statement
	if roleLevel(t.Role) >= levelAdmin {
		pol = append(pol, allowEverything...)
	}
	for _, id := range t.CustomRoleIDs {
		pol = append(pol, s.roleIDs[id].Policy...)
	}
	return append(pol, t.InlineRole...)
}

// memberPolicies are a member's roles, each its own policy: its built-in role's and those of
// roleKeys (memberRoleKeys).
func (s *state) memberPolicies(m api.Member, roleKeys []string) [][]api.Statement {
	pols := [][]api.Statement{}
	if roleLevel(m.Role) >= levelAdmin {
		pols = append(pols, allowEverything)
	}
	for _, k := range roleKeys {
		pols = append(pols, s.roleKeys[k].Policy)
	}
	return pols
}

// memberRoleKeys are the custom roles a member holds: its own and its teams', those the account
// has (keys match exactly, as they do everywhere else); a key naming no role grants nothing.
func (s *state) memberRoleKeys(m api.Member) []string {
	keys := slices.Clone(m.CustomRoles)
	for _, t := range m.Teams {
		keys = append(keys, s.teams[strings.ToLower(t.Key)].CustomRoleKeys...)
	}
	return slices.DeleteFunc(keys, func(k string) bool {
		_, ok := s.roleKeys[k]
		return !ok
	})
}

// memberLevel is a member's level: its built-in role's; any custom role grants at least reading
// (LaunchDarkly's base permissions), one that allows everything and denies nothing counts as an
// admin.
func memberLevel(m api.Member, roleKeys []string, pols [][]api.Statement) int {
	l := roleLevel(m.Role)
	if len(roleKeys) > 0 {
		l = max(l, levelReader)
	}
	for _, pol := range pols {
		l = max(l, policyLevel(pol))
	}
	return l
}

// policyLevel is admin for a policy that allows every action on every resource and denies
// nothing, no access otherwise.
func policyLevel(pol []api.Statement) int {
	if !hasDeny(pol) && slices.ContainsFunc(pol, func(st api.Statement) bool {
		return !denies(st) && slices.Contains(st.Actions, "*") && slices.Contains(st.Resources, "*") &&
			len(st.NotActions) == 0 && len(st.NotResources) == 0
	}) {
		return levelAdmin
	}
	return levelNoAccess
}

// ask is one thing a request asks to do to one target.
type ask struct {
	act action
	on  resource
	// token is the target token, for the view actions and for secret.
	token *tokenRec
	// secret: the answer shows token's new secret.
	secret bool
	// give is access the write gives its target beyond what it had.
	give gift
}

// decide is the fake's one authorization decision: may p do everything it asks, now? A caller
// without access is refused everything. The caller holds the lock and applies the write under
// it, so that nothing changes between the decision and the write.
func (s *state) decide(p principal, asks ...ask) *apiError {
	if p.level == levelNoAccess {
		return errForbidden("The access token's member has no access")
	}
	for _, a := range asks {
		if aerr := s.decideOne(p, a); aerr != nil {
			return aerr
		}
	}
	return nil
}

func (s *state) decideOne(p principal, a ask) *apiError {
	switch a.act {
	case actViewTokens:
		if p.level < levelAdmin {
			return errForbidden("Only admins may list every token")
		}
		return nil
	case actViewToken:
		if a.token.t.OwnerID == p.member.m.ID || p.level >= levelAdmin ||
			slices.ContainsFunc(tokenActions, func(act action) bool { return p.allows(act, a.on) }) {
			return nil
		}
		return errForbidden("Only admins may see other members' tokens")
	}
	if !p.allows(a.act, a.on) {
		return errForbidden(fmt.Sprintf("The access token may not %s on %s", a.act, a.on[0]))
	}
	if a.secret {
		if aerr := s.maySee(p, a.token); aerr != nil {
			return aerr
		}
	}
	return s.mayGive(p, a.give)
}

// maySee decides who receives a token's new secret, which is all the token's access. As
// LaunchDarkly documents ("Only you have access to the secret values of tokens you create.
// Other account members cannot access them. Administrators can delete your tokens, but cannot
// view their values"), a personal token's goes to the member who created the token, through
// one of its personal tokens, or to the token itself. A service token's goes to an admin,
// through a personal token: it is the account's, not a person's. Unless to the token itself,
// the caller must also be able to give the token all it holds: a reset is judged as a
// creation. An old secret in its grace period receives none, its own token's included: a new
// secret would outlive it.
func (s *state) maySee(p principal, t *tokenRec) *apiError {
	switch {
	case p.expires != 0:
		return errForbidden("A secret in its grace period after a reset receives no secret: it would outlive its expiry")
	case t == p.token:
		return nil
	case t.t.ServiceToken && !p.service() && p.level >= levelAdmin:
	case p.service() || t.t.MemberID != p.member.m.ID:
		return errForbidden("Only the member who created a personal token may receive its secret; an admin may receive a service token's")
	}
	return s.mayGive(p, s.tokenGift(api.Token{}, t.t))
}

// gift is access a write gives a member or a token beyond what it had.
type gift struct {
	role        string          // a built-in role newly given
	customRoles []string        // custom roles newly given, by key
	policy      []api.Statement // inline-policy statements newly given
	widens      string          // why the write widens access otherwise (it removes a deny), or ""
}

// mayGive refuses a gift beyond the caller's own access. Whether one policy allows more than
// another is not decided here, so a caller that is not unrestricted may give only: a built-in
// role up to its own level, and never admin; custom roles it holds itself, through its token
// and its member, with a token that denies nothing; policy statements that only deny. And it
// may not remove a deny.
func (s *state) mayGive(p principal, g gift) *apiError {
	if p.unrestricted() {
		return nil
	}
	if g.role != "" && (roleLevel(g.role) > p.level || roleLevel(g.role) >= levelAdmin) {
		return errForbidden("Only admins may give the role " + g.role)
	}
	for _, k := range g.customRoles {
		if !s.holds(p, k) {
			return errForbidden("Only admins may give a custom role that they do not hold: " + k)
		}
	}
	if slices.ContainsFunc(g.policy, func(st api.Statement) bool { return !denies(st) }) {
		return errForbidden("Only admins may give an inline policy that allows anything")
	}
	if g.widens != "" {
		return errForbidden("Only admins may " + g.widens)
	}
	return nil
}

// holds reports whether the caller holds custom role k in full: its token holds it and denies
// nothing (a deny would not go with the role), and its member holds it, itself or through a
// team, unless the token is a service token.
func (s *state) holds(p principal, k string) bool {
	r, ok := s.roleKeys[k]
	if !ok || hasDeny(p.tokenPolicy) {
		return false
	}
	if !slices.Contains(p.token.t.CustomRoleIDs, r.ID) && policyLevel(p.tokenPolicy) < levelAdmin {
		return false
	}
	if p.service() {
		return true
	}
	return slices.Contains(s.memberRoleKeys(p.member.m), k) ||
		slices.ContainsFunc(p.memberPolicies, func(pol []api.Statement) bool { return policyLevel(pol) >= levelAdmin })
}

// tokenGift is what a token gains from before to after; a new token gains all it holds.
func (s *state) tokenGift(before, after api.Token) gift {
	var g gift
	if after.Role != before.Role {
		g.role = after.Role
	}
	for _, id := range after.CustomRoleIDs {
		if !slices.Contains(before.CustomRoleIDs, id) {
			g.customRoles = append(g.customRoles, s.roleIDs[id].Key)
		}
	}
	for _, id := range before.CustomRoleIDs {
		if !slices.Contains(after.CustomRoleIDs, id) && hasDeny(s.roleIDs[id].Policy) {
			g.widens = "remove a custom role that denies: " + s.roleIDs[id].Key
		}
	}
	for _, st := range after.InlineRole {
		if !containsStatement(before.InlineRole, st) {
			g.policy = append(g.policy, st)
		}
	}
	for _, st := range before.InlineRole {
		if denies(st) && !containsStatement(after.InlineRole, st) {
			g.widens = "remove a deny statement"
		}
	}
	return g
}

// memberGift is what a member gains from a new role and custom roles (by key, its teams'
// included).
func memberGift(before api.Member, role string, customRoles []string) gift {
	g := gift{}
	if role != before.Role {
		g.role = role
	}
	for _, k := range customRoles {
		if !slices.Contains(before.CustomRoles, k) {
			g.customRoles = append(g.customRoles, k)
		}
	}
	return g
}

func containsStatement(pol []api.Statement, st api.Statement) bool {
	want, _ := json.Marshal(st)
	return slices.ContainsFunc(pol, func(x api.Statement) bool {
		got, _ := json.Marshal(x)
		return string(got) == string(want)
	})
}
