package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
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

// assignableRoles are the built-in roles set-role may give: a remediation takes access away,
// so it never makes anyone an admin.
var assignableRoles = []string{"no_access", "reader", "writer"}

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
	// or the secret's issue (rotation-due).
	OlderThan Age `json:"olderThan,omitempty"`
	// Role is the role set-role gives: no_access, reader or writer.
	Role string `json:"role,omitempty"`
	// ExpireOldIn is how long reset-token keeps the old secret working; 0 stops it at once.
	ExpireOldIn Age `json:"expireOldIn,omitempty"`
}

// DefaultPolicy is the policy when none is given: no rules, so a plan holds no action.
var DefaultPolicy = Policy{}

// ReadPolicy reads a policy in JSON and checks it. Unknown fields are errors, so that a
// misspelt rule is not silently ignored.
func ReadPolicy(r io.Reader) (Policy, error) {
	var p Policy
	if err := decodeStrict(r, 1<<20, "policy", &p); err != nil {
		return Policy{}, err
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// Validate reports the first rule that cannot work: an unknown finding or action, an action
// for the wrong subject (delete-token for a member finding), set-role without a valid role.
func (p Policy) Validate() error {
	for i, r := range p.Rules {
		where := fmt.Sprintf("policy: rule %d (%s → %s)", i+1, r.Finding, r.Action)
		subj := r.Finding.Subject()
		switch {
		case subj == "":
			return fmt.Errorf("%s: unknown finding %q", where, r.Finding)
		case r.Action.subject() == "":
			return fmt.Errorf("%s: unknown action %q; want delete-token, reset-token, remove-member, set-role or remove-custom-roles", where, r.Action)
		case r.Action.subject() != subj:
			return fmt.Errorf("%s: %s is a %s finding; %s acts on a %s", where, r.Finding, subj, r.Action, r.Action.subject())
		case r.Action == SetRole && !slices.Contains(assignableRoles, r.Role):
			return fmt.Errorf("%s: role must be one of %s", where, strings.Join(assignableRoles, ", "))
		case r.Action != SetRole && r.Role != "":
			return fmt.Errorf("%s: role is only for set-role", where)
		case r.Action != ResetToken && r.ExpireOldIn != 0:
			return fmt.Errorf("%s: expireOldIn is only for reset-token", where)
		}
	}
	return nil
}

// decodeStrict decodes the one JSON value r holds, read up to limit bytes, into v. An unknown
// field or a second value is an error naming what was read, so that a misspelt or stray part
// of a file people edit is never silently ignored.
func decodeStrict(r io.Reader, limit int64, what string, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: more than one JSON value", what)
	}
	return nil
}
