package fake

import (
	"encoding/json"
	"slices"

	"github.com/ldaccess/ldaccess/api"
)

// Access levels, ordered: a caller may do what its level allows and no more.
const (
	levelNoAccess = iota
	levelReader
	levelWriter
	levelAdmin
)

// caller is the member a request acts as, through which token, with what level.
type caller struct {
	memberID string
	tokenID  string
	level    int
}

func (c caller) admin() bool { return c.level >= levelAdmin }

// authenticate resolves the Authorization header (the raw secret, no "Bearer") to a caller, and
// notes that the token was used. An unknown, expired or orphaned token is a 401.
func (h *Handler) authenticate(secret string) (caller, *apiError) {
	if secret == "" {
		return caller{}, errUnauthorized()
	}
	now := h.now().UnixMilli()
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.secrets[secret]
	if !ok {
		return caller{}, errUnauthorized()
	}
	if ref.expires != 0 && now >= ref.expires {
		return caller{}, errUnauthorized()
	}
	t, ok := s.tokens[ref.tokenID]
	if !ok {
		return caller{}, errUnauthorized()
	}
	m, ok := s.members[t.t.MemberID]
	if !ok {
		return caller{}, errUnauthorized()
	}
	// lastUsed is the token's alone: changing the member's _lastSeen would reorder lists sorted
	// by lastSeen under a client paging through them.
	t.t.LastUsed = now
	level := tokenLevel(t.t)
	if !t.t.ServiceToken {
		level = min(level, memberLevel(m.m))
	}
	return caller{memberID: m.m.ID, tokenID: t.t.ID, level: level}, nil
}

// roleLevel maps a built-in role to its level; owner counts as admin.
func roleLevel(role string) int {
	switch role {
	case "owner", "admin":
		return levelAdmin
	case "writer":
		return levelWriter
	case "reader":
		return levelReader
	}
	return levelNoAccess
}

// memberLevel is a member's level; custom roles grant at least reading.
func memberLevel(m api.Member) int {
	l := roleLevel(m.Role)
	if l == levelNoAccess && len(m.CustomRoles) > 0 {
		l = levelReader
	}
	return l
}

// tokenLevel is a token's own level: its role; an inline policy allowing every action on every
// resource counts as admin; other policies and custom roles as reader.
func tokenLevel(t api.Token) int {
	if t.Role != "" {
		return roleLevel(t.Role)
	}
	if t.InlineRole != nil {
		for _, st := range t.InlineRole {
			if st.Effect == "allow" && slices.Contains(st.Actions, "*") && slices.Contains(st.Resources, "*") {
				return levelAdmin
			}
		}
	}
	return levelReader
}

// checkGrant refuses, with 403, a token (created or patched: after; before is the token as it
// was, zero on create) that would have more access than the caller may give: the rule
// package fake's documentation states under Authorization. Only what is new is judged, so
// that a caller may rename a token that keeps access it could not give. The caller holds
// the lock.
func (s *state) checkGrant(who caller, after, before api.Token) *apiError {
	if who.admin() {
		return nil
	}
	if role := after.Role; role != "" && role != before.Role && roleLevel(role) > who.level {
		return errForbidden("A token cannot have a role above its creator's")
	}
	var held []string // the custom roles of the calling token
	if t, ok := s.tokens[who.tokenID]; ok {
		held = t.t.CustomRoleIDs
	}
	for _, id := range after.CustomRoleIDs {
		if !slices.Contains(held, id) && !slices.Contains(before.CustomRoleIDs, id) {
			return errForbidden("Only admins may give a token a custom role that their own token does not hold: " + id)
		}
	}
	if allows(after.InlineRole) {
		a, _ := json.Marshal(after.InlineRole)
		b, _ := json.Marshal(before.InlineRole)
		if string(a) != string(b) {
			return errForbidden("Only admins may give a token an inline policy that allows anything")
		}
	}
	return nil
}

// allows reports whether an inline policy has a statement that allows: one that only denies
// grants nothing.
func allows(policy []api.Statement) bool {
	return slices.ContainsFunc(policy, func(st api.Statement) bool { return st.Effect == "allow" })
}
