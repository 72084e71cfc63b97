package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/internal/textsafe"
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
	// Caller is who the review ran as; no action acts on its member or its token.
	Caller Caller `json:"caller,omitzero"`
	// Incomplete is what the review the plan came from could not see (Report.Incomplete,
	// "incomplete review: …"), "" when it saw everything: the plan holds no action for what
	// its review did not see, and whoever reads or applies it must be told.
	Incomplete string `json:"incomplete,omitempty"`
	// Policy is the policy the actions came from, for the record.
	Policy  Policy   `json:"policy"`
	Actions []Action `json:"actions"`
	// Refused are the actions the policy asked for and ldaccess refused, with the reason: they
	// would have acted on the account owner, the caller's member or the caller's token. For
	// people to read; Apply ignores them.
	Refused []Refusal `json:"refused,omitempty"`
}

// A Refusal is an action a policy asked for that was not planned, and why.
type Refusal struct {
	Kind     ActionKind `json:"kind"`
	Subject  string     `json:"subject"`
	ObjectID string     `json:"objectId"`
	Name     string     `json:"name"`
	Reasons  []Finding  `json:"reasons"`
	Why      string     `json:"why"`
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
	// ExpireOldIn is how long reset-token keeps the old secret working: DefaultGrace when
	// absent, "0s" to stop it at once (see Grace).
	ExpireOldIn *Age `json:"expireOldIn,omitempty"`
	// State is what the object looked like when it was judged; Apply skips the action if the
	// object has changed since.
	State State `json:"state"`
}

// Grace is how long a reset-token action keeps the old secret working: ExpireOldIn, or
// DefaultGrace when the action does not say; 0 stops it at once.
func (a Action) Grace() time.Duration {
	if a.ExpireOldIn == nil {
		return DefaultGrace
	}
	return time.Duration(*a.ExpireOldIn)
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
func MemberState(m api.Member) State { return MemberOf(m).State() }

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
	if !slices.Equal(s.CustomRoles, now.CustomRoles) { // nil and empty are equal
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

// Counts returns how many actions of each kind the plan holds.
func (p Plan) Counts() map[ActionKind]int {
	c := map[ActionKind]int{}
	for _, a := range p.Actions {
		c[a.Kind]++
	}
	return c
}

// WritePlan writes the plan as indented JSON, for people to read: the characters that would act
// on a terminal it is shown on (escape sequences, bidirectional overrides, zero-width spaces,
// in names a server sent) are written as \u escapes, so that the plan means the same.
func WritePlan(w io.Writer, p Plan) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return err
	}
	_, err := w.Write(textsafe.EscapeJSON(b.Bytes()))
	return err
}

// WritePlanFile writes the plan to path as WritePlan does, whole or not at all, by ldaccess's
// file rules (package internal/safefile): no symbolic link at path is followed, a file already
// there is replaced only if it is a plan, and the new file is readable by its owner only from
// its first byte. redact, if not nil, is applied to the text first: wrapper.Client.Redact keeps
// the client's token out of what a server sent (names, emails).
func WritePlanFile(path string, p Plan, redact func(string) string) error {
	var b bytes.Buffer
	if err := WritePlan(&b, p); err != nil {
		return err
	}
	data := b.Bytes()
	if redact != nil {
		data = []byte(redact(b.String()))
	}
	return safefile.WriteFile(path, data, isPlanFile)
}

// isPlanFile accepts what reads as a plan of this format, valid or not: a plan people have
// edited is still theirs to replace.
func isPlanFile(data []byte) error {
	var p Plan
	if err := decodeStrict(data, "plan", "", &p); err != nil {
		return fmt.Errorf("not a plan: %w", err)
	}
	if p.Format != PlanFormat {
		return fmt.Errorf("not a plan of format %d", PlanFormat)
	}
	return nil
}

// ReadPlan reads a plan as ParsePlan does.
func ReadPlan(r io.Reader) (Plan, error) {
	data, err := safefile.ReadAll(r, maxPlan)
	if err != nil {
		return Plan{}, err
	}
	return ParsePlan(data, "")
}

// maxPlan is the largest plan read.
const maxPlan = 256 << 20

// ParsePlan reads a plan NewPlan made (and people may have edited: dropping actions is how a
// reviewer declines them) and checks it as Validate does. Every error is a [*ParseError] at
// the line and column of the value at fault (for an action that cannot be carried out, the
// action), naming file if it is not "".
func ParsePlan(data []byte, file string) (Plan, error) {
	var p Plan
	if err := decodeStrict(data, "plan", file, &p); err != nil {
		return Plan{}, err
	}
	if p.Format != PlanFormat {
		return Plan{}, positioned(data, "plan", file, offsetOf(data, "/format"),
			fmt.Errorf("format %d; this version of ldaccess reads format %d", p.Format, PlanFormat))
	}
	if ptr, err := p.validate(); err != nil {
		return Plan{}, positioned(data, "plan", file, offsetOf(data, ptr), err)
	}
	return p, nil
}

// Validate checks every action as Apply would before sending it: its kind, subject and ID (one
// plain path segment: letters, digits, - and _), that it leaves its object with strictly less
// access than the state it records (reset-token: no more; see RoleOrder), that it does not act
// on the account owner, the member the plan was made as or its token, and that no two actions
// share an object. The policy the plan records must be one NewPlan accepts (Policy.Validate):
// a plan is never the record of a policy that could raise access.
func (p Plan) Validate() error {
	if _, err := p.validate(); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	return nil
}

// validate returns why the plan cannot be carried out, and the JSON pointer of what is at
// fault: the account, the policy, or the first action that cannot be.
func (p Plan) validate() (ptr string, err error) {
	if p.Account.OwnerID == "" {
		return "/account", errors.New("no account")
	}
	if err := checkID(p.Account.OwnerID); err != nil {
		return "/account", fmt.Errorf("account: %w", err)
	}
	g := ground{ownerID: p.Account.OwnerID, caller: p.Caller}
	objects := map[string]bool{}
	for i, a := range p.Actions {
		if err := checkAction(a, g, objects); err != nil {
			return fmt.Sprintf("/actions/%d", i), fmt.Errorf("action %d (%s): %w", i+1, a.ID, err)
		}
	}
	if i, err := p.Policy.validate(); err != nil {
		return fmt.Sprintf("/policy/rules/%d", i), fmt.Errorf("its policy: %w", err)
	}
	return "", nil
}

// checkAction is Validate's check of one action; objects are those acted on so far.
func checkAction(a Action, g ground, objects map[string]bool) error {
	if err := checkShape(a); err != nil {
		return err
	}
	if err := lessAccess(a, a.State); err != nil {
		return err
	}
	if why := g.refuses(a.Subject, a.ObjectID); why != "" {
		return errors.New("refused: " + why)
	}
	if a.Subject == subjectMember && a.State.Role == RoleOwner {
		return errors.New("refused: it is the account owner, whom ldaccess never acts on")
	}
	key := a.Subject + ":" + a.ObjectID
	if objects[key] {
		return fmt.Errorf("a second action on %s %s", a.Subject, a.ObjectID)
	}
	objects[key] = true
	return nil
}

// checkShape checks an action's kind, subject and IDs.
func checkShape(a Action) error {
	if a.Kind.subject() == "" || a.Kind.subject() != a.Subject {
		return fmt.Errorf("kind %q does not act on a %q", a.Kind, a.Subject)
	}
	if err := checkID(a.ObjectID); err != nil {
		return fmt.Errorf("objectId: %w", err)
	}
	if want := string(a.Kind) + ":" + a.ObjectID; a.ID != want {
		return fmt.Errorf("id must be %q (kind:objectId)", want)
	}
	return nil
}
