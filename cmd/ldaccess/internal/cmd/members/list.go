package members

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/wrapper"
)

// ListOptions are "members list"'s: the query, and how many at most.
type ListOptions struct {
	cmdutil.Env
	Query wrapper.MembersQuery
	Limit int
}

// listFlags are the flags "members list" turns into its query.
type listFlags struct {
	roles, ids, emails []string
	noTeam, onTeam     bool
	neverSeen, noData  bool
	seenBefore         string
}

// NewCmdList is "members list". runF, when not nil, runs instead of listRun (tests).
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Env: f.Env()}
	var lf listFlags
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
		Args: cmdutil.ExactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lf.filter(&opts.Query.Filter, opts.Now); err != nil {
				return err
			}
			if opts.Limit > 0 && opts.Limit < wrapper.DefaultMembersPageSize {
				opts.Query.PageSize = opts.Limit
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	q := &opts.Query
	fl.StringVarP(&q.Filter.Query, "query", "q", "", "members whose name or email contains this")
	fl.StringSliceVar(&lf.roles, "role", nil, `members with any of these roles or custom-role keys ("admin" includes owners)`)
	fl.StringSliceVar(&lf.ids, "id", nil, "members with any of these IDs")
	fl.StringSliceVar(&lf.emails, "email", nil, "members with any of these email addresses")
	fl.StringVar(&q.Filter.TeamKey, "team", "", "members of the team with this key")
	fl.BoolVar(&lf.noTeam, "no-team", false, "members on no team")
	fl.BoolVar(&lf.onTeam, "on-team", false, "members on at least one team")
	fl.BoolVar(&lf.neverSeen, "never-seen", false, "members never seen (pending invites and unverified members)")
	fl.BoolVar(&lf.noData, "no-last-seen-data", false, "members LaunchDarkly has no last-seen data for")
	fl.StringVar(&lf.seenBefore, "seen-before", "", `members last seen before this: "2025-01-31", or an age such as "90d"`)
	cmdutil.EnumFlag(cmd, &q.Sort, "sort", "", "", cmdutil.Enum{Values: cmdutil.MemberSorts()}, "order: a leading - for descending")
	cmdutil.EnumSliceFlag(cmd, &q.Expand, "expand", cmdutil.Enum{Values: cmdutil.MemberExpands()}, "include these properties")
	cmdutil.LimitFlag(cmd, &opts.Limit)
	cmd.MarkFlagsMutuallyExclusive("no-team", "on-team")
	cmd.MarkFlagsMutuallyExclusive("never-seen", "no-last-seen-data", "seen-before")
	return cmd
}

// filter fills the parts of a member filter that need more than a flag's value.
func (lf listFlags) filter(f *wrapper.MemberFilter, now func() time.Time) error {
	f.Roles, f.IDs, f.Emails = cmdutil.SplitList(lf.roles), cmdutil.SplitList(lf.ids), cmdutil.SplitList(lf.emails)
	for _, v := range append(append(append([]string{f.Query, f.TeamKey}, f.Roles...), f.IDs...), f.Emails...) {
		if strings.ContainsAny(v, ",|") {
			return clierr.Usagef("filter values cannot contain ',' or '|': %q", v)
		}
	}
	if lf.noTeam || lf.onTeam {
		noTeam := lf.noTeam
		f.NoTeam = &noTeam
	}
	switch {
	case lf.neverSeen:
		f.LastSeen = wrapper.NeverSeen()
	case lf.noData:
		f.LastSeen = wrapper.NoLastSeenData()
	case lf.seenBefore != "":
		t, err := cmdutil.ParseWhen(lf.seenBefore, now())
		if err != nil {
			return clierr.Usagef("--seen-before: %v", err)
		}
		f.LastSeen = wrapper.SeenBefore(t)
	}
	return nil
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	var ms []api.Member
	for m, err := range c.Members(ctx, opts.Query) {
		if err != nil {
			return err
		}
		ms = append(ms, m)
		if opts.Limit > 0 && len(ms) >= opts.Limit {
			break
		}
	}
	return opts.Print(present.Members(ms, opts.Format()))
}
