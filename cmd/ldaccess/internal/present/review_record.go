package present

import (
	"fmt"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// What a review records of itself, in every format: which account (its owner), where
// (instance, base URL), who ran it (the caller's member and token), when, with which version,
// thresholds and policy, and what it could see. An incomplete review says so in words that
// start "incomplete review:" (review.Report.Incomplete).

// Identity is a review's record as labelled values, in the order every format shows them.
type Identity struct {
	Account, Owner, OwnerID, Instance, BaseURL string
	Caller, CallerID, Token, TokenID           string
	ReviewedAt, Version                        string
	StaleAfter, RotateAfter, Policy            string
	Coverage                                   string
}

// IdentityOf is r's record.
func IdentityOf(r review.Report) Identity {
	return Identity{
		Account: r.Name, Owner: r.Account.OwnerEmail, OwnerID: r.Account.OwnerID,
		Instance: r.Instance, BaseURL: r.BaseURL,
		Caller: r.Caller.Email, CallerID: r.Caller.MemberID, Token: r.Caller.TokenName,
		TokenID:    strings.Join(r.Caller.TokenIDs, " "),
		ReviewedAt: r.GeneratedAt.UTC().Format(time.RFC3339), Version: r.Version,
		StaleAfter: review.FormatAge(r.StaleAfter), RotateAfter: review.FormatAge(r.RotateAfter),
		Policy: PolicySummary(r.Policy), Coverage: Coverage(r),
	}
}

// Coverage is "complete: every token and every member", or the statement of what an
// incomplete review could not see.
func Coverage(r review.Report) string {
	if s := r.Incomplete(); s != "" {
		return s
	}
	return "complete: every token and every member"
}

// PolicySummary describes a policy in a line: "none (nothing planned)", or its rules.
func PolicySummary(p *review.Policy) string {
	if p == nil {
		return "none (no plan)"
	}
	if len(p.Rules) == 0 {
		return "no rules (an empty plan)"
	}
	rules := make([]string, len(p.Rules))
	for i, r := range p.Rules {
		rules[i] = string(r.Finding) + " → " + string(r.Action)
		if r.Role != "" {
			rules[i] += " " + r.Role
		}
		if r.OlderThan != 0 {
			rules[i] += " after " + review.FormatAge(time.Duration(r.OlderThan))
		}
	}
	s := strings.Join(rules, "; ")
	if len(p.Never) > 0 {
		s += fmt.Sprintf("; never %d listed", len(p.Never))
	}
	return s
}

// cleaned is the record with every value through the one cleaning step (iostreams.Clean), for
// the HTML page, whose template shows them as they are.
func (id Identity) cleaned() Identity {
	for _, f := range []*string{&id.Account, &id.Owner, &id.OwnerID, &id.Instance, &id.BaseURL, &id.Caller, &id.CallerID,
		&id.Token, &id.TokenID, &id.ReviewedAt, &id.Version, &id.StaleAfter, &id.RotateAfter, &id.Policy, &id.Coverage} {
		*f = iostreams.Clean(*f, false)
	}
	return id
}

// identityHeader heads the CSV section of the record, one row per account.
var identityHeader = []string{"account", "owner", "owner id", "instance", "base url", "reviewed by", "caller id",
	"token", "token id", "reviewed at", "version", "stale after", "rotate after", "policy", "coverage"}

func (id Identity) cells() []string {
	return []string{id.Account, id.Owner, id.OwnerID, id.Instance, id.BaseURL, id.Caller, id.CallerID,
		id.Token, id.TokenID, id.ReviewedAt, id.Version, id.StaleAfter, id.RotateAfter, id.Policy, id.Coverage}
}

// identitySection is the record of every review as a CSV section, one row each.
func identitySection(rs []review.Report) render.Section {
	s := render.Section{Title: "Review", Header: identityHeader}
	for _, r := range rs {
		s.Rows = append(s.Rows, IdentityOf(r).cells())
	}
	return s
}

// IdentityLines are a review's record for a table: a few lines under its headline. The
// statement of an incomplete review comes first.
func IdentityLines(r review.Report) []string {
	id := IdentityOf(r)
	var lines []string
	if s := r.Incomplete(); s != "" {
		lines = append(lines, strings.ToUpper(s[:1])+s[1:])
	}
	owner := orUnknown(id.Owner)
	if id.OwnerID != "" {
		owner += " (" + id.OwnerID + ")"
	}
	where := "instance " + id.Instance
	if id.BaseURL != "" {
		where += " at " + id.BaseURL
	}
	lines = append(lines,
		fmt.Sprintf("Account:     %s, owned by %s; %s", orUnknown(id.Account), owner, where),
		"Reviewed by: "+caller(id),
		fmt.Sprintf("Reviewed at: %s with %s; stale after %s, rotation after %s; policy: %s", id.ReviewedAt,
			orUnknown(id.Version), id.StaleAfter, id.RotateAfter, id.Policy),
	)
	if r.Incomplete() == "" {
		lines = append(lines, "Coverage:    "+id.Coverage)
	}
	return lines
}

// caller says who ran the review: "ana@acme.io (ID) with token ci (ID)".
func caller(id Identity) string {
	who := orUnknown(id.Caller)
	if id.CallerID != "" {
		who += " (" + id.CallerID + ")"
	}
	switch {
	case id.Token != "":
		return who + " with token " + id.Token + " (" + id.TokenID + ")"
	case id.TokenID != "":
		return who + " with one of the tokens " + id.TokenID
	}
	return who
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
