package review

import (
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// A Report is a whole access review: what was looked at, with which thresholds, and one row
// per token and member with its findings.
type Report struct {
	// Options are the thresholds the review used, defaults filled in. Embedded, so that
	// r.StaleAfter and r.Describe(f) read naturally.
	Options
	GeneratedAt time.Time
	// Account identifies the account reviewed by its owner.
	Account Account
	// Caller is who ran the review: the member its token acts as, and the token. Run fills it
	// in; BuildReport leaves it for its caller to.
	Caller Caller
	// AllTokens is false when the caller could not list every token (that needs an admin) and
	// only its own member's tokens were reviewed.
	AllTokens bool
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

// A TokenRow is a token with its findings.
type TokenRow struct {
	Token    api.Token
	Owner    string // the owner's email when known, else the owner's ID
	Findings []Finding
}

// A MemberRow is a member with its findings.
type MemberRow struct {
	Member   api.Member
	Findings []Finding
}

// A SummaryLine is one line of a summary: how many tokens or members have a finding.
type SummaryLine struct {
	Subject string // "token" or "member"
	Finding Finding
	Count   int
}

// BuildReport reviews the given members and tokens at now: the pure part of Run, for callers
// that hold the account already. Rows keep the order they were given in.
func BuildReport(members []api.Member, tokens []api.Token, now time.Time, o Options) Report {
	o = o.withDefaults()
	r := Report{Options: o, GeneratedAt: now, AllTokens: true, TokenCount: len(tokens), MemberCount: len(members)}
	ids := make(map[string]bool, len(members))
	emails := make(map[string]string, len(members))
	for _, m := range members {
		ids[m.ID] = true
		emails[m.ID] = m.Email
		if m.Role == "owner" && r.Account.OwnerID == "" {
			r.Account = Account{OwnerID: m.ID, OwnerEmail: m.Email}
		}
	}
	r.Members = make([]MemberRow, 0, len(members))
	for _, m := range members {
		r.Members = append(r.Members, MemberRow{Member: m, Findings: MemberFindings(m, now, o)})
	}
	r.Tokens = make([]TokenRow, 0, len(tokens))
	for _, t := range tokens {
		owner := t.OwnerID
		if e, ok := emails[t.OwnerID]; ok && e != "" {
			owner = e
		} else if t.Member.ID == t.OwnerID && t.Member.Email != "" {
			owner = t.Member.Email
		}
		r.Tokens = append(r.Tokens, TokenRow{Token: t, Owner: owner, Findings: TokenFindings(t, ids, now, o)})
	}
	return r
}

// Summary counts tokens and members by finding, in a fixed order, zeros included.
func (r Report) Summary() []SummaryLine {
	var lines []SummaryLine
	counts := map[Finding]int{}
	for _, t := range r.Tokens {
		for _, f := range t.Findings {
			counts[f]++
		}
	}
	for _, f := range TokenFindingOrder {
		lines = append(lines, SummaryLine{Subject: subjectToken, Finding: f, Count: counts[f]})
	}
	counts = map[Finding]int{}
	for _, m := range r.Members {
		for _, f := range m.Findings {
			counts[f]++
		}
	}
	for _, f := range MemberFindingOrder {
		lines = append(lines, SummaryLine{Subject: subjectMember, Finding: f, Count: counts[f]})
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
