package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// PlanFormat is the version of the plan file format NewPlan writes and ReadPlan accepts.
const PlanFormat = 1

// A Plan is what a review proposes to change, for people to read and Apply to carry out.
type Plan struct {
	Format int `json:"format"`
	// Account and Instance say where the plan applies: Apply refuses another account.
	// Instance is the caller's to fill in (the ldaccess command writes the base URL).
	Account  Account `json:"account"`
	Instance string  `json:"instance,omitempty"`
	// ReviewedAt is when the state the actions were judged on was read.
	ReviewedAt  time.Time `json:"reviewedAt"`
	StaleAfter  Age       `json:"staleAfter"`
	RotateAfter Age       `json:"rotateAfter"`
	// Policy is the policy the actions came from, for the record.
	Policy  Policy   `json:"policy"`
	Actions []Action `json:"actions"`
}

// An Action is one change to one token or member.
type Action struct {
	// ID names the action within its plan, "kind:objectID"; the journal records it.
	ID       string     `json:"id"`
	Kind     ActionKind `json:"kind"`
	Subject  string     `json:"subject"` // "token" or "member"
	ObjectID string     `json:"objectId"`
	// Name is for people: the member's email, or the token's name and owner.
	Name string `json:"name"`
	// Reasons are the findings that led to the action.
	Reasons []Finding `json:"reasons"`
	// Role is the role set-role gives.
	Role string `json:"role,omitempty"`
	// CustomRoles, when not nil, replaces the member's custom roles (empty for
	// remove-custom-roles).
	CustomRoles *[]string `json:"customRoles,omitempty"`
	// ExpireOldIn is how long reset-token keeps the old secret working.
	ExpireOldIn Age `json:"expireOldIn,omitempty"`
	// State is what the object looked like when it was judged; Apply skips the action if the
	// object has changed since.
	State State `json:"state"`
}

// State is what Apply compares before acting: the fields that show a member was active or
// changed, or a token was used or changed.
type State struct {
	Role        string   `json:"role,omitempty"`
	CustomRoles []string `json:"customRoles,omitempty"`
	// Version is the member's version, which every change moves (0 when the API gave none).
	Version int `json:"version,omitempty"`
	// LastSeen is the member's _lastSeen (epoch ms, 0 never).
	LastSeen int64 `json:"lastSeen,omitempty"`
	// LastUsed and LastModified are the token's (epoch ms).
	LastUsed     int64 `json:"lastUsed,omitempty"`
	LastModified int64 `json:"lastModified,omitempty"`
}

// MemberState is the state of a member as a plan records it.
func MemberState(m api.Member) State {
	return State{Role: m.Role, CustomRoles: m.CustomRoles, Version: m.Version, LastSeen: m.LastSeen}
}

// TokenState is the state of a token as a plan records it.
func TokenState(t api.Token) State {
	return State{Role: t.Role, LastUsed: t.LastUsed, LastModified: t.LastModified}
}

// diff describes how now differs from s, "" if not at all.
func (s State) diff(now State) string {
	var d []string
	if s.Role != now.Role {
		d = append(d, fmt.Sprintf("role %s → %s", orNone(s.Role), orNone(now.Role)))
	}
	if !slices.Equal(s.CustomRoles, now.CustomRoles) && (len(s.CustomRoles) > 0 || len(now.CustomRoles) > 0) {
		d = append(d, fmt.Sprintf("custom roles [%s] → [%s]", strings.Join(s.CustomRoles, " "), strings.Join(now.CustomRoles, " ")))
	}
	if s.LastSeen != now.LastSeen {
		d = append(d, "last seen "+stamp(s.LastSeen)+" → "+stamp(now.LastSeen))
	}
	if s.LastUsed != now.LastUsed {
		d = append(d, "last used "+stamp(s.LastUsed)+" → "+stamp(now.LastUsed))
	}
	if s.LastModified != now.LastModified {
		d = append(d, "last modified "+stamp(s.LastModified)+" → "+stamp(now.LastModified))
	}
	if s.Version != now.Version && len(d) == 0 {
		d = append(d, fmt.Sprintf("version %d → %d", s.Version, now.Version))
	}
	return strings.Join(d, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func stamp(ms int64) string {
	if ms <= 0 {
		return "never"
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// NewPlan turns a review's findings into actions as the policy says. Objects on the policy's
// Never list and the account owner get none; each token and member gets at most one action,
// the strongest its findings ask for. Actions come in the report's order, tokens first, so
// that a member's tokens go before the member.
func NewPlan(r Report, p Policy) (Plan, error) {
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	o := r.Options.withDefaults()
	plan := Plan{
		Format: PlanFormat, Account: r.Account, ReviewedAt: r.GeneratedAt.UTC(),
		StaleAfter: Age(o.StaleAfter), RotateAfter: Age(o.RotateAfter), Policy: p, Actions: []Action{},
	}
	never := map[string]bool{}
	for _, n := range p.Never {
		never[strings.ToLower(strings.TrimSpace(n))] = true
	}
	emails := map[string]string{}
	for _, m := range r.Members {
		emails[m.Member.ID] = m.Member.Email
	}
	spared := func(keys ...string) bool {
		for _, k := range keys {
			if k != "" && never[strings.ToLower(k)] {
				return true
			}
		}
		return false
	}
	for _, row := range r.Tokens {
		t := row.Token
		if spared(t.ID, t.OwnerID, emails[t.OwnerID], row.Owner) {
			continue
		}
		var a *Action
		for _, rule := range p.Rules {
			if !slices.Contains(row.Findings, rule.Finding) || !rule.matchesToken(t, r.GeneratedAt) {
				continue
			}
			switch {
			case a == nil:
				a = &Action{Kind: rule.Action, ExpireOldIn: rule.ExpireOldIn}
			case rule.Action == DeleteToken:
				a.Kind, a.ExpireOldIn = DeleteToken, 0
			}
			if !slices.Contains(a.Reasons, rule.Finding) {
				a.Reasons = append(a.Reasons, rule.Finding)
			}
		}
		if a == nil {
			continue
		}
		a.ID, a.Subject, a.ObjectID = string(a.Kind)+":"+t.ID, subjectToken, t.ID
		a.Name = fmt.Sprintf("%s (owner %s)", t.Name, row.Owner)
		a.State = TokenState(t)
		plan.Actions = append(plan.Actions, *a)
	}
	for _, row := range r.Members {
		m := row.Member
		if m.ID == r.Account.OwnerID || m.Role == "owner" || spared(m.ID, m.Email) {
			continue
		}
		var a *Action
		for _, rule := range p.Rules {
			if !slices.Contains(row.Findings, rule.Finding) || !rule.matchesMember(m, r.GeneratedAt) {
				continue
			}
			if (rule.Action == SetRole && m.Role == rule.Role) || (rule.Action == RemoveCustomRoles && len(m.CustomRoles) == 0) {
				continue // nothing to change
			}
			if a == nil {
				a = &Action{}
			}
			switch rule.Action {
			case RemoveMember:
				a.Kind = RemoveMember
			case SetRole:
				if a.Role == "" {
					a.Role = rule.Role
				}
			case RemoveCustomRoles:
				a.CustomRoles = &[]string{}
			}
			if !slices.Contains(a.Reasons, rule.Finding) {
				a.Reasons = append(a.Reasons, rule.Finding)
			}
		}
		if a == nil {
			continue
		}
		switch {
		case a.Kind == RemoveMember:
			a.Role, a.CustomRoles = "", nil
		case a.Role != "":
			a.Kind = SetRole
		default:
			a.Kind = RemoveCustomRoles
		}
		a.ID, a.Subject, a.ObjectID, a.Name = string(a.Kind)+":"+m.ID, subjectMember, m.ID, m.Email
		a.State = MemberState(m)
		plan.Actions = append(plan.Actions, *a)
	}
	return plan, nil
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
func (r Rule) matchesMember(m api.Member, now time.Time) bool {
	if r.OlderThan == 0 {
		return true
	}
	since := m.CreationDate
	if r.Finding == MemberInactive {
		since = m.LastSeen
	}
	return since > 0 && olderThan(since, now, time.Duration(r.OlderThan))
}

// Counts returns how many actions of each kind the plan holds.
func (p Plan) Counts() map[ActionKind]int {
	c := map[ActionKind]int{}
	for _, a := range p.Actions {
		c[a.Kind]++
	}
	return c
}

// WritePlan writes the plan as indented JSON.
func WritePlan(w io.Writer, p Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// ReadPlan reads a plan NewPlan made (and people may have edited: dropping actions is how a
// reviewer declines them) and checks that every action can be carried out.
func ReadPlan(r io.Reader) (Plan, error) {
	var p Plan
	if err := decodeStrict(r, 256<<20, "plan", &p); err != nil {
		return Plan{}, err
	}
	if p.Format != PlanFormat {
		return Plan{}, fmt.Errorf("plan: format %d; this version of ldaccess reads format %d", p.Format, PlanFormat)
	}
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// Validate checks that every action is complete and that no two share an ID or an object.
func (p Plan) Validate() error {
	if p.Account.OwnerID == "" {
		return errors.New("plan: no account")
	}
	ids := map[string]bool{}
	objects := map[string]bool{}
	for i, a := range p.Actions {
		where := fmt.Sprintf("plan: action %d (%s)", i+1, a.ID)
		switch {
		case a.ID == "" || a.ObjectID == "":
			return fmt.Errorf("%s: no id or objectId", where)
		case a.Kind.subject() == "" || a.Kind.subject() != a.Subject:
			return fmt.Errorf("%s: kind %q does not act on a %q", where, a.Kind, a.Subject)
		case a.Kind == SetRole && !slices.Contains(assignableRoles, a.Role):
			return fmt.Errorf("%s: role must be one of %s", where, strings.Join(assignableRoles, ", "))
		case a.Kind == RemoveCustomRoles && a.CustomRoles == nil:
			return fmt.Errorf("%s: remove-custom-roles needs customRoles []", where)
		case a.CustomRoles != nil && (len(*a.CustomRoles) > 0 || a.Subject != subjectMember):
			// A plan may be edited by hand; it still only takes access away.
			return fmt.Errorf("%s: customRoles can only be [], on a member: a plan takes access away", where)
		case ids[a.ID]:
			return fmt.Errorf("%s: a second action with this id", where)
		case objects[a.Subject+":"+a.ObjectID]:
			return fmt.Errorf("%s: a second action on %s %s", where, a.Subject, a.ObjectID)
		}
		ids[a.ID] = true
		objects[a.Subject+":"+a.ObjectID] = true
	}
	return nil
}
