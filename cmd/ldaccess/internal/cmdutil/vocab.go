package cmdutil

import (
	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// The vocabularies the contract enumerates, in the one place the command reads them from:
// flags, checks and completions all use these, never a list typed again.

// TokenRoles are the built-in roles a token can be created with.
func TokenRoles() []string {
	return stringsOf(api.AccessTokenPostRoleReader, api.AccessTokenPostRoleWriter, api.AccessTokenPostRoleAdmin)
}

// MemberRoles are the built-in roles a member can be invited with or given.
func MemberRoles() []string {
	return stringsOf(api.NewMemberFormRoleReader, api.NewMemberFormRoleWriter, api.NewMemberFormRoleAdmin, api.NewMemberFormRoleNoAccess)
}

// MemberSorts are the orders members can be listed in.
func MemberSorts() []string {
	return []string{wrapper.SortDisplayName, wrapper.SortLastSeen, wrapper.SortDisplayNameDesc, wrapper.SortLastSeenDesc}
}

// MemberExpands are the extra properties a member listing can include.
func MemberExpands() []string { return []string{"customRoles", "roleAttributes"} }

func stringsOf[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
