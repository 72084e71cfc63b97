package review

import (
	"fmt"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// A Report is a whole access review: which account, who ran it, when, with which thresholds,
// what it could see (Coverage), and one row per token and member with its findings.
type Report struct {
	// Options are the thresholds the review used, defaults filled in. Embedded, so that
	// r.StaleAfter and r.Describe(f) read naturally.
	Options
	// Name is what the caller calls the account, such as the ldaccess command's profile name;
	// "" if it gave none.
	Name        string
	GeneratedAt time.Time
	// Account identifies the account reviewed by its owner.
	Account Account
	// Instance names where the account lives: "commercial", "eu", "federal" or "custom" (Run
	// names it from the client's base URL; a caller may name it otherwise, as the ldaccess
	// command names its fake "fake"). BaseURL is the client's base URL.
	Instance string
	BaseURL  string
	// Caller is who ran the review: the member its token acts as, and the token. Run fills it
	// in; BuildReport leaves it for its caller to.
	Caller Caller
	// Coverage says which lists the review saw whole. Incomplete says it in words.
	Coverage Coverage
	// Policy, if not nil, is the policy a plan was made with from this review, for the record.
	Policy *Policy
	// TokenCount and MemberCount are how many were reviewed, even when rows are left out.
	TokenCount  int
	MemberCount int
	Tokens      []TokenRow
	Members     []MemberRow
}

// Account identifies a LaunchDarkly account by its owner, whom no one can remove.
type Account struct {
	OwnerID    string `json:"ownerId"`
	OwnerEmail string `json:"ownerEmail,omitempty"`
}

// Coverage is what a review could see. A token that is not an admin's cannot list every token
// of the account: the review then covers the tokens of its own member only.
type Coverage struct {
	// AllTokens is true when every token of the account was listed.
	AllTokens bool `json:"allTokens"`
	// AllMembers is true when every member of the account was listed.
	AllMembers bool `json:"allMembers"`
}

// Complete reports whether the review saw every token and every member.
func (c Coverage) Complete() bool { return c.AllTokens && c.AllMembers }

// Incomplete says, starting "incomplete review:", what the review could not see; "" when it
// saw everything. Every output of a review carries it, so that a partial review is never
// filed as the account's.
func (r Report) Incomplete() string {
	var gaps []string
	if !r.Coverage.AllTokens {
		who := "its own member's"
		if r.Caller.Email != "" {
			who = r.Caller.Email + "'s"
		}
		gaps = append(gaps, fmt.Sprintf("only %s %d tokens were reviewed, not every token of the account "+
			"(listing every token needs an admin token)", who, r.TokenCount))
	}
	if !r.Coverage.AllMembers {
		gaps = append(gaps, fmt.Sprintf("only %d members were reviewed, not every member of the account", r.MemberCount))
	}
	if len(gaps) == 0 {
		return ""
	}
	return "incomplete review: " + strings.Join(gaps, "; ")
}

// A TokenRow is a token with its findings.
type TokenRow struct {
	Token    api.Token
	Owner    string // the owner's email when known, else the owner's ID
	Findings []Finding
}

// A MemberRow is a member with its findings.
type MemberRow struct {
	Member   Member
	Findings []Finding
}

// A Member is what a review keeps of an account member: what its findings, its outputs and
// its plans use, without the rest of api.Member (links, permission grants, identity provider
// metadata), so that a review holds a few hundred bytes per member however large the account.
type Member struct {
	ID            string
	Email         string
	FirstName     string
	LastName      string
	Role          string
	CustomRoles   []string
	Teams         []string // the keys of the member's teams
	MFA           string   // "enabled" or "disabled"
	PendingInvite bool
	CreationDate  int64 // epoch milliseconds
	LastSeen      int64 // epoch milliseconds, 0 never
	Version       int
}

// MemberOf keeps of m what a review needs.
func MemberOf(m api.Member) Member {
	return newInterner().member(m)
}

// Name is the member's first and last name, whichever there are.
func (m Member) Name() string { return strings.TrimSpace(m.FirstName + " " + m.LastName) }

// State is the member's state as a plan records it.
func (m Member) State() State {
	return State{Role: m.Role, CustomRoles: m.CustomRoles, Version: m.Version, LastSeen: m.LastSeen}
}

// interner shares the strings many members hold (roles, custom roles, team keys, MFA) instead
// of keeping a copy per member, as decoding each page makes.
type interner map[string]string

func newInterner() interner { return interner{} }

// maxInterned bounds the strings shared: an account has few roles and teams, and a hostile
// server that sends a new one with every member must not grow the table without bound.
const maxInterned = 4096

func (in interner) str(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	if len(in) < maxInterned {
		in[s] = s
	}
	return s
}

func (in interner) strs(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = in.str(s)
	}
	return out
}

func (in interner) member(m api.Member) Member {
	var teams []string
	if len(m.Teams) > 0 {
		teams = make([]string, len(m.Teams))
		for i, t := range m.Teams {
			teams[i] = in.str(t.Key)
		}
	}
	return Member{
		ID: m.ID, Email: m.Email, FirstName: m.FirstName, LastName: m.LastName,
		Role: in.str(m.Role), CustomRoles: in.strs(m.CustomRoles), Teams: teams, MFA: in.str(m.MFA),
		PendingInvite: m.PendingInvite, CreationDate: m.CreationDate, LastSeen: m.LastSeen, Version: m.Version,
	}
}

// A SummaryLine is one line of a summary: how many tokens or members have a finding.
type SummaryLine struct {
	Subject string // "token" or "member"
	Finding Finding
	Risk    Risk
	Count   int
}

// BuildReport reviews the given members and tokens at now: the pure part of Run, for callers
// that hold the account already. Rows keep the order they were given in.
func BuildReport(members []api.Member, tokens []api.Token, now time.Time, o Options) Report {
	b := newBuilder(now, o)
	b.expect(len(members))
	for _, m := range members {
		b.addMember(m)
	}
	r := b.finish(tokens)
	r.Coverage = Coverage{AllTokens: true, AllMembers: true}
	return r
}

// builder makes a report one member at a time, keeping only each member's Member: the whole
// api.Member is garbage as soon as it is judged.
type builder struct {
	r      Report
	now    time.Time
	intern interner
}

func newBuilder(now time.Time, o Options) *builder {
	return &builder{r: Report{Options: o.withDefaults(), GeneratedAt: now}, now: now, intern: newInterner()}
}

// maxExpected bounds the rows made room for ahead: a count a server claims is a hint, not
// a promise (the rows grow past it as they come).
const maxExpected = 1_000_000

// expect makes room for total members at once, as the first page announces: growing the rows
// page by page would hold every smaller copy until the collector ran, about half as much
// memory again at 100,000 members.
func (b *builder) expect(total int) {
	if cap(b.r.Members) == 0 && total > 0 {
		b.r.Members = make([]MemberRow, 0, min(total, maxExpected))
	}
}

func (b *builder) addMember(m api.Member) {
	mem := b.intern.member(m)
	b.r.Members = append(b.r.Members, MemberRow{Member: mem, Findings: memberFindings(mem, b.now, b.r.Options)})
	if mem.Role == RoleOwner && b.r.Account.OwnerID == "" {
		b.r.Account = Account{OwnerID: mem.ID, OwnerEmail: mem.Email}
	}
}

// finish judges the tokens against the members listed and counts both. Only the tokens'
// owners are looked up among the members, in one pass: no index of every member is built.
func (b *builder) finish(tokens []api.Token) Report {
	r := b.r
	owners := make(map[string]string, len(tokens)) // owner ID → email, for the owners that are members
	wanted := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		wanted[t.OwnerID] = true
	}
	for _, m := range r.Members {
		if wanted[m.Member.ID] {
			owners[m.Member.ID] = m.Member.Email
		}
	}
	isMember := make(map[string]bool, len(owners))
	for id := range owners {
		isMember[id] = true
	}
	r.Tokens = make([]TokenRow, 0, len(tokens))
	for _, t := range tokens {
		owner := t.OwnerID
		if e := owners[t.OwnerID]; e != "" {
			owner = e
		} else if t.Member.ID == t.OwnerID && t.Member.Email != "" {
			owner = t.Member.Email
		}
		r.Tokens = append(r.Tokens, TokenRow{Token: t, Owner: owner, Findings: TokenFindings(t, isMember, b.now, r.Options)})
	}
	r.TokenCount, r.MemberCount = len(r.Tokens), len(r.Members)
	return r
}

// Summary counts tokens and members by finding, in a fixed order (TokenFindingOrder, then
// MemberFindingOrder), zeros included.
func (r Report) Summary() []SummaryLine {
	counts := map[Finding]int{}
	for _, t := range r.Tokens {
		for _, f := range t.Findings {
			counts[f]++
		}
	}
	for _, m := range r.Members {
		for _, f := range m.Findings {
			counts[f]++
		}
	}
	var lines []SummaryLine
	for _, f := range TokenFindingOrder {
		lines = append(lines, SummaryLine{Subject: subjectToken, Finding: f, Risk: f.Risk(), Count: counts[f]})
	}
	for _, f := range MemberFindingOrder {
		lines = append(lines, SummaryLine{Subject: subjectMember, Finding: f, Risk: f.Risk(), Count: counts[f]})
	}
	return lines
}

// FindingCount is the number of findings in the report, over all rows.
func (r Report) FindingCount() int {
	n := 0
	for _, t := range r.Tokens {
		n += len(t.Findings)
	}
	for _, m := range r.Members {
		n += len(m.Findings)
	}
	return n
}

// CountAtLeast is how many findings of risk at least min the report holds: a CI gate fails
// when it is not zero.
func (r Report) CountAtLeast(min Risk) int {
	n := 0
	for _, l := range r.Summary() {
		if l.Risk >= min {
			n += l.Count
		}
	}
	return n
}

// OnlyFindings returns the report with the rows that have no finding left out; the counts
// stay those of the whole review.
func (r Report) OnlyFindings() Report {
	out := r
	out.Tokens = nil
	out.Members = nil
	for _, t := range r.Tokens {
		if len(t.Findings) > 0 {
			out.Tokens = append(out.Tokens, t)
		}
	}
	for _, m := range r.Members {
		if len(m.Findings) > 0 {
			out.Members = append(out.Members, m)
		}
	}
	return out
}
