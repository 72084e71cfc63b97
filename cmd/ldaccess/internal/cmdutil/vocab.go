package cmdutil

import "github.com/ldaccess/ldaccess/api"

// The vocabularies the contract enumerates, read from the generated code (api's Values
// functions) in the one place the command reads them from: flags, checks, messages and
// completions all use these, never a list typed again.

// TokenRoles are the built-in roles a token can be created with.
func TokenRoles() []string { return stringsOf(api.AccessTokenPostRoleValues()) }

// MemberRoles are the built-in roles a member can be invited with or given.
func MemberRoles() []string { return stringsOf(api.NewMemberFormRoleValues()) }

// MemberSorts are the orders members can be listed in.
func MemberSorts() []string { return stringsOf(api.MembersSortValues()) }

// MemberExpands are the extra properties a member listing can include.
func MemberExpands() []string { return stringsOf(api.MemberExpandValues()) }

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
