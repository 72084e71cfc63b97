package wrapper

import "github.com/ldaccess/ldaccess/api"

// JSON Patch (RFC 6902) operations for [Client.PatchToken] and [Client.PatchMember]. Paths are
// JSON Pointers such as "/role" or "/customRoles/0". LaunchDarkly does not let properties
// whose names start with '_' be changed.
// Add, Replace and Test always send a value, null for a nil v, as RFC 6902 requires; Remove
// sends none.

// Add returns an "add" operation: set path to v, or insert v into an array ("/-" appends).
func Add(path string, v any) api.PatchOperation {
	return api.PatchOperation{Op: "add", Path: path, Value: api.PatchValueOf(v)}
}

// Replace returns a "replace" operation: set the existing property at path to v.
func Replace(path string, v any) api.PatchOperation {
	return api.PatchOperation{Op: "replace", Path: path, Value: api.PatchValueOf(v)}
}

// Remove returns a "remove" operation: delete the property or array element at path.
func Remove(path string) api.PatchOperation {
	return api.PatchOperation{Op: "remove", Path: path}
}

// Test returns a "test" operation: the whole patch fails (422 for tokens) unless path holds
// v. Put it first to make a patch conditional, as an optimistic lock.
func Test(path string, v any) api.PatchOperation {
	return api.PatchOperation{Op: "test", Path: path, Value: api.PatchValueOf(v)}
}

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
