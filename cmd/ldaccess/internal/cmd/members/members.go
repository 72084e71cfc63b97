// Package members is "ldaccess members": list, get, invite, remove, set-role, add-to-teams and
// offboard account members.
package members

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/wrapper"
)

// NewCmdMembers is "ldaccess members".
func NewCmdMembers(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.GroupCmd("members", "List, inspect, invite, remove and change account members",
		NewCmdList(f, nil), NewCmdGet(f, nil), NewCmdInvite(f, nil), NewCmdRemove(f, nil),
		NewCmdSetRole(f, nil), NewCmdAddToTeams(f, nil), NewCmdOffboard(f, nil))
}

// isEmail tells a member's email address from an ID or "me".
func isEmail(ref string) bool { return strings.Contains(ref, "@") }

// resolve finds a member by ID, "me", or email address.
func resolve(ctx context.Context, c *wrapper.Client, ref string, opts ...wrapper.GetMemberOption) (api.Member, error) {
	if !isEmail(ref) {
		return c.GetMember(ctx, ref, opts...)
	}
	if strings.ContainsAny(ref, ",|") {
		return api.Member{}, clierr.Usagef("%q is not an email address", ref)
	}
	page, err := c.ListMembers(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Emails: []string{ref}}, PageSize: 2})
	if err != nil {
		return api.Member{}, err
	}
	for _, m := range page.Items {
		if strings.EqualFold(m.Email, ref) {
			if len(opts) > 0 {
				return c.GetMember(ctx, m.ID, opts...)
			}
			return m, nil
		}
	}
	return api.Member{}, fmt.Errorf("no member has the email address %s", ref)
}

// resolveID is the ID of a member given by ID or email address: an ID as it is, an address
// looked up.
func resolveID(ctx context.Context, c *wrapper.Client, ref string) (string, error) {
	if !isEmail(ref) {
		return ref, nil
	}
	m, err := resolve(ctx, c, ref)
	return m.ID, err
}
