package review_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
)

// rank is the privilege order written out independently of the package's: what the tests hold
// the code to. A role missing from it is one ldaccess does not know.
var rank = map[string]int{"no_access": 0, "reader": 1, "writer": 2, "admin": 3, "owner": 4}

// roles are every role a member can have in these tests: the built-in ones, a role
// LaunchDarkly might add later, and none.
var roles = []string{"no_access", "reader", "writer", "admin", "owner", "superadmin", ""}

// lower reports whether to is strictly less access than from, by the rule the issue states:
// a built-in role below another; for a role the order does not know, only no_access.
func lower(from, to string) bool {
	t, ok := rank[to]
	if !ok || to == "owner" {
		return false // never given
	}
	f, ok := rank[from]
	if !ok {
		return to == "no_access"
	}
	return t < f
}

// TestEveryGeneratedRoleHasAPlaceInTheOrder: a role the contract gains must be placed in the
// privilege order before a plan can give it or judge it.
func TestEveryGeneratedRoleHasAPlaceInTheOrder(t *testing.T) {
	var generated []string
	for _, r := range api.NewMemberFormRoleValues() {
		generated = append(generated, string(r))
	}
	for _, r := range api.AccessTokenPostRoleValues() {
		generated = append(generated, string(r))
	}
	require.NotEmpty(t, generated)
	for _, r := range generated {
		assert.Contains(t, review.RoleOrder(), r, "the generated role %q has no place in review.RoleOrder", r)
	}
	assert.Equal(t, []string{"no_access", "reader", "writer", "admin", "owner"}, review.RoleOrder())
}

// TestAHandEditedPlanNeverRaisesARole tries set-role between every pair of roles, as a plan
// edited by hand would: ReadPlan accepts it only if the new role is strictly lower.
func TestAHandEditedPlanNeverRaisesARole(t *testing.T) {
	for _, from := range roles {
		for _, to := range roles {
			t.Run(fmt.Sprintf("%q→%q", from, to), func(t *testing.T) {
				a := review.Action{ID: "set-role:m1", Kind: review.SetRole, Subject: "member", ObjectID: "m1",
					Role: to, State: review.State{Role: from}}
				p := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: "o1"}, Actions: []review.Action{a}}
				var buf strings.Builder
				require.NoError(t, review.WritePlan(&buf, p))
				_, err := review.ReadPlan(strings.NewReader(buf.String()))
				// The owner is never acted on, whatever the role given.
				if lower(from, to) && from != "owner" {
					assert.NoError(t, err)
				} else {
					assert.Error(t, err, "a plan giving %q to a %q member was accepted", to, from)
				}
			})
		}
	}
}

// TestAPolicyThatCouldRaiseARoleIsRefused tries set-role to every role for every member
// finding: a policy is accepted only if no member the finding can flag would get more access.
func TestAPolicyThatCouldRaiseARoleIsRefused(t *testing.T) {
	// The roles a finding's members can have: admin-without-mfa flags admins and owners, the
	// others anyone.
	flagged := func(f review.Finding) []string {
		if f == review.MemberAdminNoMFA {
			return []string{"admin", "owner"}
		}
		return roles
	}
	for _, f := range review.MemberFindingOrder {
		for _, to := range roles {
			t.Run(fmt.Sprintf("%s→%q", f, to), func(t *testing.T) {
				json := fmt.Sprintf(`{"rules": [{"finding": %q, "action": "set-role", "role": %q}]}`, f, to)
				_, err := review.ReadPolicy(strings.NewReader(json))
				raises, lowers := false, false
				for _, from := range flagged(f) {
					switch {
					case from == "owner" || from == to:
					case lower(from, to):
						lowers = true
					default:
						raises = true
					}
				}
				if raises || !lowers {
					require.Error(t, err)
					assert.Contains(t, err.Error(), fmt.Sprintf("rule 1 (%s → set-role", f), "the error names the rule")
				} else {
					assert.NoError(t, err)
				}
			})
		}
	}
}

func TestThePolicyErrorSaysWhichRoleItCouldRaise(t *testing.T) {
	_, err := review.ReadPolicy(strings.NewReader(`{"rules": [
		{"finding": "stale", "action": "delete-token"},
		{"finding": "no-team", "action": "set-role", "role": "writer"}]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 3")
	assert.Contains(t, err.Error(), "rule 2 (no-team → set-role writer): could raise access")

	_, err = review.ReadPolicy(strings.NewReader(`{"rules": [{"finding": "admin-without-mfa", "action": "set-role", "role": "reader"}]}`))
	assert.NoError(t, err, "admin-without-mfa flags admins and owners only: reader lowers both")
}

// TestNewPlanNeverProposesARaise plans every finding's set-role rules that a policy accepts
// over members of every role: no action leaves a member with more access.
func TestNewPlanNeverProposesARaise(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var members []api.Member
	members = append(members, api.Member{ID: "o1", Email: "o@x.io", Role: "owner"})
	for i, r := range roles {
		for j, custom := range [][]string{nil, {"qa"}} {
			members = append(members, api.Member{
				ID: fmt.Sprintf("m%d%d", i, j), Email: fmt.Sprintf("m%d%d@x.io", i, j), Role: r, CustomRoles: custom,
				CreationDate: now.Add(-400 * 24 * time.Hour).UnixMilli(), // never logged in, on no team, no MFA
			})
		}
	}
	r := review.BuildReport(members, nil, now, review.Options{})
	for _, f := range review.MemberFindingOrder {
		for _, to := range roles {
			p := review.Policy{Rules: []review.Rule{{Finding: f, Action: review.SetRole, Role: to}, {Finding: f, Action: review.RemoveCustomRoles}}}
			if p.Validate() != nil {
				continue
			}
			plan, err := review.NewPlan(r, p)
			require.NoError(t, err)
			byID := map[string]api.Member{}
			for _, m := range members {
				byID[m.ID] = m
			}
			for _, a := range plan.Actions {
				m := byID[a.ObjectID]
				assert.NotEqual(t, "owner", m.Role)
				if a.Kind == review.SetRole && a.Role != m.Role {
					assert.True(t, lower(m.Role, a.Role), "%s: %q member given %q", f, m.Role, a.Role)
				}
				if a.CustomRoles != nil {
					assert.Empty(t, *a.CustomRoles)
				}
				require.NoError(t, plan.Validate())
			}
			assert.True(t, slices.ContainsFunc(plan.Refused, func(x review.Refusal) bool { return x.ObjectID == "o1" }) ||
				f != review.MemberAdminNoMFA, "the owner's refusal is recorded")
		}
	}
}
