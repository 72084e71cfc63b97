package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// This file holds the access review itself: pure functions from the account's members and
// tokens, a clock reading and a staleness threshold to findings. Fetching and printing live in
// auditcmd.go.

// A finding is one thing an access review flags. Its value is the stable identifier printed in
// JSON and CSV output; describe gives the words for people.
type finding string

const (
	tokenNeverUsed      finding = "never-used"
	tokenStale          finding = "stale"
	tokenOverPrivileged finding = "over-privileged"
	tokenOwnerGone      finding = "owner-gone"

	memberNeverLoggedIn finding = "never-logged-in"
	memberInactive      finding = "inactive"
	memberAdminNoMFA    finding = "admin-without-mfa"
	memberStaleInvite   finding = "stale-invite"
	memberNoTeam        finding = "no-team"
)

// tokenFindingOrder and memberFindingOrder fix the order of the summary and of each row's list.
var (
	tokenFindingOrder  = []finding{tokenNeverUsed, tokenStale, tokenOverPrivileged, tokenOwnerGone}
	memberFindingOrder = []finding{memberNeverLoggedIn, memberInactive, memberAdminNoMFA, memberStaleInvite, memberNoTeam}
)

// describe says what a finding means, with the staleness threshold where it matters.
func (f finding) describe(staleAfter time.Duration) string {
	d := formatDays(staleAfter)
	switch f {
	case tokenNeverUsed:
		return "never used"
	case tokenStale:
		return "unused for more than " + d
	case tokenOverPrivileged:
		return "admin role or wildcard inline policy"
	case tokenOwnerGone:
		return "owner is no longer a member"
	case memberNeverLoggedIn:
		return "never logged in"
	case memberInactive:
		return "inactive for more than " + d
	case memberAdminNoMFA:
		return "admin or owner without MFA"
	case memberStaleInvite:
		return "invite pending for more than " + d
	case memberNoTeam:
		return "not on any team"
	}
	return string(f)
}

// olderThan reports whether the epoch-millisecond time ms lies more than d before now. A time in
// the future (clock skew) is never older than anything.
func olderThan(ms int64, now time.Time, d time.Duration) bool {
	return now.Sub(time.UnixMilli(ms)) > d
}

// isAdminRole reports whether a built-in role grants full control of the account.
func isAdminRole(role string) bool {
	return role == "admin" || role == "owner"
}

// hasWildcardPolicy reports whether an inline policy allows "*" as an action or a resource.
// Deny statements restrict rather than grant, so a wildcard in one is not a finding.
func hasWildcardPolicy(stmts []api.Statement) bool {
	for _, s := range stmts {
		if s.Effect == api.StatementEffectDeny {
			continue
		}
		if containsStar(s.Actions) || containsStar(s.Resources) {
			return true
		}
	}
	return false
}

func containsStar(list []string) bool {
	for _, v := range list {
		if strings.TrimSpace(v) == "*" {
			return true
		}
	}
	return false
}

// tokenFindings lists what is wrong with one token. memberIDs holds the ID of every member of the
// account, so that a token whose owner has left is recognised.
//
//   - never-used: no lastUsed;
//   - stale: last used more than staleAfter ago;
//   - over-privileged: the admin (or owner) role, or an inline policy allowing "*" actions or
//     resources;
//   - owner-gone: ownerId is not a member of the account.
func tokenFindings(t api.Token, memberIDs map[string]bool, now time.Time, staleAfter time.Duration) []finding {
	var fs []finding
	switch {
	case t.LastUsed <= 0:
		fs = append(fs, tokenNeverUsed)
	case olderThan(t.LastUsed, now, staleAfter):
		fs = append(fs, tokenStale)
	}
	if isAdminRole(t.Role) || hasWildcardPolicy(t.InlineRole) {
		fs = append(fs, tokenOverPrivileged)
	}
	if t.OwnerID == "" || !memberIDs[t.OwnerID] {
		fs = append(fs, tokenOwnerGone)
	}
	return fs
}

// memberFindings lists what is wrong with one member.
//
//   - never-logged-in: an accepted member with no _lastSeen (a pending invitee has not logged in
//     by definition; the invite itself is judged instead);
//   - inactive: last seen more than staleAfter ago;
//   - admin-without-mfa: role admin or owner and mfa not "enabled";
//   - stale-invite: invitation pending for more than staleAfter since creationDate;
//   - no-team: on no team.
func memberFindings(m api.Member, now time.Time, staleAfter time.Duration) []finding {
	var fs []finding
	switch {
	case m.PendingInvite:
		// Judged below as an invitation.
	case m.LastSeen <= 0:
		fs = append(fs, memberNeverLoggedIn)
	case olderThan(m.LastSeen, now, staleAfter):
		fs = append(fs, memberInactive)
	}
	if isAdminRole(m.Role) && m.MFA != "enabled" {
		fs = append(fs, memberAdminNoMFA)
	}
	if m.PendingInvite && olderThan(m.CreationDate, now, staleAfter) {
		fs = append(fs, memberStaleInvite)
	}
	if m.Teams == nil || len(m.Teams) == 0 {
		fs = append(fs, memberNoTeam)
	}
	return fs
}

// report is a whole access review: what was looked at, the counts, and one row per token and
// member with its findings.
type report struct {
	GeneratedAt time.Time
	StaleAfter  time.Duration
	// TokenCount and MemberCount are how many were reviewed, even when rows are left out.
	TokenCount  int
	MemberCount int
	Tokens      []tokenRow
	Members     []memberRow
}

type tokenRow struct {
	Token    api.Token
	Owner    string // the owner's email when known, else the owner's ID
	Findings []finding
}

type memberRow struct {
	Member   api.Member
	Findings []finding
}

// summaryLine is one line of the summary: how many tokens or members have a finding.
type summaryLine struct {
	Subject string // "token" or "member"
	Finding finding
	Count   int
}

// buildReport reviews every token and member. Rows keep the order they were given in.
func buildReport(members []api.Member, tokens []api.Token, now time.Time, staleAfter time.Duration) report {
	r := report{GeneratedAt: now, StaleAfter: staleAfter, TokenCount: len(tokens), MemberCount: len(members)}
	ids := make(map[string]bool, len(members))
	emails := make(map[string]string, len(members))
	for _, m := range members {
		ids[m.ID] = true
		emails[m.ID] = m.Email
	}
	r.Members = make([]memberRow, 0, len(members))
	for _, m := range members {
		r.Members = append(r.Members, memberRow{Member: m, Findings: memberFindings(m, now, staleAfter)})
	}
	r.Tokens = make([]tokenRow, 0, len(tokens))
	for _, t := range tokens {
		owner := t.OwnerID
		if e, ok := emails[t.OwnerID]; ok && e != "" {
			owner = e
		} else if t.Member.ID == t.OwnerID && t.Member.Email != "" {
			owner = t.Member.Email
		}
		r.Tokens = append(r.Tokens, tokenRow{Token: t, Owner: owner, Findings: tokenFindings(t, ids, now, staleAfter)})
	}
	return r
}

// summary counts tokens and members by finding, in a fixed order, zeros included.
func (r report) summary() []summaryLine {
	var lines []summaryLine
	counts := map[finding]int{}
	for _, t := range r.Tokens {
		for _, f := range t.Findings {
			counts[f]++
		}
	}
	for _, f := range tokenFindingOrder {
		lines = append(lines, summaryLine{Subject: "token", Finding: f, Count: counts[f]})
	}
	counts = map[finding]int{}
	for _, m := range r.Members {
		for _, f := range m.Findings {
			counts[f]++
		}
	}
	for _, f := range memberFindingOrder {
		lines = append(lines, summaryLine{Subject: "member", Finding: f, Count: counts[f]})
	}
	return lines
}

// findingCount is the number of findings in the report, over all rows.
func (r report) findingCount() int {
	n := 0
	for _, t := range r.Tokens {
		n += len(t.Findings)
	}
	for _, m := range r.Members {
		n += len(m.Findings)
	}
	return n
}

// onlyFindings returns the report with the rows that have no finding left out.
func (r report) onlyFindings() report {
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

// tokenAccess says in a few words what a token may do.
func tokenAccess(t api.Token) string {
	var parts []string
	if t.Role != "" {
		parts = append(parts, t.Role)
	}
	if len(t.CustomRoleIDs) > 0 {
		ids := append([]string(nil), t.CustomRoleIDs...)
		sort.Strings(ids)
		parts = append(parts, "custom roles: "+strings.Join(ids, " "))
	}
	if len(t.InlineRole) > 0 {
		parts = append(parts, "inline policy: "+describePolicy(t.InlineRole))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

// describePolicy renders an inline policy compactly: "allow * on proj/*; deny deleteFlag on *".
func describePolicy(stmts []api.Statement) string {
	var parts []string
	for _, s := range stmts {
		effect := string(s.Effect)
		actions := listOr(s.Actions, "")
		if actions == "" {
			if na := listOr(s.NotActions, ""); na != "" {
				actions = "all but " + na
			}
		}
		resources := listOr(s.Resources, "")
		if resources == "" {
			if nr := listOr(s.NotResources, ""); nr != "" {
				resources = "all but " + nr
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s on %s", effect, orDash(actions), orDash(resources)))
	}
	return strings.Join(parts, "; ")
}

func listOr(list []string, empty string) string {
	if len(list) == 0 {
		return empty
	}
	return strings.Join(list, ",")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatDays prints a threshold as people say it: "90 days", "36h0m0s" when not whole days.
func formatDays(d time.Duration) string {
	const day = 24 * time.Hour
	if d > 0 && d%day == 0 {
		n := int64(d / day)
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}
