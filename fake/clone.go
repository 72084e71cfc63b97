package fake

import (
	"maps"
	"slices"

	"github.com/ldaccess/ldaccess/api"
)

// The state shares nothing with callers: values go in and out through these deep copies.
// Inside, updates replace slices and maps rather than change them in place (copy on write), so a
// shallow copy taken under the lock stays valid while a response is encoded after it.

func cloneRoleAttributes(p map[string]api.RoleAttributeValues) map[string]api.RoleAttributeValues {
	if p == nil {
		return nil
	}
	m := make(map[string]api.RoleAttributeValues, len(p))
	for k, v := range p {
		m[k] = slices.Clone(v)
	}
	return m
}

func cloneMember(m api.Member) api.Member {
	m.Links = maps.Clone(m.Links)
	m.CustomRoles = slices.Clone(m.CustomRoles)
	m.ExcludedDashboards = slices.Clone(m.ExcludedDashboards)
	m.OAuthProviders = slices.Clone(m.OAuthProviders)
	m.RoleAttributes = cloneRoleAttributes(m.RoleAttributes)
	if m.Teams != nil {
		ts := make([]api.MemberTeamSummaryRep, len(m.Teams))
		for i, t := range m.Teams {
			t.CustomRoleKeys = slices.Clone(t.CustomRoleKeys)
			t.Links = maps.Clone(t.Links)
			ts[i] = t
		}
		m.Teams = ts
	}
	if m.PermissionGrants != nil {
		gs := make([]api.MemberPermissionGrantSummaryRep, len(m.PermissionGrants))
		for i, g := range m.PermissionGrants {
			g.Actions = slices.Clone(g.Actions)
			gs[i] = g
		}
		m.PermissionGrants = gs
	}
	return m
}

func cloneStatements(p []api.Statement) []api.Statement {
	if p == nil {
		return nil
	}
	ss := make([]api.Statement, len(p))
	for i, s := range p {
		s.Actions = slices.Clone(s.Actions)
		s.NotActions = slices.Clone(s.NotActions)
		s.Resources = slices.Clone(s.Resources)
		s.NotResources = slices.Clone(s.NotResources)
		ss[i] = s
	}
	return ss
}

func cloneToken(t api.Token) api.Token {
	t.Links = maps.Clone(t.Links)
	t.CustomRoleIDs = slices.Clone(t.CustomRoleIDs)
	t.InlineRole = cloneStatements(t.InlineRole)
	t.Member.Links = maps.Clone(t.Member.Links)
	return t
}

func cloneCustomRole(r CustomRole) CustomRole {
	r.Policy = cloneStatements(r.Policy)
	return r
}

func cloneTeam(t Team) Team {
	t.CustomRoleKeys = slices.Clone(t.CustomRoleKeys)
	return t
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
