package wrapper

import "github.com/ldaccess/ldaccess/api"

// Semantic-patch instructions for [Client.UpdateMembers].

// ReplaceMembersRoles sets the built-in role ("reader", "writer", "admin", "no_access") of the
// given members.
func ReplaceMembersRoles(role string, memberIDs ...string) api.Instruction {
	return api.Instruction{"kind": "replaceMembersRoles", "value": role, "memberIDs": nonNil(memberIDs)}
}

// ReplaceMembersCustomRoles sets the custom roles, by key, of the given members.
func ReplaceMembersCustomRoles(roleKeys []string, memberIDs ...string) api.Instruction {
	return api.Instruction{"kind": "replaceMembersCustomRoles", "values": nonNil(roleKeys), "memberIDs": nonNil(memberIDs)}
}

// ReplaceAllMembersRoles sets the built-in role of every member that f selects.
func ReplaceAllMembersRoles(role string, f AllMembersFilter) api.Instruction {
	in := api.Instruction{"kind": "replaceAllMembersRoles", "value": role}
	f.apply(in)
	return in
}

// ReplaceAllMembersCustomRoles sets the custom roles, by key, of every member that f selects.
func ReplaceAllMembersCustomRoles(roleKeys []string, f AllMembersFilter) api.Instruction {
	in := api.Instruction{"kind": "replaceAllMembersCustomRoles", "values": nonNil(roleKeys)}
	f.apply(in)
	return in
}

// ReplaceMembersRoleAttributes sets the role attributes (attribute key → values) of the given
// members.
func ReplaceMembersRoleAttributes(attrs map[string][]string, memberIDs ...string) api.Instruction {
	if attrs == nil {
		attrs = map[string][]string{}
	}
	return api.Instruction{"kind": "replaceMembersRoleAttributes", "value": attrs, "memberIDs": nonNil(memberIDs)}
}

// AllMembersFilter narrows [ReplaceAllMembersRoles] and [ReplaceAllMembersCustomRoles]; the
// zero value selects every member of the account.
type AllMembersFilter struct {
	LastSeen         LastSeenFilter // when members were last active
	Query            string         // a case-insensitive substring of name or email
	Roles            []string       // any of these roles or custom-role keys
	TeamKey          string         // members of this team
	IgnoredMemberIDs []string       // members to leave alone
}

func (f AllMembersFilter) apply(in api.Instruction) {
	if v := f.LastSeen.value(); v != nil {
		in["filterLastSeen"] = v
	}
	if f.Query != "" {
		in["filterQuery"] = f.Query
	}
	if len(f.Roles) > 0 {
		in["filterRoles"] = f.Roles
	}
	if f.TeamKey != "" {
		in["filterTeamKey"] = f.TeamKey
	}
	if len(f.IgnoredMemberIDs) > 0 {
		in["ignoredMemberIDs"] = f.IgnoredMemberIDs
	}
}

// nonNil makes a nil slice encode as [] rather than null, which the API rejects.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
