package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// NewPlan turns a review's findings into actions as the policy says. Each token and member
// gets at most one action, the strongest its findings ask for; objects on the policy's Never
// list get none. An action that would touch the account owner, the member the review ran as
// or its token, or reset a personal token another member created (LaunchDarkly gives its new
// secret to no one else), is not proposed but recorded in Plan.Refused with the reason. None
// leaves its object with more access (see RoleOrder). Actions come in the report's order,
// tokens first, so that a member's tokens go before the member.
func NewPlan(r Report, p Policy) (Plan, error) {
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	o := r.Options.withDefaults()
	plan := Plan{
		Format: PlanFormat, Account: r.Account, Caller: r.Caller, Incomplete: r.Incomplete(), ReviewedAt: r.GeneratedAt.UTC(),
		StaleAfter: Age(o.StaleAfter), RotateAfter: Age(o.RotateAfter), Policy: p, Actions: []Action{},
	}
	pl := newPlanner(p, r.GeneratedAt)
	g := ground{ownerID: r.Account.OwnerID, caller: r.Caller}
	for _, row := range r.Tokens {
		if a, ok := pl.token(row); ok {
			plan.propose(a, g.refusesToken(row.Token, a.Kind))
		}
	}
	for _, row := range r.Members {
		if a, ok := pl.member(row); ok {
			plan.propose(a, g.refusesMember(row.Member.ID, row.Member.Role))
		}
	}
	return plan, nil
}

// propose adds an action to the plan, or to its refusals when refused says why it may not be
// taken. One that would not take access away is dropped: a validated policy makes none, but
// the privilege rule, not the policy, has the last word.
func (p *Plan) propose(a Action, refused string) {
	switch {
	case refused != "":
		p.Refused = append(p.Refused, Refusal{Kind: a.Kind, Subject: a.Subject, ObjectID: a.ObjectID, Name: a.Name, Reasons: a.Reasons, Why: refused})
	case lessAccess(a, a.State) == nil:
		p.Actions = append(p.Actions, a)
	}
}

// planner applies a policy's rules to one object at a time.
type planner struct {
	policy Policy
	now    time.Time
	never  map[string]bool
}

func newPlanner(p Policy, now time.Time) planner {
	pl := planner{policy: p, now: now, never: map[string]bool{}}
	for _, n := range p.Never {
		pl.never[strings.ToLower(strings.TrimSpace(n))] = true
	}
	return pl
}

// spared reports whether any of keys is on the policy's Never list.
func (pl planner) spared(keys ...string) bool {
	for _, k := range keys {
		if k != "" && pl.never[strings.ToLower(k)] {
			return true
		}
	}
	return false
}

// token plans a token row: the strongest action its findings' rules ask for, delete winning
// over reset.
func (pl planner) token(row TokenRow) (Action, bool) {
	t := row.Token
	// row.Owner is the owner's email when the owner is a member (or the API named it).
	if pl.spared(t.ID, t.OwnerID, row.Owner) {
		return Action{}, false
	}
	var a *Action
	for _, rule := range pl.policy.Rules {
		if !slices.Contains(row.Findings, rule.Finding) || !rule.matchesToken(t, pl.now) {
			continue
		}
		switch {
		case a == nil && rule.Action == ResetToken:
			a = &Action{Kind: ResetToken, ExpireOldIn: rule.grace()}
		case a == nil || rule.Action == DeleteToken:
			a = &Action{Kind: DeleteToken, Reasons: reasonsOf(a)}
		}
		a.Reasons = appendOnce(a.Reasons, rule.Finding)
	}
	if a == nil {
		return Action{}, false
	}
	return onToken(*a, t, row.Owner), true
}

// onToken is a, an action of its kind and reasons, on token t of owner: with its ID, subject,
// name and the token's state.
func onToken(a Action, t api.Token, owner string) Action {
	a.ID, a.Subject, a.ObjectID = string(a.Kind)+":"+t.ID, subjectToken, t.ID
	a.Name = fmt.Sprintf("%s (owner %s)", t.Name, owner)
	a.State = TokenState(t)
	return a
}

func reasonsOf(a *Action) []Finding {
	if a == nil {
		return nil
	}
	return a.Reasons
}

func appendOnce(fs []Finding, f Finding) []Finding {
	if slices.Contains(fs, f) {
		return fs
	}
	return append(fs, f)
}

// member plans a member row: removal wins over role changes; set-role and
// remove-custom-roles combine into one action.
func (pl planner) member(row MemberRow) (Action, bool) {
	m := row.Member
	if pl.spared(m.ID, m.Email) {
		return Action{}, false
	}
	var a *Action
	for _, rule := range pl.policy.Rules {
		if !slices.Contains(row.Findings, rule.Finding) || !rule.matchesMember(m, pl.now) || !changes(rule, m) {
			continue
		}
		if a == nil {
			a = &Action{}
		}
		a.add(rule)
	}
	if a == nil {
		return Action{}, false
	}
	a.finishMember(m)
	return *a, true
}

// changes reports whether a member rule would change the member at all.
func changes(r Rule, m Member) bool {
	switch r.Action {
	case SetRole:
		return m.Role != r.Role
	case RemoveCustomRoles:
		return len(m.CustomRoles) > 0
	}
	return true
}

// add folds a member rule into the action being built.
func (a *Action) add(r Rule) {
	switch r.Action {
	case RemoveMember:
		a.Kind = RemoveMember
	case SetRole:
		if a.Role == "" {
			a.Role = r.Role
		}
	case RemoveCustomRoles:
		a.CustomRoles = &[]string{}
	}
	a.Reasons = appendOnce(a.Reasons, r.Finding)
}

// finishMember settles the kind of a member action and fills in what names it.
func (a *Action) finishMember(m Member) {
	switch {
	case a.Kind == RemoveMember:
		a.Role, a.CustomRoles = "", nil
	case a.Role != "":
		a.Kind = SetRole
	default:
		a.Kind = RemoveCustomRoles
	}
	a.ID, a.Subject, a.ObjectID, a.Name = string(a.Kind)+":"+m.ID, subjectMember, m.ID, m.Email
	a.State = m.State()
}

// matchesToken applies the rule's OlderThan to a token with its finding.
func (r Rule) matchesToken(t api.Token, now time.Time) bool {
	if r.OlderThan == 0 {
		return true
	}
	since := t.CreationDate
	switch r.Finding {
	case TokenStale:
		since = t.LastUsed
	case TokenRotationDue:
		since = max(t.CreationDate, t.LastModified)
	}
	return since > 0 && olderThan(since, now, time.Duration(r.OlderThan))
}

// matchesMember applies the rule's OlderThan to a member with its finding.
func (r Rule) matchesMember(m Member, now time.Time) bool {
	if r.OlderThan == 0 {
		return true
	}
	since := m.CreationDate
	if r.Finding == MemberInactive {
		since = m.LastSeen
	}
	return since > 0 && olderThan(since, now, time.Duration(r.OlderThan))
}
