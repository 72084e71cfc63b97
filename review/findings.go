package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// A Finding is one thing an access review flags. Its value is the stable identifier printed
// in JSON and CSV output and named in policies; Report.Describe gives the words for people.
type Finding string

// The findings about tokens.
const (
	TokenNeverUsed      Finding = "never-used"      // no lastUsed
	TokenStale          Finding = "stale"           // unused for more than StaleAfter
	TokenOverPrivileged Finding = "over-privileged" // admin role or a wildcard inline policy
	TokenOwnerGone      Finding = "owner-gone"      // the owner is no longer a member
	TokenRotationDue    Finding = "rotation-due"    // the secret is older than RotateAfter
)

// The findings about members.
const (
	MemberNeverLoggedIn Finding = "never-logged-in"   // an accepted member with no _lastSeen
	MemberInactive      Finding = "inactive"          // not seen for more than StaleAfter
	MemberAdminNoMFA    Finding = "admin-without-mfa" // admin or owner without MFA
	MemberStaleInvite   Finding = "stale-invite"      // invited more than StaleAfter ago, not accepted
	MemberNoTeam        Finding = "no-team"           // on no team
)

// TokenFindingOrder and MemberFindingOrder fix the order of a summary and of each row's list.
var (
	TokenFindingOrder  = []Finding{TokenNeverUsed, TokenStale, TokenOverPrivileged, TokenOwnerGone, TokenRotationDue}
	MemberFindingOrder = []Finding{MemberNeverLoggedIn, MemberInactive, MemberAdminNoMFA, MemberStaleInvite, MemberNoTeam}
)

// Subject is what a finding is about: "token" or "member", "" for an unknown finding.
func (f Finding) Subject() string {
	for _, g := range TokenFindingOrder {
		if f == g {
			return subjectToken
		}
	}
	for _, g := range MemberFindingOrder {
		if f == g {
			return subjectMember
		}
	}
	return ""
}

const (
	subjectToken  = "token"
	subjectMember = "member"
)

// Describe says what a finding means, with the thresholds where they matter.
func (o Options) Describe(f Finding) string {
	o = o.withDefaults()
	d := FormatDays(o.StaleAfter)
	switch f {
	case TokenNeverUsed:
		return "never used"
	case TokenStale:
		return "unused for more than " + d
	case TokenOverPrivileged:
		return "admin role or wildcard inline policy"
	case TokenOwnerGone:
		return "owner is no longer a member"
	case TokenRotationDue:
		return "secret older than " + FormatDays(o.RotateAfter)
	case MemberNeverLoggedIn:
		return "never logged in"
	case MemberInactive:
		return "inactive for more than " + d
	case MemberAdminNoMFA:
		return "admin or owner without MFA"
	case MemberStaleInvite:
		return "invite pending for more than " + d
	case MemberNoTeam:
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
func isAdminRole(role string) bool { return slices.Contains(adminRoles, role) }

// hasWildcardPolicy reports whether an inline policy allows "*" as an action or a resource.
// Deny statements restrict rather than grant, so a wildcard in one is not a finding.
func hasWildcardPolicy(stmts []api.Statement) bool {
	for _, s := range stmts {
		// The switch names every effect of the contract: one it adds fails the exhaustive lint
		// here until the review knows whether it grants.
		switch s.Effect {
		case api.StatementEffectDeny:
			continue
		case api.StatementEffectAllow:
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

// TokenFindings lists what is wrong with one token at now. memberIDs holds the ID of every
// member of the account, so that a token whose owner has left is recognised.
//
//   - never-used: no lastUsed;
//   - stale: last used more than o.StaleAfter ago;
//   - over-privileged: the admin (or owner) role, or an inline policy allowing "*" actions or
//     resources;
//   - owner-gone: ownerId is not a member of the account;
//   - rotation-due: the token was created, or last reset or edited (creationDate, or
//     lastModified, which any change moves: LaunchDarkly records no date of the secret alone),
//     more than o.RotateAfter ago.
func TokenFindings(t api.Token, memberIDs map[string]bool, now time.Time, o Options) []Finding {
	o = o.withDefaults()
	var fs []Finding
	switch {
	case t.LastUsed <= 0:
		fs = append(fs, TokenNeverUsed)
	case olderThan(t.LastUsed, now, o.StaleAfter):
		fs = append(fs, TokenStale)
	}
	if isAdminRole(t.Role) || hasWildcardPolicy(t.InlineRole) {
		fs = append(fs, TokenOverPrivileged)
	}
	if t.OwnerID == "" || !memberIDs[t.OwnerID] {
		fs = append(fs, TokenOwnerGone)
	}
	// A token's lastModified moves with a reset, and with other edits: LaunchDarkly keeps no
	// separate date for the secret, so an edited token may look fresher than its secret.
	if issued := max(t.CreationDate, t.LastModified); issued > 0 && olderThan(issued, now, o.RotateAfter) {
		fs = append(fs, TokenRotationDue)
	}
	return fs
}

// MemberFindings lists what is wrong with one member at now.
//
//   - never-logged-in: an accepted member with no _lastSeen (a pending invitee has not logged in
//     by definition; the invite itself is judged instead);
//   - inactive: last seen more than o.StaleAfter ago;
//   - admin-without-mfa: role admin or owner and mfa not "enabled";
//   - stale-invite: invitation pending for more than o.StaleAfter since creationDate;
//   - no-team: on no team.
func MemberFindings(m api.Member, now time.Time, o Options) []Finding {
	return memberFindings(MemberOf(m), now, o)
}

func memberFindings(m Member, now time.Time, o Options) []Finding {
	o = o.withDefaults()
	var fs []Finding
	switch {
	case m.PendingInvite:
		// Judged below as an invitation.
	case m.LastSeen <= 0:
		fs = append(fs, MemberNeverLoggedIn)
	case olderThan(m.LastSeen, now, o.StaleAfter):
		fs = append(fs, MemberInactive)
	}
	if isAdminRole(m.Role) && m.MFA != "enabled" {
		fs = append(fs, MemberAdminNoMFA)
	}
	if m.PendingInvite && olderThan(m.CreationDate, now, o.StaleAfter) {
		fs = append(fs, MemberStaleInvite)
	}
	if len(m.Teams) == 0 {
		fs = append(fs, MemberNoTeam)
	}
	return fs
}

// FormatDays prints a threshold as people say it: "90 days", "36h0m0s" when not whole days.
func FormatDays(d time.Duration) string {
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
