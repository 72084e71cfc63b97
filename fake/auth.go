package fake

import (
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
