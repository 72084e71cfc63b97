package review

import (
	"fmt"
	"slices"
)

// A Risk ranks findings for the people reading a review and for a CI gate: what an attacker
// could use first. The zero value, RiskNone, is the risk of a row without findings.
type Risk int

// The risks, lowest first: housekeeping, unused access that could be lost unnoticed, and full
// control without a second factor or without an owner.
const (
	RiskNone Risk = iota
	RiskLow
	RiskMedium
	RiskHigh
)

// FindingsByRisk lists every finding, highest risk first; within a risk, in the order a review
// shows them. It is the one ranking of findings; risks gives each its risk, in the same order.
var FindingsByRisk = []Finding{
	TokenOverPrivileged, MemberAdminNoMFA, TokenOwnerGone,
	TokenStale, TokenNeverUsed, TokenRotationDue, MemberStaleInvite, MemberInactive,
	MemberNeverLoggedIn, MemberNoTeam,
}

// risks is each finding's risk, in FindingsByRisk's order.
var risks = map[Finding]Risk{
	TokenOverPrivileged: RiskHigh, MemberAdminNoMFA: RiskHigh, TokenOwnerGone: RiskHigh,
	TokenStale: RiskMedium, TokenNeverUsed: RiskMedium, TokenRotationDue: RiskMedium,
	MemberStaleInvite: RiskMedium, MemberInactive: RiskMedium,
	MemberNeverLoggedIn: RiskLow, MemberNoTeam: RiskLow,
}

// Risk is how much the finding matters: RiskHigh for over-privileged, admin-without-mfa and
// owner-gone; RiskMedium for stale, never-used, rotation-due, stale-invite and inactive;
// RiskLow for never-logged-in and no-team (and for a finding this version does not know).
func (f Finding) Risk() Risk {
	if r, ok := risks[f]; ok {
		return r
	}
	return RiskLow
}

// WorstRisk is the highest risk of findings, RiskNone for none.
func WorstRisk(findings []Finding) Risk {
	worst := RiskNone
	for _, f := range findings {
		worst = max(worst, f.Risk())
	}
	return worst
}

// String is the risk as a review prints it: "high", "medium", "low", or "" for none.
func (r Risk) String() string {
	switch r {
	case RiskHigh:
		return "high"
	case RiskMedium:
		return "medium"
	case RiskLow:
		return "low"
	}
	return ""
}

// ParseRisk reads "high", "medium" or "low".
func ParseRisk(s string) (Risk, error) {
	for _, r := range []Risk{RiskHigh, RiskMedium, RiskLow} {
		if s == r.String() {
			return r, nil
		}
	}
	return RiskNone, fmt.Errorf("risk %q: want high, medium or low", s)
}

// MarshalText writes the risk as String does.
func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads what MarshalText writes ("" for none).
func (r *Risk) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = RiskNone
		return nil
	}
	v, err := ParseRisk(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// rankOf is a finding's place in FindingsByRisk (len for an unknown one): sorting by it puts
// the worst first.
func rankOf(f Finding) int {
	if i := slices.Index(FindingsByRisk, f); i >= 0 {
		return i
	}
	return len(FindingsByRisk)
}
