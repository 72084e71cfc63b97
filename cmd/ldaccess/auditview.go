package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// How an access review is shown to people: on a terminal, the summary and then the rows with
// findings grouped by finding, highest risk first (this file); for auditors, one HTML file
// (report_html.go). Pipes and scripts get auditView's table, CSV and JSON (auditcmd.go).

// accountReport is the review of one account, named when several are reviewed together.
type accountReport struct {
	// Account names the account: the profile's name, or where it was reached.
	Account string
	// Instance is commercial, eu or federal, "custom" for a --base-url, or "fake".
	Instance string
	// BaseURL is where the account was reached ("" for the embedded fake).
	BaseURL string
	Report  report

	target target // where it was reached, for a plan's instance
}

// risk ranks findings for people reading a review: what an attacker could use first.
type risk int

const (
	riskLow risk = iota
	riskMedium
	riskHigh
)

// String is the risk as the review prints it: high, medium or low.
func (r risk) String() string {
	switch r {
	case riskHigh:
		return "high"
	case riskMedium:
		return "medium"
	}
	return "low"
}

// findingKind is one finding of one subject, with its risk.
type findingKind struct {
	Subject string // "token" or "member"
	Finding finding
	Risk    risk
}

// byRisk lists every finding, highest risk first: full control without a second factor or
// without an owner, then unused access that could be lost unnoticed, then housekeeping.
var byRisk = []findingKind{
	{"token", tokenOverPrivileged, riskHigh},
	{"member", memberAdminNoMFA, riskHigh},
	{"token", tokenOwnerGone, riskHigh},
	{"token", tokenStale, riskMedium},
	{"token", tokenNeverUsed, riskMedium},
	{"token", tokenRotationDue, riskMedium},
	{"member", memberStaleInvite, riskMedium},
	{"member", memberInactive, riskMedium},
	{"member", memberNeverLoggedIn, riskLow},
	{"member", memberNoTeam, riskLow},
}

// reviewGroup is the rows of one finding, over every account reviewed.
type reviewGroup struct {
	Kind    findingKind
	Tokens  []accountTokenRow
	Members []accountMemberRow
}

// Count is how many tokens or members have the finding.
func (g reviewGroup) Count() int { return len(g.Tokens) + len(g.Members) }

// countsByAccount is Count for each of accounts, in their order.
func (g reviewGroup) countsByAccount(accounts []accountReport) []int {
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

type accountTokenRow struct {
	Account string
	Row     tokenRow
}

type accountMemberRow struct {
	Account string
	Row     memberRow
}

// groupByFinding sorts the rows of every account into one group per finding, highest risk
// first, groups with no rows included. A row with several findings is in each of their groups,
// so that every group's count is the summary's.
func groupByFinding(accounts []accountReport) []reviewGroup {
	groups := make([]reviewGroup, len(byRisk))
	at := map[finding]int{}
	for i, k := range byRisk {
		groups[i].Kind = k
		at[k.Finding] = i
	}
	for _, acct := range accounts {
		for _, t := range acct.Report.Tokens {
			for _, f := range t.Findings {
				g := &groups[at[f]] // byRisk lists every finding: TestByRiskListsEveryFinding
				g.Tokens = append(g.Tokens, accountTokenRow{acct.Account, t})
			}
		}
		for _, m := range acct.Report.Members {
			for _, f := range m.Findings {
				g := &groups[at[f]]
				g.Members = append(g.Members, accountMemberRow{acct.Account, m})
			}
		}
	}
	return groups
}

// reviewTotals adds up what several accounts' reviews looked at.
type reviewTotals struct {
	Tokens, Members, Findings int
}

func totals(accounts []accountReport) reviewTotals {
	var t reviewTotals
	for _, a := range accounts {
		t.Tokens += a.Report.TokenCount
		t.Members += a.Report.MemberCount
		t.Findings += a.Report.FindingCount()
	}
	return t
}

// reviewHeadline is the review's first line: what, when, with which threshold, how much found.
func reviewHeadline(accounts []accountReport) string {
	t := totals(accounts)
	r := accounts[0].Report
	of := ""
	if len(accounts) > 1 {
		of = fmt.Sprintf(" in %d accounts", len(accounts))
	}
	return fmt.Sprintf("Access review of %d tokens and %d members%s, %s (stale after %s): %d findings",
		t.Tokens, t.Members, of, r.GeneratedAt.UTC().Format(time.DateOnly), review.FormatDays(r.StaleAfter), t.Findings)
}

// otherFindings lists a row's findings but one: "also" in a group's table.
func otherFindings(fs []finding, but finding) string {
	var out []string
	for _, f := range fs {
		if f != but {
			out = append(out, string(f))
		}
	}
	return strings.Join(out, ",")
}

// groupedAuditView is the review for a terminal: the summary, highest risk first, then a table
// per finding with rows; with all, the rows without findings as well.
func groupedAuditView(accounts []accountReport, all bool) view {
	multi := len(accounts) > 1
	groups := groupByFinding(accounts)

	summary := section{Title: reviewHeadline(accounts), Header: []string{"risk", "finding", "subject", "count"}}
	if multi {
		for _, a := range accounts {
			summary.Header = append(summary.Header, a.Account)
		}
	}
	summary.Header = append(summary.Header, "description")
	for _, g := range groups {
		row := []string{g.Kind.Risk.String(), string(g.Kind.Finding), g.Kind.Subject, strconv.Itoa(g.Count())}
		if multi {
			for _, n := range g.countsByAccount(accounts) {
				row = append(row, strconv.Itoa(n))
			}
		}
		summary.Rows = append(summary.Rows, append(row, accounts[0].Report.Describe(g.Kind.Finding)))
	}
	sections := []section{summary}

	for _, g := range groups {
		if g.Count() > 0 {
			sections = append(sections, groupSection(g, multi, accounts[0].Report.Options))
		}
	}
	if all {
		sections = append(sections, cleanSections(accounts)...)
	}
	return view{Sections: sections}
}

// groupSection is the table of one finding's rows, titled with its risk, count and meaning.
// Each row's other findings are in the last column, "also".
func groupSection(g reviewGroup, multi bool, o review.Options) section {
	withAccount := func(h ...string) []string { return withAccountCell(multi, "account", h...) }
	subjects := g.Kind.Subject + "s"
	if g.Count() == 1 {
		subjects = g.Kind.Subject
	}
	s := section{Title: fmt.Sprintf("%s risk · %s: %d %s, %s", strings.ToUpper(g.Kind.Risk.String()),
		g.Kind.Finding, g.Count(), subjects, o.Describe(g.Kind.Finding))}
	if g.Kind.Subject == "token" {
		s.Header = withAccount("id", "name", "owner", "access", "last used", "also")
		s.Keep = []string{"account", "id", "last used", "also"}
		s.Drop = []string{"name"}
		for _, t := range g.Tokens {
			tok := t.Row.Token
			s.Rows = append(s.Rows, withAccountCell(multi, t.Account, tok.ID, tok.Name, t.Row.Owner,
				tokenAccess(tok), day(tok.LastUsed), otherFindings(t.Row.Findings, g.Kind.Finding)))
		}
		return s
	}
	s.Header = withAccount("id", "email", "name", "role", "last seen", "mfa", "also")
	s.Keep = []string{"account", "id", "last seen", "also"}
	s.Drop = []string{"name", "mfa", "id"}
	for _, m := range g.Members {
		mem := m.Row.Member
		s.Rows = append(s.Rows, withAccountCell(multi, m.Account, mem.ID, mem.Email, memberName(mem),
			memberRole(mem), memberSeen(mem), mem.MFA, otherFindings(m.Row.Findings, g.Kind.Finding)))
	}
	return s
}

// cleanSections are the tokens and the members without findings (audit --all).
func cleanSections(accounts []accountReport) []section {
	multi := len(accounts) > 1
	withAccount := func(h ...string) []string { return withAccountCell(multi, "account", h...) }
	tokens := section{Header: withAccount("id", "name", "owner", "access", "last used"),
		Empty: "none", Keep: []string{"account", "id", "last used"}, Drop: []string{"name"}}
	members := section{Header: withAccount("id", "email", "name", "role", "last seen", "mfa"),
		Empty: "none", Keep: []string{"account", "id", "last seen"}, Drop: []string{"name", "mfa"}}
	for _, a := range accounts {
		for _, t := range a.Report.Tokens {
			if len(t.Findings) == 0 {
				tok := t.Token
				tokens.Rows = append(tokens.Rows, withAccountCell(multi, a.Account, tok.ID, tok.Name, t.Owner,
					tokenAccess(tok), day(tok.LastUsed)))
			}
		}
		for _, m := range a.Report.Members {
			if len(m.Findings) == 0 {
				mem := m.Member
				members.Rows = append(members.Rows, withAccountCell(multi, a.Account, mem.ID, mem.Email,
					memberName(mem), memberRole(mem), memberSeen(mem), mem.MFA))
			}
		}
	}
	tokens.Title = fmt.Sprintf("Tokens without findings (%d)", len(tokens.Rows))
	members.Title = fmt.Sprintf("Members without findings (%d)", len(members.Rows))
	return []section{tokens, members}
}

func withAccountCell(multi bool, account string, cells ...string) []string {
	if multi {
		return append([]string{account}, cells...)
	}
	return cells
}

// memberSeen is when a member was last seen, or that their invite is pending.
func memberSeen(m review.Member) string {
	if m.PendingInvite {
		return "invited " + day(m.CreationDate)
	}
	return day(m.LastSeen)
}

// multiAuditJSON is the JSON of a review of several accounts: each account's review as a
// single review's JSON, with its name and instance.
type multiAuditJSON struct {
	GeneratedAt    string             `json:"generatedAt"`
	StaleAfterDays float64            `json:"staleAfterDays"`
	FindingCount   int                `json:"findingCount"`
	Accounts       []accountAuditJSON `json:"accounts"`
}

type accountAuditJSON struct {
	Account  string `json:"account"`
	Instance string `json:"instance"`
	auditJSON
}

// multiAuditView is the review of several accounts for pipes: auditView's sections with an
// account column first (the summary with a count column per account), and multiAuditJSON.
func multiAuditView(accounts []accountReport, format string) view {
	r0 := accounts[0].Report
	t := totals(accounts)
	j := multiAuditJSON{
		GeneratedAt:    r0.GeneratedAt.UTC().Format(time.RFC3339),
		StaleAfterDays: r0.StaleAfter.Hours() / 24,
		FindingCount:   t.Findings,
	}
	summary := section{Title: reviewHeadline(accounts), Header: []string{"subject", "finding", "count"}}
	for _, a := range accounts {
		summary.Header = append(summary.Header, a.Account)
	}
	summary.Header = append(summary.Header, "description")
	perAccount := make([][]summaryLine, len(accounts))
	for i, a := range accounts {
		perAccount[i] = a.Report.Summary()
	}
	for k, l := range perAccount[0] {
		total := 0
		counts := make([]string, len(accounts))
		for i := range accounts {
			total += perAccount[i][k].Count
			counts[i] = strconv.Itoa(perAccount[i][k].Count)
		}
		row := append([]string{l.Subject, string(l.Finding), strconv.Itoa(total)}, counts...)
		summary.Rows = append(summary.Rows, append(row, r0.Describe(l.Finding)))
	}
	var tokens, members section
	var shownTokens, shownMembers int
	for i, a := range accounts {
		v := auditView(a.Report, format)
		j.Accounts = append(j.Accounts, accountAuditJSON{Account: a.Account, Instance: a.Instance, auditJSON: v.JSON.(auditJSON)})
		if i == 0 {
			tokens, members = v.Sections[1], v.Sections[2]
			for _, s := range []*section{&tokens, &members} {
				s.Header = append([]string{"account"}, s.Header...)
				s.Keep = append([]string{"account"}, s.Keep...)
				s.Rows = nil
			}
		}
		for _, row := range v.Sections[1].Rows {
			tokens.Rows = append(tokens.Rows, append([]string{a.Account}, row...))
		}
		for _, row := range v.Sections[2].Rows {
			members.Rows = append(members.Rows, append([]string{a.Account}, row...))
		}
		shownTokens += len(a.Report.Tokens)
		shownMembers += len(a.Report.Members)
	}
	tokens.Title = rowsTitle("Tokens", shownTokens, t.Tokens)
	members.Title = rowsTitle("Members", shownMembers, t.Members)
	return view{JSON: j, Sections: []section{summary, tokens, members}}
}

// reviewAccounts reviews the accounts the command line names (several with --profile a
// --profile b or --all-profiles) concurrently. The first failure stops the others.
func (a *app) reviewAccounts(ctx context.Context, allProfiles bool, o review.Options) ([]accountReport, error) {
	var ts []target
	if allProfiles {
		if len(a.profiles) > 0 {
			return nil, usagef("--all-profiles and --profile cannot be used together")
		}
		cfg, err := a.loadConfig()
		if err != nil {
			return nil, err
		}
		if len(cfg.Profiles) == 0 {
			return nil, usagef("--all-profiles: %s has no profiles (add one with ldaccess profile add)", cfg.path)
		}
		for _, n := range cfg.names() {
			ts = append(ts, a.profileTarget(n, cfg.Profiles[n]))
		}
		if err := a.checkAccountFlags(ts); err != nil {
			return nil, err
		}
	} else {
		var err error
		if ts, err = a.targets(); err != nil {
			return nil, err
		}
	}
	// Connect one after the other, so that token commands (a password manager asking for a
	// fingerprint) never prompt at once; then fetch concurrently.
	clients := make([]*wrapper.Client, len(ts))
	bases := make([]string, len(ts))
	for i, t := range ts {
		var err error
		if clients[i], bases[i], err = a.connectTo(ctx, t); err != nil {
			if len(ts) > 1 {
				err = fmt.Errorf("%s: %w", t.account(), err)
			}
			return nil, err
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	accounts := make([]accountReport, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() {
			fctx := ctx
			if len(ts) > 1 {
				fctx = withProgressAccount(ctx, t.account())
			}
			r, err := a.review(fctx, clients[i], o)
			if err != nil {
				if len(ts) > 1 {
					err = fmt.Errorf("%s: %w", t.account(), err)
				}
				cancel(err)
				return
			}
			base := bases[i]
			if t.Fake {
				base = ""
			}
			accounts[i] = accountReport{
				Account: t.account(), Instance: t.instanceName(), BaseURL: base,
				Report: r, target: t,
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return accounts, nil
}

// renderAudit prints a review: grouped by finding on a terminal (in table format), as one HTML
// file with --format html, else auditView's (or multiAuditView's) table, CSV or JSON.
func (a *app) renderAudit(accounts []accountReport, all bool) error {
	format := string(a.format)
	switch {
	case format == formatHTML:
		return writeHTMLReport(a.stdout, accounts, all, buildVersion())
	case format == formatTable && a.isTerminal(stream(a.stdout)):
		return a.render(groupedAuditView(accounts, all))
	case len(accounts) > 1:
		return a.render(multiAuditView(accounts, format))
	}
	return a.render(auditView(accounts[0].Report, format))
}
