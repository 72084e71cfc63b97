package wrapper

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// The query types: what a list request or a semantic patch selects, and how.

// Sort orders for [MembersQuery.Sort], the contract's (api.MembersSortValues lists them).
// Members never seen, or seen before LaunchDarkly recorded it, count as seen longest ago.
const (
	SortDisplayName     = api.MembersSortDisplayName     // by first and last name, or email when unnamed
	SortDisplayNameDesc = api.MembersSortDisplayNameDesc // SortDisplayName reversed
	SortLastSeen        = api.MembersSortLastSeen        // least recently active first
	SortLastSeenDesc    = api.MembersSortLastSeenDesc    // most recently active first
)

// Page sizes every list request asks for when its query's PageSize is zero, one page or all
// of them alike. LaunchDarkly's own defaults are 20 members and 25 tokens a page; asking for
// 100 members needs five times fewer requests (and rate-limit budget) for a large account.
const (
	DefaultMembersPageSize = 100
	DefaultTokensPageSize  = 25
)

// MembersQuery selects and orders account members, for [Client.ListMembers],
// [Client.Members] and [Client.MemberPages]. The zero value lists everyone.
type MembersQuery struct {
	Filter MemberFilter    // which members; the zero value matches all
	Sort   api.MembersSort // SortDisplayName, SortLastSeen or their …Desc forms; empty for the server's order
	// Expand names extra properties to include in each member (api.MemberExpandValues lists
	// them).
	Expand []api.MemberExpand
	// PageSize is how many members a request asks for; zero means DefaultMembersPageSize.
	PageSize int
	Offset   int // how many matching members to skip
}

// TokensQuery selects access tokens, for [Client.ListTokens], [Client.Tokens] and
// [Client.TokenPages].
type TokensQuery struct {
	// ShowAll lists every token of the account rather than only the caller's; it needs an
	// admin token.
	ShowAll bool
	// PageSize is how many tokens a request asks for; zero means DefaultTokensPageSize.
	PageSize int
	Offset   int // how many tokens to skip
}

// A MemberFilter selects account members; a member must match every field that is set. Its
// String method renders LaunchDarkly's filter syntax. LaunchDarkly's syntax has no escapes,
// so values must not contain ',' or '|'.
type MemberFilter struct {
	Query    string         // a case-insensitive substring of the name or email
	Roles    []string       // any of these roles or custom-role keys; "admin" includes owners
	IDs      []string       // any of these member IDs
	Emails   []string       // any of these email addresses
	TeamKey  string         // the key of a team the member belongs to
	NoTeam   *bool          // true: members on no team; false: members on at least one
	LastSeen LastSeenFilter // when the member was last active; see NeverSeen, NoLastSeenData, SeenBefore
}

// String renders f as the value of the filter query parameter, for example
// `query:abc,role:admin|writer,lastSeen:{"never":true}`. The zero filter renders as "".
func (f MemberFilter) String() string {
	var b strings.Builder
	term := func(field api.MembersFilterField, value string) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(field))
		b.WriteByte(':')
		b.WriteString(value)
	}
	if f.Query != "" {
		term(api.MembersFilterFieldQuery, f.Query)
	}
	if len(f.Roles) > 0 {
		term(api.MembersFilterFieldRole, strings.Join(f.Roles, "|"))
	}
	if len(f.IDs) > 0 {
		term(api.MembersFilterFieldID, strings.Join(f.IDs, "|"))
	}
	if len(f.Emails) > 0 {
		term(api.MembersFilterFieldEmail, strings.Join(f.Emails, "|"))
	}
	if f.TeamKey != "" {
		term(api.MembersFilterFieldTeam, f.TeamKey)
	}
	if f.NoTeam != nil {
		term(api.MembersFilterFieldNoTeam, strconv.FormatBool(*f.NoTeam))
	}
	if s := f.LastSeen.String(); s != "" {
		term(api.MembersFilterFieldLastSeen, s)
	}
	return b.String()
}

// A LastSeenFilter selects members by when they were last active. The zero value matches
// everyone; build others with [NeverSeen], [NoLastSeenData] and [SeenBefore].
type LastSeenFilter struct {
	json string // LaunchDarkly's JSON form, or "" for the zero value
}

// NeverSeen matches members who have never been active, such as those who have not accepted
// their invitation.
func NeverSeen() LastSeenFilter { return LastSeenFilter{`{"never":true}`} }

// NoLastSeenData matches members not active since LaunchDarkly began recording activity.
func NoLastSeenData() LastSeenFilter { return LastSeenFilter{`{"noData":true}`} }

// SeenBefore matches members not active since t (to the millisecond).
func SeenBefore(t time.Time) LastSeenFilter {
	return LastSeenFilter{`{"before":` + strconv.FormatInt(Millis(t), 10) + `}`}
}

// String renders the filter's JSON form, such as {"never":true}, or "" for the zero value.
func (l LastSeenFilter) String() string { return l.json }

// AllMembersFilter narrows [ReplaceAllMembersRoles] and [ReplaceAllMembersCustomRoles]; the
// zero value selects every member of the account.
type AllMembersFilter struct {
	LastSeen         LastSeenFilter // when members were last active
	Query            string         // a case-insensitive substring of name or email
	Roles            []string       // any of these roles or custom-role keys
	TeamKey          string         // members of this team
	IgnoredMemberIDs []string       // members to leave alone
}

// apply sets the instruction's filter fields.
func (f AllMembersFilter) apply(in api.Instruction) {
	if f.LastSeen.json != "" {
		in["filterLastSeen"] = json.RawMessage(f.LastSeen.json)
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

// params returns the generated client's parameters for q.
func (q MembersQuery) params() *api.GetMembersParams {
	l := int64(cmpOr(q.PageSize, DefaultMembersPageSize))
	p := &api.GetMembersParams{Limit: &l}
	if q.Offset > 0 {
		o := int64(q.Offset)
		p.Offset = &o
	}
	if f := q.Filter.String(); f != "" {
		p.Filter = &f
	}
	if len(q.Expand) > 0 {
		p.Expand = &q.Expand
	}
	if q.Sort != "" {
		p.Sort = &[]api.MembersSort{q.Sort}
	}
	return p
}

// params returns the generated client's parameters for q.
func (q TokensQuery) params() *api.GetTokensParams {
	l := int64(cmpOr(q.PageSize, DefaultTokensPageSize))
	p := &api.GetTokensParams{Limit: &l}
	if q.ShowAll {
		t := true
		p.ShowAll = &t
	}
	if q.Offset > 0 {
		o := int64(q.Offset)
		p.Offset = &o
	}
	return p
}

// cmpOr returns a if it is positive, else b.
func cmpOr[T int | time.Duration](a, b T) T {
	if a > 0 {
		return a
	}
	return b
}

// Time converts one of LaunchDarkly's epoch-millisecond fields (creationDate, lastModified,
// lastUsed, _lastSeen…) to a time.Time. LaunchDarkly writes 0 for "never", so Time(0) is the
// zero time.Time, for which IsZero reports true.
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Millis converts t to Unix epoch milliseconds, LaunchDarkly's time format; the zero
// time.Time becomes 0.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
