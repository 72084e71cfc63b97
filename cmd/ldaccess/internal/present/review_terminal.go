package present

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// Grouped is a review for a terminal: the summary, highest risk first, then a table per
// finding with rows; with all, the rows without findings as well.
func Grouped(accounts []AccountReport, all bool) render.View {
	groups := GroupByFinding(accounts)
	sections := []render.Section{riskSummary(accounts, groups)}
	for _, g := range groups {
		if g.Count() > 0 {
			sections = append(sections, GroupSection(g, len(accounts) > 1, accounts[0].Report.Options))
		}
	}
	if all {
		sections = append(sections, CleanSections(accounts)...)
	}
	return render.View{Sections: sections}
}

// riskSummary counts each finding, highest risk first, with a count per account when there
// are several.
func riskSummary(accounts []AccountReport, groups []Group) render.Section {
	multi := len(accounts) > 1
	s := render.Section{Title: Headline(accounts), Header: []string{"risk", "finding", "subject", "count"}}
	if multi {
		for _, a := range accounts {
			s.Header = append(s.Header, a.Account)
		}
	}
	s.Header = append(s.Header, "description")
	for _, g := range groups {
		row := []string{g.Kind.Risk.String(), string(g.Kind.Finding), g.Kind.Subject, strconv.Itoa(g.Count())}
		if multi {
			for _, n := range g.CountsByAccount(accounts) {
				row = append(row, strconv.Itoa(n))
			}
		}
		s.Rows = append(s.Rows, append(row, accounts[0].Report.Describe(g.Kind.Finding)))
	}
	return s
}

// GroupSection is the table of one finding's rows, titled with its risk, count and meaning.
// Each row's other findings are in the last column, "also".
func GroupSection(g Group, multi bool, o review.Options) render.Section {
	subjects := g.Kind.Subject + "s"
	if g.Count() == 1 {
		subjects = g.Kind.Subject
	}
	s := render.Section{Title: fmt.Sprintf("%s risk · %s: %d %s, %s", strings.ToUpper(g.Kind.Risk.String()),
		g.Kind.Finding, g.Count(), subjects, o.Describe(g.Kind.Finding))}
	if g.Kind.Subject == "token" {
		s.Header = withAccount(multi, "account", "id", "name", "owner", "access", "last used", "also")
		s.Identify = tokenIdentity
		for _, t := range g.Tokens {
			tok := t.Row.Token
			s.Rows = append(s.Rows, withAccount(multi, t.Account, tok.ID, tok.Name, t.Row.Owner,
				TokenAccess(tok), render.Day(tok.LastUsed), otherFindings(t.Row.Findings, g.Kind.Finding)))
		}
		return s
	}
	s.Header = withAccount(multi, "account", "id", "email", "name", "role", "last seen", "mfa", "also")
	s.Identify = memberIdentity
	for _, m := range g.Members {
		mem := m.Row.Member
		s.Rows = append(s.Rows, withAccount(multi, m.Account, mem.ID, mem.Email, mem.Name(),
			MemberRole(mem), MemberSeen(mem), mem.MFA, otherFindings(m.Row.Findings, g.Kind.Finding)))
	}
	return s
}

// CleanSections are the tokens and the members without findings (audit --all).
func CleanSections(accounts []AccountReport) []render.Section {
	multi := len(accounts) > 1
	tokens := render.Section{Header: withAccount(multi, "account", "id", "name", "owner", "access", "last used"),
		Empty: "none", Identify: tokenIdentity}
	members := render.Section{Header: withAccount(multi, "account", "id", "email", "name", "role", "last seen", "mfa"),
		Empty: "none", Identify: memberIdentity}
	for _, a := range accounts {
		for _, t := range a.Report.Tokens {
			if len(t.Findings) == 0 {
				tok := t.Token
				tokens.Rows = append(tokens.Rows, withAccount(multi, a.Account, tok.ID, tok.Name, t.Owner,
					TokenAccess(tok), render.Day(tok.LastUsed)))
			}
		}
		for _, m := range a.Report.Members {
			if len(m.Findings) == 0 {
				mem := m.Member
				members.Rows = append(members.Rows, withAccount(multi, a.Account, mem.ID, mem.Email,
					mem.Name(), MemberRole(mem), MemberSeen(mem), mem.MFA))
			}
		}
	}
	tokens.Title = fmt.Sprintf("Tokens without findings (%d)", len(tokens.Rows))
	members.Title = fmt.Sprintf("Members without findings (%d)", len(members.Rows))
	return []render.Section{tokens, members}
}
