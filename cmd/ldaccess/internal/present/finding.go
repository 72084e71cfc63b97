package present

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/review"
)

// How a review's findings look: ranked by risk (review.FindingsByRisk), grouped by finding over
// every account reviewed. The formats build on these: the terminal view (review_terminal.go),
// the pipe's table, CSV and JSON (review_pipe.go), the HTML report (review_html.go), and what a
// review records of itself (review_record.go). Several accounts are several reports, each named
// by its Name.

// Group is the rows of one finding, over every account reviewed.
type Group struct {
	Finding review.Finding
	Tokens  []AccountTokenRow
	Members []AccountMemberRow
}

// AccountTokenRow is a token's row with the account it is in.
type AccountTokenRow struct {
	Account string
	Row     *review.TokenRow
}

// AccountMemberRow is a member's row with the account they are in.
type AccountMemberRow struct {
	Account string
	Row     *review.MemberRow
}

// Subject is "token" or "member".
func (g Group) Subject() string { return g.Finding.Subject() }

// Risk is the finding's.
func (g Group) Risk() review.Risk { return g.Finding.Risk() }

// Count is how many tokens or members have the finding.
func (g Group) Count() int { return len(g.Tokens) + len(g.Members) }

// CountsByAccount is Count for each of the reports, in their order.
func (g Group) CountsByAccount(rs []review.Report) []int {
	per := map[string]int{}
	for _, t := range g.Tokens {
		per[t.Account]++
	}
	for _, m := range g.Members {
		per[m.Account]++
	}
	counts := make([]int, len(rs))
	for i, r := range rs {
		counts[i] = per[r.Name]
	}
	return counts
}

// GroupByFinding sorts the rows of every report into one group per finding, highest risk
// first, groups with no rows included. A row with several findings is in each of their groups,
// so that every group's count is the summary's. Rows are referred to, not copied.
func GroupByFinding(rs []review.Report) []Group {
	groups := make([]Group, len(review.FindingsByRisk))
	at := map[review.Finding]int{}
	for i, f := range review.FindingsByRisk {
		groups[i].Finding = f
		at[f] = i
	}
	for _, r := range rs {
		for i := range r.Tokens {
			for _, f := range r.Tokens[i].Findings {
				if k, ok := at[f]; ok {
					groups[k].Tokens = append(groups[k].Tokens, AccountTokenRow{r.Name, &r.Tokens[i]})
				}
			}
		}
		for i := range r.Members {
			for _, f := range r.Members[i].Findings {
				if k, ok := at[f]; ok {
					groups[k].Members = append(groups[k].Members, AccountMemberRow{r.Name, &r.Members[i]})
				}
			}
		}
	}
	return groups
}

// ByImportance orders a group's rows most important first: those whose other findings are
// the worst, then those with the most findings; otherwise as the API listed them.
func (g Group) ByImportance() Group {
	weight := func(fs []review.Finding) (review.Risk, int) {
		worst := review.RiskNone
		for _, f := range fs {
			if f != g.Finding {
				worst = max(worst, f.Risk())
			}
		}
		return worst, len(fs)
	}
	order := func(a, b []review.Finding) int {
		ra, na := weight(a)
		rb, nb := weight(b)
		return cmp.Or(cmp.Compare(rb, ra), cmp.Compare(nb, na))
	}
	out := Group{Finding: g.Finding, Tokens: slices.Clone(g.Tokens), Members: slices.Clone(g.Members)}
	slices.SortStableFunc(out.Tokens, func(a, b AccountTokenRow) int { return order(a.Row.Findings, b.Row.Findings) })
	slices.SortStableFunc(out.Members, func(a, b AccountMemberRow) int { return order(a.Row.Findings, b.Row.Findings) })
	return out
}

// Totals add up what several accounts' reviews looked at.
type Totals struct {
	Tokens, Members, Findings int
}

// TotalsOf adds up reviews.
func TotalsOf(rs []review.Report) Totals {
	var t Totals
	for _, r := range rs {
		t.Tokens += r.TokenCount
		t.Members += r.MemberCount
		t.Findings += r.FindingCount()
	}
	return t
}

// Headline is a review's first line: what, when, with which threshold, how much found.
func Headline(rs []review.Report) string {
	t := TotalsOf(rs)
	r := rs[0]
	of := ""
	if len(rs) > 1 {
		of = fmt.Sprintf(" in %d accounts", len(rs))
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
