package present

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// A review for pipes and scripts: every row with its findings, the summary first. In table and
// CSV output three sections (summary, tokens, members), in JSON the fields "summary", "tokens"
// and "members". Several accounts add an account column (Reviews).

// ReviewJSON is the JSON form of a review.
type ReviewJSON struct {
	GeneratedAt    string       `json:"generatedAt"`
	StaleAfterDays float64      `json:"staleAfterDays"`
	TokenCount     int          `json:"tokenCount"`  // tokens reviewed
	MemberCount    int          `json:"memberCount"` // members reviewed
	FindingCount   int          `json:"findingCount"`
	Summary        []CountJSON  `json:"summary"`
	Tokens         []TokenJSON  `json:"tokens"`
	Members        []MemberJSON `json:"members"`
}

// CountJSON is one finding's count.
type CountJSON struct {
	Subject     string `json:"subject"`
	Finding     string `json:"finding"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

// TokenJSON is a token reviewed.
type TokenJSON struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	OwnerID       string          `json:"ownerId"`
	Owner         string          `json:"owner"`
	Role          string          `json:"role,omitempty"`
	CustomRoleIDs []string        `json:"customRoleIds,omitempty"`
	InlineRole    []api.Statement `json:"inlineRole,omitempty"`
	Service       bool            `json:"service"`
	Created       *string         `json:"created"`
	LastUsed      *string         `json:"lastUsed"`
	Findings      []string        `json:"findings"`
}

// MemberJSON is a member reviewed.
type MemberJSON struct {
	ID            string   `json:"id"`
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	CustomRoles   []string `json:"customRoles"`
	Teams         []string `json:"teams"`
	LastSeen      *string  `json:"lastSeen"`
	MFA           string   `json:"mfa"`
	PendingInvite bool     `json:"pendingInvite"`
	Created       *string  `json:"created"`
	Findings      []string `json:"findings"`
}

// Review lays out one account's review for pipes.
func Review(r review.Report, format render.Format) render.View {
	return render.View{JSON: reviewJSON(r), Sections: []render.Section{
		summarySection(r), tokenRowsSection(r, format), memberRowsSection(r, format),
	}}
}

func reviewJSON(r review.Report) ReviewJSON {
	j := ReviewJSON{
		GeneratedAt:    r.GeneratedAt.UTC().Format(time.RFC3339),
		StaleAfterDays: r.StaleAfter.Hours() / 24,
		TokenCount:     r.TokenCount,
		MemberCount:    r.MemberCount,
		FindingCount:   r.FindingCount(),
		Summary:        []CountJSON{},
		Tokens:         make([]TokenJSON, 0, len(r.Tokens)),
		Members:        make([]MemberJSON, 0, len(r.Members)),
	}
	for _, l := range r.Summary() {
		j.Summary = append(j.Summary, CountJSON{Subject: l.Subject, Finding: string(l.Finding), Description: r.Describe(l.Finding), Count: l.Count})
	}
	for _, t := range r.Tokens {
		tok := t.Token
		j.Tokens = append(j.Tokens, TokenJSON{
			ID: tok.ID, Name: tok.Name, OwnerID: tok.OwnerID, Owner: t.Owner, Role: tok.Role,
			CustomRoleIDs: tok.CustomRoleIDs, InlineRole: tok.InlineRole, Service: tok.ServiceToken,
			Created: render.JSONTime(tok.CreationDate), LastUsed: render.JSONTime(tok.LastUsed), Findings: FindingStrings(t.Findings),
		})
	}
	for _, row := range r.Members {
		m := row.Member
		j.Members = append(j.Members, MemberJSON{
			ID: m.ID, Email: m.Email, Name: m.Name(), Role: m.Role, CustomRoles: nonNil(m.CustomRoles),
			Teams: nonNil(m.Teams), LastSeen: render.JSONTime(m.LastSeen), MFA: m.MFA, PendingInvite: m.PendingInvite,
			Created: render.JSONTime(m.CreationDate), Findings: FindingStrings(row.Findings),
		})
	}
	return j
}

func summarySection(r review.Report) render.Section {
	s := render.Section{
		Title:  Headline([]AccountReport{{Report: r}}),
		Header: []string{"subject", "finding", "count", "description"},
	}
	for _, l := range r.Summary() {
		s.Rows = append(s.Rows, []string{l.Subject, string(l.Finding), strconv.Itoa(l.Count), r.Describe(l.Finding)})
	}
	return s
}

func tokenRowsSection(r review.Report, format render.Format) render.Section {
	s := render.Section{
		Title:    rowsTitle("Tokens", len(r.Tokens), r.TokenCount),
		Header:   append(append([]string{}, TokenHeader...), "findings"),
		Empty:    "no tokens",
		Identify: tokenIdentity,
	}
	for _, t := range r.Tokens {
		tok := t.Token
		s.Rows = append(s.Rows, []string{tok.ID, tok.Name, t.Owner, TokenAccess(tok), TokenKind(tok),
			render.TimeCell(format, tok.CreationDate), render.TimeCell(format, tok.LastUsed), joinFindings(t.Findings)})
	}
	return s
}

func memberRowsSection(r review.Report, format render.Format) render.Section {
	s := render.Section{
		Title:    rowsTitle("Members", len(r.Members), r.MemberCount),
		Header:   append(append([]string{}, MemberHeader...), "findings"),
		Empty:    "no members",
		Identify: memberIdentity,
	}
	for _, row := range r.Members {
		m := row.Member
		invite := ""
		if m.PendingInvite {
			invite = "pending since " + render.Day(m.CreationDate)
			if format == render.CSV {
				invite = "pending"
			}
		}
		s.Rows = append(s.Rows, []string{m.ID, m.Email, m.Name(), MemberRole(m), strings.Join(nonNil(m.Teams), ","),
			render.TimeCell(format, m.LastSeen), m.MFA, invite, joinFindings(row.Findings)})
	}
	return s
}

// rowsTitle heads a section of rows: "Tokens (42)", or "Tokens (7 of 42, those with findings)".
func rowsTitle(what string, shown, total int) string {
	if shown == total {
		return fmt.Sprintf("%s (%d)", what, total)
	}
	return fmt.Sprintf("%s (%d of %d, those with findings)", what, shown, total)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ReviewsJSON is the JSON of a review of several accounts: each account's review as a single
// review's JSON, with its name and instance.
type ReviewsJSON struct {
	GeneratedAt    string        `json:"generatedAt"`
	StaleAfterDays float64       `json:"staleAfterDays"`
	FindingCount   int           `json:"findingCount"`
	Accounts       []AccountJSON `json:"accounts"`
}

// AccountJSON is one account's review.
type AccountJSON struct {
	Account  string `json:"account"`
	Instance string `json:"instance"`
	ReviewJSON
}

// Reviews lays out several accounts' reviews for pipes: Review's sections with an account
// column first (the summary with a count column per account), and ReviewsJSON.
func Reviews(accounts []AccountReport, format render.Format) render.View {
	r0 := accounts[0].Report
	t := TotalsOf(accounts)
	j := ReviewsJSON{
		GeneratedAt:    r0.GeneratedAt.UTC().Format(time.RFC3339),
		StaleAfterDays: r0.StaleAfter.Hours() / 24,
		FindingCount:   t.Findings,
	}
	tokens, members := tokenRowsSection(review.Report{}, format), memberRowsSection(review.Report{}, format)
	for _, s := range []*render.Section{&tokens, &members} {
		s.Header = append([]string{"account"}, s.Header...)
	}
	var shownTokens, shownMembers int
	for _, a := range accounts {
		j.Accounts = append(j.Accounts, AccountJSON{Account: a.Account, Instance: a.Instance, ReviewJSON: reviewJSON(a.Report)})
		for _, row := range tokenRowsSection(a.Report, format).Rows {
			tokens.Rows = append(tokens.Rows, append([]string{a.Account}, row...))
		}
		for _, row := range memberRowsSection(a.Report, format).Rows {
			members.Rows = append(members.Rows, append([]string{a.Account}, row...))
		}
		shownTokens += len(a.Report.Tokens)
		shownMembers += len(a.Report.Members)
	}
	tokens.Title = rowsTitle("Tokens", shownTokens, t.Tokens)
	members.Title = rowsTitle("Members", shownMembers, t.Members)
	return render.View{JSON: j, Sections: []render.Section{accountsSummary(accounts), tokens, members}}
}

// accountsSummary counts each finding over every account, and in each.
func accountsSummary(accounts []AccountReport) render.Section {
	r0 := accounts[0].Report
	s := render.Section{Title: Headline(accounts), Header: []string{"subject", "finding", "count"}}
	for _, a := range accounts {
		s.Header = append(s.Header, a.Account)
	}
	s.Header = append(s.Header, "description")
	perAccount := make([][]review.SummaryLine, len(accounts))
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
		s.Rows = append(s.Rows, append(row, r0.Describe(l.Finding)))
	}
	return s
}
