package fake

import (
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// The accessors below let a test read the state directly. They return deep copies: changing
// them changes nothing in the fake.

// Members returns every member in creation order, with their role attributes.
func (h *Handler) Members() []api.Member {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]api.Member, len(s.memberList))
	for i, r := range s.memberList {
		out[i] = cloneMember(r.m)
	}
	return out
}

// Member returns the member with the given ID, with its role attributes.
func (h *Handler) Member(id string) (api.Member, bool) {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.members[id]
	if !ok {
		return api.Member{}, false
	}
	return cloneMember(r.m), true
}

// Tokens returns every token in creation order, as reads show them: secrets obfuscated.
func (h *Handler) Tokens() []api.Token {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]api.Token, len(s.tokenList))
	for i, r := range s.tokenList {
		out[i] = cloneToken(s.tokenAnswer(r))
	}
	return out
}

// Token returns the token with the given ID as reads show it: its secret's last four
// characters (nothing of a secret shorter than 16).
func (h *Handler) Token(id string) (api.Token, bool) {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.tokens[id]
	if !ok {
		return api.Token{}, false
	}
	return cloneToken(s.tokenAnswer(r)), true
}

// Teams returns the account's teams in the order they were added.
func (h *Handler) Teams() []Team {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Team, len(s.teamOrder))
	for i, k := range s.teamOrder {
		out[i] = cloneTeam(s.teams[k])
	}
	return out
}

// OwnerID returns the ID of the account owner, the member the admin token acts as.
func (h *Handler) OwnerID() string {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ownerID
}

// IssueToken gives the member a new personal token with a built-in role ("reader", "writer" or
// "admin") and returns it with its full secret, as if the member had created it. Tests use it to act
// as someone other than the owner, for example a no_access member to provoke 403s. It reports
// false for an unknown member or role.
func (h *Handler) IssueToken(memberID, role string) (api.Token, bool) {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.members[memberID]; !ok || !tokenRole(role) {
		return api.Token{}, false
	}
	now := h.now()
	t := api.Token{
		ID: s.ids.next(now), OwnerID: memberID, MemberID: memberID, Role: role,
		Name: "issued by the test", ServiceToken: false,
		CreationDate: now.UnixMilli(), LastModified: now.UnixMilli(),
	}
	secret := newSecret()
	r := s.insertToken(normalizeToken(t, now), secret)
	out := cloneToken(s.tokenAnswer(r))
	out.Secret = secret
	return out, true
}

// Snapshot returns the current state as an Account, tokens with their current secrets, so that
// another fake can start from it (Options.Account). Old secrets still within a reset's grace
// period are not carried over.
func (h *Handler) Snapshot() *Account {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &Account{}
	for _, r := range s.memberList {
		a.Members = append(a.Members, cloneMember(r.m))
	}
	for _, r := range s.tokenList {
		t := cloneToken(r.t)
		t.Secret = r.secret
		a.Tokens = append(a.Tokens, t)
	}
	for _, k := range s.teamOrder {
		a.Teams = append(a.Teams, cloneTeam(s.teams[k]))
	}
	for _, r := range s.roleKeys {
		a.CustomRoles = append(a.CustomRoles, cloneCustomRole(r))
	}
	slices.SortFunc(a.CustomRoles, func(x, y CustomRole) int { return strings.Compare(x.Key, y.Key) })
	for e := range s.taken {
		a.TakenEmails = append(a.TakenEmails, e)
	}
	slices.Sort(a.TakenEmails)
	return a
}
