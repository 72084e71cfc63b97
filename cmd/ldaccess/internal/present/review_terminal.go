package present

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// TerminalRows is how many rows of each finding the terminal view shows without --all: a
// handful, the most important (Group.ByImportance), so that the review fits about two screens.
const TerminalRows = 5

// Grouped is a review for a terminal: the headline, each review's record and the summary,
// highest risk first, then a table per finding. With all, every row of each finding and then
// the rows without findings; otherwise the TerminalRows most important of each finding and
// how many more there are.
func Grouped(rs []review.Report, all bool) render.View {
	groups := GroupByFinding(rs)
	sections := []render.Section{riskSummary(rs, groups)}
	limit := TerminalRows
	if all {
		limit = 0
	}
	for _, g := range groups {
		if g.Count() > 0 {
			sections = append(sections, GroupSection(g.ByImportance(), len(rs) > 1, rs[0].Options, limit))
		}
	}
	if all {
		sections = append(sections, CleanSections(rs)...)
	}
	return render.View{Sections: sections}
}

// riskSummary counts each finding, highest risk first, with a count per account when there
// are several, under the headline and each review's record.
func riskSummary(rs []review.Report, groups []Group) render.Section {
	multi := len(rs) > 1
	s := render.Section{Title: Headline(rs), Header: []string{"risk", "finding", "subject", "count"}}
	for _, r := range rs {
		if multi {
			s.Header = append(s.Header, r.Name)
			s.Lines = append(s.Lines, r.Name+":")
		}
		s.Lines = append(s.Lines, IdentityLines(r)...)
	}
	s.Header = append(s.Header, "description")
	for _, g := range groups {
		row := []string{g.Risk().String(), string(g.Finding), g.Subject(), strconv.Itoa(g.Count())}
		if multi {
			for _, n := range g.CountsByAccount(rs) {
				row = append(row, strconv.Itoa(n))
			}
		}
		s.Rows = append(s.Rows, append(row, rs[0].Describe(g.Finding)))
	}
	return s
}

// GroupSection is the table of one finding's rows, titled with its risk, count and meaning;
// each row's other findings are in the last column, "also". With limit > 0, only the first
// limit rows, and a footer saying how many more there are and how to see them.
func GroupSection(g Group, multi bool, o review.Options, limit int) render.Section {
	s := render.Section{Title: fmt.Sprintf("%s risk · %s: %d %s%s, %s", strings.ToUpper(g.Risk().String()),
		g.Finding, g.Count(), g.Subject(), plural(g.Count()), o.Describe(g.Finding))}
	n := g.Count()
	if limit > 0 && n > limit {
		n = limit
		s.Footer = fmt.Sprintf("… and %d more: --all, --format csv or --format html", g.Count()-limit)
	}
	if g.Subject() == "token" {
		s.Header = withAccount(multi, "account", append(shortTokenHeader, "also")...)
		s.Identify = tokenIdentity
		s.RowSeq = func(yield func([]string) bool) {
			for _, t := range g.Tokens[:n] {
				if !yield(withAccount(multi, t.Account, append(shortTokenCells(*t.Row), otherFindings(t.Row.Findings, g.Finding))...)) {
					return
				}
			}
		}
		return s
	}
	s.Header = withAccount(multi, "account", append(shortMemberHeader, "also")...)
	s.Identify = memberIdentity
	s.RowSeq = func(yield func([]string) bool) {
		for _, m := range g.Members[:n] {
			if !yield(withAccount(multi, m.Account, append(shortMemberCells(*m.Row), otherFindings(m.Row.Findings, g.Finding))...)) {
				return
			}
		}
	}
	return s
}

// The short rows of the terminal view, a token's and a member's: what identifies it and what
// a reviewer judges it by.
var (
	shortTokenHeader  = []string{"id", "name", "owner", "access", "last used"}
	shortMemberHeader = []string{"id", "email", "name", "role", "last seen", "mfa"}
)

func shortTokenCells(t review.TokenRow) []string {
	tok := t.Token
	return []string{tok.ID, tok.Name, t.Owner, TokenAccess(tok), render.Day(tok.LastUsed)}
}

func shortMemberCells(m review.MemberRow) []string {
	mem := m.Member
	return []string{mem.ID, mem.Email, mem.Name(), MemberRole(mem), MemberSeen(mem), mem.MFA}
}

// CleanSections are the tokens and the members without findings (audit --all).
func CleanSections(rs []review.Report) []render.Section {
	multi := len(rs) > 1
	tokens := render.Section{Header: withAccount(multi, "account", shortTokenHeader...), Empty: "none", Identify: tokenIdentity}
	members := render.Section{Header: withAccount(multi, "account", shortMemberHeader...), Empty: "none", Identify: memberIdentity}
	var nt, nm int
	for _, r := range rs {
		for _, t := range r.Tokens {
			if len(t.Findings) == 0 {
				nt++
			}
		}
		for _, m := range r.Members {
			if len(m.Findings) == 0 {
				nm++
			}
		}
	}
	tokens.RowSeq = func(yield func([]string) bool) {
		for _, r := range rs {
			for _, t := range r.Tokens {
				if len(t.Findings) == 0 && !yield(withAccount(multi, r.Name, shortTokenCells(t)...)) {
					return
				}
			}
		}
	}
	members.RowSeq = func(yield func([]string) bool) {
		for _, r := range rs {
			for _, m := range r.Members {
				if len(m.Findings) == 0 && !yield(withAccount(multi, r.Name, shortMemberCells(m)...)) {
					return
				}
			}
		}
	}
	tokens.Title = fmt.Sprintf("Tokens without findings (%d)", nt)
	members.Title = fmt.Sprintf("Members without findings (%d)", nm)
	return []render.Section{tokens, members}
}
