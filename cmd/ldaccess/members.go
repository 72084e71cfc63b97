package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

func (a *app) membersCmd() *cobra.Command {
	return groupCmd("members", "List, inspect, invite, remove and change account members",
		a.membersListCmd(), a.membersGetCmd(), a.membersInviteCmd(), a.membersRemoveCmd(),
		a.membersSetRoleCmd(), a.membersAddToTeamsCmd(), a.membersOffboardCmd())
}

var memberHeader = []string{"id", "email", "name", "role", "teams", "last seen", "mfa", "invite"}

// memberKeep and memberDrop say how a table of members fits a terminal: IDs and dates are
// never cut; the invite, name and teams columns go first (see fitColumns).
var (
	memberKeep = []string{"id", "last seen", "findings"}
	memberDrop = []string{"invite", "name", "teams", "mfa"}
)

func memberCells(m api.Member, format string) []string {
	invite := ""
	if m.PendingInvite {
		invite = "pending"
	}
	return []string{m.ID, m.Email, memberName(m), memberRole(m), strings.Join(teamKeys(m), ","),
		timeCell(format, m.LastSeen), m.MFA, invite}
}

func membersView(ms []api.Member, format string) view {
	s := section{Header: memberHeader, Empty: "no members", Keep: memberKeep, Drop: memberDrop}
	for _, m := range ms {
		s.Rows = append(s.Rows, memberCells(m, format))
	}
	if ms == nil {
		ms = []api.Member{}
	}
	return view{JSON: ms, Sections: []section{s}}
}

func memberView(m api.Member, format string) view {
	h := append(append([]string{}, memberHeader...), "created", "verified")
	row := append(memberCells(m, format), timeCell(format, m.CreationDate), fmt.Sprint(m.Verified))
	if m.RoleAttributes != nil {
		var attrs []string
		for k, v := range m.RoleAttributes {
			attrs = append(attrs, k+"="+strings.Join(v, "|"))
		}
		h = append(h, "role attributes")
		row = append(row, strings.Join(sortedStrings(attrs), " "))
	}
	return view{JSON: m, Sections: []section{{Header: h, Rows: [][]string{row}, Record: true}}}
}

// resolveMember finds a member by ID, "me", or email address.
func resolveMember(ctx context.Context, c *wrapper.Client, ref string) (api.Member, error) {
	if !strings.Contains(ref, "@") {
		return c.GetMember(ctx, ref)
	}
	if strings.ContainsAny(ref, ",|") {
		return api.Member{}, usagef("%q is not an email address", ref)
	}
	page, err := c.ListMembers(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Emails: []string{ref}}, PageSize: 2})
	if err != nil {
		return api.Member{}, err
	}
	for _, m := range page.Items {
		if strings.EqualFold(m.Email, ref) {
			return m, nil
		}
	}
	return api.Member{}, fmt.Errorf("no member has the email address %s", ref)
}

func (a *app) membersListCmd() *cobra.Command {
	var q wrapper.MembersQuery
	var roles, ids, emails, expand []string
	var noTeam, onTeam, neverSeen, noData bool
	var seenBefore, sort string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List account members, filtered and sorted",
		Long: `List the account's members. The filter flags combine: a member must match all of them.
--role, --id and --email take several values (repeat the flag or separate with commas) and
match any of them. --seen-before takes a date (2025-01-31), an RFC 3339 time, or an age (90d).`,
		Example: `  ldaccess members list --role admin --sort -lastSeen
  ldaccess members list --never-seen --format csv
  ldaccess members list --seen-before 90d --team platform
  ldaccess members list --query ariel --format json | jq '.[0]'`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative")
			}
			q.Filter.Roles = splitList(roles)
			q.Filter.IDs = splitList(ids)
			q.Filter.Emails = splitList(emails)
			for _, e := range splitList(expand) {
				q.Expand = append(q.Expand, api.MemberExpand(e))
			}
			q.Sort = api.MembersSort(sort)
			for _, v := range append(append(append([]string{q.Filter.Query, q.Filter.TeamKey}, q.Filter.Roles...), q.Filter.IDs...), q.Filter.Emails...) {
				if strings.ContainsAny(v, ",|") {
					return usagef("filter values cannot contain ',' or '|': %q", v)
				}
			}
			switch {
			case noTeam && onTeam:
				return usagef("--no-team and --on-team cannot be used together")
			case noTeam:
				q.Filter.NoTeam = &noTeam
			case onTeam:
				f := false
				q.Filter.NoTeam = &f
			}
			n := 0
			for _, set := range []bool{neverSeen, noData, seenBefore != ""} {
				if set {
					n++
				}
			}
			if n > 1 {
				return usagef("--never-seen, --no-last-seen-data and --seen-before cannot be combined")
			}
			switch {
			case neverSeen:
				q.Filter.LastSeen = wrapper.NeverSeen()
			case noData:
				q.Filter.LastSeen = wrapper.NoLastSeenData()
			case seenBefore != "":
				t, err := parseWhen(seenBefore, a.now())
				if err != nil {
					return usagef("--seen-before: %v", err)
				}
				q.Filter.LastSeen = wrapper.SeenBefore(t)
			}
			if q.Sort != "" && !q.Sort.Valid() {
				return usagef("--sort must be displayName, lastSeen, -displayName or -lastSeen, not %q", q.Sort)
			}
			for _, e := range q.Expand {
				if !e.Valid() {
					return usagef("--expand takes customRoles and roleAttributes, not %q", e)
				}
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			if limit > 0 && limit < wrapper.DefaultMembersPageSize {
				q.PageSize = limit
			}
			var ms []api.Member
			for m, err := range c.Members(cmd.Context(), q) {
				if err != nil {
					return err
				}
				ms = append(ms, m)
				if limit > 0 && len(ms) >= limit {
					break
				}
			}
			return a.render(membersView(ms, string(a.format)))
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&q.Filter.Query, "query", "q", "", "members whose name or email contains this")
	f.StringSliceVar(&roles, "role", nil, `members with any of these roles or custom-role keys ("admin" includes owners)`)
	f.StringSliceVar(&ids, "id", nil, "members with any of these IDs")
	f.StringSliceVar(&emails, "email", nil, "members with any of these email addresses")
	f.StringVar(&q.Filter.TeamKey, "team", "", "members of the team with this key")
	f.BoolVar(&noTeam, "no-team", false, "members on no team")
	f.BoolVar(&onTeam, "on-team", false, "members on at least one team")
	f.BoolVar(&neverSeen, "never-seen", false, "members never seen (pending invites and unverified members)")
	f.BoolVar(&noData, "no-last-seen-data", false, "members LaunchDarkly has no last-seen data for")
	f.StringVar(&seenBefore, "seen-before", "", `members last seen before this: "2025-01-31", or an age such as "90d"`)
	f.StringVar(&sort, "sort", "", "order: displayName or lastSeen, with a leading - for descending")
	f.StringSliceVar(&expand, "expand", nil, "include customRoles and/or roleAttributes")
	f.IntVar(&limit, "limit", 0, "list at most this many (0 for all)")
	return cmd
}

func (a *app) membersGetCmd() *cobra.Command {
	var roleAttrs bool
	cmd := &cobra.Command{
		Use:   "get MEMBER",
		Short: `Show one member, by ID, email address, or "me"`,
		Args:  exactArgs(1, `one member ID, email address or "me"`),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			var m api.Member
			if roleAttrs && !strings.Contains(args[0], "@") {
				m, err = c.GetMember(cmd.Context(), args[0], wrapper.ExpandRoleAttributes())
			} else {
				m, err = resolveMember(cmd.Context(), c, args[0])
				if err == nil && roleAttrs {
					m, err = c.GetMember(cmd.Context(), m.ID, wrapper.ExpandRoleAttributes())
				}
			}
			if err != nil {
				return err
			}
			return a.render(memberView(m, string(a.format)))
		}),
	}
	cmd.Flags().BoolVar(&roleAttrs, "role-attributes", false, "include the member's role attributes")
	return cmd
}

func (a *app) membersInviteCmd() *cobra.Command {
	var role, firstName, lastName string
	var customRoles, teams []string
	cmd := &cobra.Command{
		Use:   "invite EMAIL... (--role ROLE | --custom-role KEY...)",
		Short: "Invite people to the account",
		Long: `Invite one or more people by email address, all with the same role or custom roles, and
optionally onto teams. LaunchDarkly invites at most 50 people a request and all or nothing: if
one address cannot be invited, nobody in that request is, and the error names the addresses.`,
		Example: `  ldaccess members invite sandy@acme.com omar@acme.com --role writer --team platform
  ldaccess members invite dana@acme.com --custom-role flag-editor --first-name Dana`,
		Args: minArgs(1, "one or more email addresses"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			crs := splitList(customRoles)
			tks := splitList(teams)
			if role == "" && len(crs) == 0 {
				return usagef("give --role or --custom-role")
			}
			if (firstName != "" || lastName != "") && len(args) > 1 {
				return usagef("--first-name and --last-name apply to a single invitee")
			}
			var forms []api.NewMemberForm
			seen := map[string]bool{}
			for _, email := range args {
				email = strings.TrimSpace(email)
				if !strings.Contains(email, "@") {
					return usagef("%q is not an email address", email)
				}
				if seen[strings.ToLower(email)] {
					return usagef("%s is given twice", email)
				}
				seen[strings.ToLower(email)] = true
				f := api.NewMemberForm{Email: email}
				if role != "" {
					r := api.NewMemberFormRole(role)
					f.Role = r
				}
				if len(crs) > 0 {
					f.CustomRoles = crs
				}
				if len(tks) > 0 {
					f.TeamKeys = tks
				}
				if firstName != "" {
					f.FirstName = firstName
				}
				if lastName != "" {
					f.LastName = lastName
				}
				forms = append(forms, f)
			}
			switch role {
			case "", "reader", "writer", "admin", "no_access":
			default:
				return usagef("--role must be reader, writer, admin or no_access, not %q (use --custom-role for custom roles)", role)
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			var invited []api.Member
			for start := 0; start < len(forms); start += 50 {
				batch := forms[start:min(start+50, len(forms))]
				ms, err := c.InviteMembers(cmd.Context(), batch...)
				if err != nil {
					if len(invited) > 0 {
						_ = a.render(membersView(invited, string(a.format)))
						a.status.notef("invited the first %d; the next request failed", len(invited))
					}
					return err
				}
				invited = append(invited, ms...)
			}
			return a.render(membersView(invited, string(a.format)))
		}),
	}
	f := cmd.Flags()
	f.StringVar(&role, "role", "", "built-in role: reader, writer, admin or no_access")
	f.StringSliceVar(&customRoles, "custom-role", nil, "custom role key (repeatable, or comma-separated)")
	f.StringSliceVar(&teams, "team", nil, "team key to add the invitees to (repeatable, or comma-separated)")
	f.StringVar(&firstName, "first-name", "", "the invitee's first name (one invitee only)")
	f.StringVar(&lastName, "last-name", "", "the invitee's last name (one invitee only)")
	return cmd
}

func (a *app) membersRemoveCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "remove MEMBER",
		Short: "Remove a member from the account, by ID or email address",
		Long: `Remove a member from the account. Their personal access tokens stop working.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Args: exactArgs(1, "one member ID or email address"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if args[0] == "me" {
				return usagef(`refusing to remove "me", the member whose token this is`)
			}
			if err := a.canConfirm(yes, "members remove"); err != nil {
				return err
			}
			c, err := a.connect(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			var m api.Member
			if strings.Contains(id, "@") || !yes {
				if m, err = resolveMember(ctx, c, id); err != nil {
					return err
				}
				id = m.ID
			}
			err = a.confirmDestructive(ctx, yes, "members remove", func() (string, error) {
				return fmt.Sprintf("Remove %s (%s, role %s, last seen %s) from the account?",
					m.Email, m.ID, memberRole(m), day(m.LastSeen)), nil
			})
			if err != nil {
				return err
			}
			if err := c.DeleteMember(ctx, id); err != nil {
				return err
			}
			return a.render(deletedView("member", id))
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func (a *app) membersSetRoleCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "set-role MEMBER ROLE",
		Short: "Change a member's built-in role (reader, writer, admin, no_access)",
		Long: `Replace a member's built-in role. MEMBER is an ID or an email address.

Changing access is treated as destructive: it asks for confirmation when stdin is a terminal,
and otherwise refuses to run without --yes.`,
		Example: `  ldaccess members set-role ariel@acme.com reader --yes`,
		Args:    exactArgs(2, "a member and a role"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			role := args[1]
			switch role {
			case "reader", "writer", "admin", "no_access":
			case "owner":
				return usagef("ownership cannot be given with set-role")
			default:
				return usagef("ROLE must be reader, writer, admin or no_access, not %q", role)
			}
			if err := a.canConfirm(yes, "members set-role"); err != nil {
				return err
			}
			c, err := a.connect(ctx)
			if err != nil {
				return err
			}
			m, err := resolveMember(ctx, c, args[0])
			if err != nil {
				return err
			}
			err = a.confirmDestructive(ctx, yes, "members set-role", func() (string, error) {
				return fmt.Sprintf("Change the role of %s (%s) from %s to %s?", m.Email, m.ID, m.Role, role), nil
			})
			if err != nil {
				return err
			}
			updated, err := c.PatchMember(ctx, m.ID, wrapper.Replace("/role", role))
			if err != nil {
				return err
			}
			return a.render(memberView(updated, string(a.format)))
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func (a *app) membersAddToTeamsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "add-to-teams MEMBER TEAM-KEY...",
		Short:   "Add a member to one or more teams",
		Example: `  ldaccess members add-to-teams ariel@acme.com platform security`,
		Args:    minArgs(2, "a member and one or more team keys"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			teams := splitList(args[1:])
			if len(teams) == 0 {
				return usagef("no team keys given")
			}
			c, err := a.connect(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			if strings.Contains(id, "@") {
				m, err := resolveMember(ctx, c, id)
				if err != nil {
					return err
				}
				id = m.ID
			}
			m, err := c.AddMemberToTeams(ctx, id, teams...)
			if err != nil {
				return err
			}
			return a.render(memberView(m, string(a.format)))
		}),
	}
	return cmd
}
