package review

import (
	"fmt"
	"io"
	"time"

	"github.com/ldaccess/ldaccess/internal/safefile"
)

// An ActionKind is what an action does.
type ActionKind string

// The kinds of action. Token actions apply to token findings, member actions to member
// findings.
const (
	DeleteToken       ActionKind = "delete-token"        // delete the token
	ResetToken        ActionKind = "reset-token"         // issue a new secret (see ApplyOptions.Secret)
	RemoveMember      ActionKind = "remove-member"       // remove the member from the account
	SetRole           ActionKind = "set-role"            // replace the member's built-in role
	RemoveCustomRoles ActionKind = "remove-custom-roles" // take every custom role from the member
)

// subject is what an action kind applies to.
func (k ActionKind) subject() string {
	switch k {
	case DeleteToken, ResetToken:
		return subjectToken
	case RemoveMember, SetRole, RemoveCustomRoles:
		return subjectMember
	}
	return ""
}

// A Policy says which findings become which actions. The zero Policy, like DefaultPolicy,
// makes no action at all: nothing is changed unless a rule says so.
//
// In JSON:
//
//	{
//	  "rules": [
//	    {"finding": "stale", "action": "delete-token"},
//	    {"finding": "inactive", "olderThan": "180d", "action": "remove-member"},
//	    {"finding": "admin-without-mfa", "action": "set-role", "role": "reader"},
//	    {"finding": "rotation-due", "action": "reset-token", "expireOldIn": "24h"}
//	  ],
//	  "never": ["owner@example.com", "61095542756dba551110ae21"]
//	}
type Policy struct {
	// Rules map findings to actions. A token or member with several findings gets the
	// strongest action any of them asks for (delete before reset; remove before role
	// changes), and set-role and remove-custom-roles combine.
	Rules []Rule `json:"rules"`
	// Never lists member IDs, token IDs and email addresses (compared without regard to case)
	// that no action touches: a member by ID or email, a token by ID or its owner's ID or
	// email. The account owner is never touched either way.
	Never []string `json:"never,omitempty"`
}

// A Rule turns one finding into one action.
type Rule struct {
	Finding Finding    `json:"finding"`
	Action  ActionKind `json:"action"`
	// OlderThan, when set, narrows the rule to objects whose finding is older than this: the
	// time since last use (stale), last seen (inactive), creation (never-used,
	// never-logged-in, stale-invite, over-privileged, owner-gone, no-team, admin-without-mfa)
	// or the last reset or edit (rotation-due: lastModified).
	OlderThan Age `json:"olderThan,omitempty"`
	// Role is the role set-role gives: a built-in role lower than any the finding's members
	// can have (see RoleOrder).
	Role string `json:"role,omitempty"`
	// ExpireOldIn is how long reset-token keeps the old secret working: DefaultGrace (an hour)
	// when absent, "0s" to stop it at once.
	ExpireOldIn *Age `json:"expireOldIn,omitempty"`
}

// DefaultPolicy is the policy when none is given: no rules, so a plan holds no action.
var DefaultPolicy = Policy{}

// ReadPolicy reads a policy in JSON and checks it, as ParsePolicy does.
func ReadPolicy(r io.Reader) (Policy, error) {
	data, err := safefile.ReadAll(r, maxPolicy)
	if err != nil {
		return Policy{}, err
	}
	return ParsePolicy(data, "")
}

// maxPolicy is the largest policy read.
const maxPolicy = 1 << 20

// ParsePolicy reads a policy in JSON and checks it. Unknown fields are errors, so that a
// misspelt rule is not silently ignored. Every error is a [*ParseError] at the line and column
// of the value at fault (for a rule that cannot work, the rule), naming file if it is not "".
func ParsePolicy(data []byte, file string) (Policy, error) {
	var p Policy
	if err := decodeStrict(data, "policy", file, &p); err != nil {
		return Policy{}, err
	}
	if i, err := p.validate(); err != nil {
		return Policy{}, positioned(data, "policy", file, offsetOf(data, fmt.Sprintf("/rules/%d", i)), err)
	}
	return p, nil
}

// Validate reports the first rule that cannot work: an unknown finding or action, an action
// for the wrong subject (delete-token for a member finding), a set-role whose role could raise
// the access of a member the finding flags (no-team → set-role writer could raise a reader;
// admin-without-mfa → set-role reader cannot, since that finding flags admins and owners only).
func (p Policy) Validate() error {
	if _, err := p.validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	return nil
}

// validate returns the index of the first rule that cannot work, and why.
func (p Policy) validate() (int, error) {
	for i, r := range p.Rules {
		if err := r.check(); err != nil {
			return i, fmt.Errorf("rule %d (%s): %w", i+1, r, err)
		}
	}
	return 0, nil
}

// String names a rule as messages do: "no-team → set-role writer".
func (r Rule) String() string {
	s := fmt.Sprintf("%s → %s", r.Finding, r.Action)
	if r.Role != "" {
		s += " " + r.Role
	}
	return s
}

func (r Rule) check() error {
	subj := r.Finding.Subject()
	switch {
	case subj == "":
		return fmt.Errorf("unknown finding %q", r.Finding)
	case r.Action.subject() == "":
		return fmt.Errorf("unknown action %q; want delete-token, reset-token, remove-member, set-role or remove-custom-roles", r.Action)
	case r.Action.subject() != subj:
		return fmt.Errorf("%s is a %s finding; %s acts on a %s", r.Finding, subj, r.Action, r.Action.subject())
	}
	if err := onlyKindFields(Action{Kind: r.Action, Role: r.Role, ExpireOldIn: r.ExpireOldIn}); err != nil {
		return err
	}
	switch {
	case r.ExpireOldIn != nil:
		return checkGrace(time.Duration(*r.ExpireOldIn))
	case r.Action == SetRole:
		return ruleRaises(r)
	}
	return nil
}

// grace is how long a reset-token rule keeps the old secret working: DefaultGrace unless the
// rule says (0: it stops at once).
func (r Rule) grace() *Age {
	if r.ExpireOldIn != nil {
		g := *r.ExpireOldIn
		return &g
	}
	g := Age(DefaultGrace)
	return &g
}
