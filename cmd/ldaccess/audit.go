package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
)

// The access review itself lives in package review; this file keeps the command's names for
// its types and the helpers that render them.

type (
	finding     = review.Finding
	report      = review.Report
	tokenRow    = review.TokenRow
	memberRow   = review.MemberRow
	summaryLine = review.SummaryLine
)

const (
	tokenNeverUsed      = review.TokenNeverUsed
	tokenStale          = review.TokenStale
	tokenOverPrivileged = review.TokenOverPrivileged
	tokenOwnerGone      = review.TokenOwnerGone
	tokenRotationDue    = review.TokenRotationDue

	memberNeverLoggedIn = review.MemberNeverLoggedIn
	memberInactive      = review.MemberInactive
	memberAdminNoMFA    = review.MemberAdminNoMFA
	memberStaleInvite   = review.MemberStaleInvite
	memberNoTeam        = review.MemberNoTeam
)

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
