package present

import (
	"fmt"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/review"
)

// How a review's findings look: ranked by risk, grouped by finding over every account
// reviewed. The formats build on these: the terminal view (review_terminal.go), the pipe's
// table, CSV and JSON (review_pipe.go) and the HTML report (review_html.go).

// AccountReport is the review of one account, named when several are reviewed together.
type AccountReport struct {
	// Account names the account: the profile's name, or where it was reached.
	Account string
	// Instance is commercial, eu or federal, "custom" for a --base-url, or "fake".
	Instance string
	// BaseURL is where the account was reached ("" for the embedded fake).
	BaseURL string
	Report  review.Report
}

// Risk ranks findings for people reading a review: what an attacker could use first.
type Risk int

// The risks, lowest first.
const (
	RiskLow Risk = iota
	RiskMedium
	RiskHigh
)

// String is the risk as the review prints it: high, medium or low.
func (r Risk) String() string {
	switch r {
	case RiskHigh:
		return "high"
	case RiskMedium:
		return "medium"
	}
	return "low"
}

// FindingKind is one finding of one subject, with its risk.
type FindingKind struct {
	Subject string // "token" or "member"
	Finding review.Finding
	Risk    Risk
}

// ByRisk lists every finding, highest risk first: full control without a second factor or
// without an owner, then unused access that could be lost unnoticed, then housekeeping.
var ByRisk = []FindingKind{
	{"token", review.TokenOverPrivileged, RiskHigh},
	{"member", review.MemberAdminNoMFA, RiskHigh},
	{"token", review.TokenOwnerGone, RiskHigh},
	{"token", review.TokenStale, RiskMedium},
	{"token", review.TokenNeverUsed, RiskMedium},
	{"token", review.TokenRotationDue, RiskMedium},
	{"member", review.MemberStaleInvite, RiskMedium},
	{"member", review.MemberInactive, RiskMedium},
	{"member", review.MemberNeverLoggedIn, RiskLow},
	{"member", review.MemberNoTeam, RiskLow},
}

// Group is the rows of one finding, over every account reviewed.
type Group struct {
	Kind    FindingKind
	Tokens  []AccountTokenRow
	Members []AccountMemberRow
}

// AccountTokenRow is a token's row with the account it is in.
type AccountTokenRow struct {
	Account string
	Row     review.TokenRow
}

// AccountMemberRow is a member's row with the account they are in.
type AccountMemberRow struct {
	Account string
	Row     review.MemberRow
}

// Count is how many tokens or members have the finding.
func (g Group) Count() int { return len(g.Tokens) + len(g.Members) }

// CountsByAccount is Count for each of accounts, in their order.
func (g Group) CountsByAccount(accounts []AccountReport) []int {
	per := map[string]int{}
	for _, t := range g.Tokens {
		per[t.Account]++
	}
	for _, m := range g.Members {
		per[m.Account]++
	}
	counts := make([]int, len(accounts))
	for i, a := range accounts {
		counts[i] = per[a.Account]
	}
	return counts
}

// GroupByFinding sorts the rows of every account into one group per finding, highest risk
// first, groups with no rows included. A row with several findings is in each of their groups,
// so that every group's count is the summary's.
func GroupByFinding(accounts []AccountReport) []Group {
	groups := make([]Group, len(ByRisk))
	at := map[review.Finding]int{}
	for i, k := range ByRisk {
		groups[i].Kind = k
		at[k.Finding] = i
	}
	for _, acct := range accounts {
		for _, t := range acct.Report.Tokens {
			for _, f := range t.Findings {
				g := &groups[at[f]] // ByRisk lists every finding: TestByRiskListsEveryFinding
				g.Tokens = append(g.Tokens, AccountTokenRow{acct.Account, t})
			}
		}
		for _, m := range acct.Report.Members {
			for _, f := range m.Findings {
				g := &groups[at[f]]
				g.Members = append(g.Members, AccountMemberRow{acct.Account, m})
			}
		}
	}
	return groups
}

// Totals add up what several accounts' reviews looked at.
type Totals struct {
	Tokens, Members, Findings int
}

// TotalsOf adds up accounts' reviews.
func TotalsOf(accounts []AccountReport) Totals {
	var t Totals
	for _, a := range accounts {
		t.Tokens += a.Report.TokenCount
		t.Members += a.Report.MemberCount
		t.Findings += a.Report.FindingCount()
	}
	return t
}

// Headline is a review's first line: what, when, with which threshold, how much found.
func Headline(accounts []AccountReport) string {
	t := TotalsOf(accounts)
	r := accounts[0].Report
	of := ""
	if len(accounts) > 1 {
		of = fmt.Sprintf(" in %d accounts", len(accounts))
	}
	return fmt.Sprintf("Access review of %d tokens and %d members%s, %s (stale after %s): %d findings",
		t.Tokens, t.Members, of, r.GeneratedAt.UTC().Format(time.DateOnly), review.FormatDays(r.StaleAfter), t.Findings)
}

// FindingStrings are findings as strings.
func FindingStrings(fs []review.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// joinFindings lists findings as a cell: "never-used,owner-gone".
func joinFindings(fs []review.Finding) string { return strings.Join(FindingStrings(fs), ",") }

// otherFindings lists a row's findings but one: "also" in a group's table.
func otherFindings(fs []review.Finding, but review.Finding) string {
	var out []string
	for _, f := range fs {
		if f != but {
			out = append(out, string(f))
		}
	}
	return strings.Join(out, ",")
}

// withAccount puts the account first when several are shown.
func withAccount(multi bool, account string, cells ...string) []string {
	if multi {
		return append([]string{account}, cells...)
	}
	return cells
}
