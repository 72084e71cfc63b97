package review

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/internal/safefile"
)

// A ChangeKind is what became of a finding between two reviews of an account.
type ChangeKind string

// The kinds of change, in the order a comparison lists them.
const (
	// ChangeResolved: the old review had the finding, the new one does not.
	ChangeResolved ChangeKind = "resolved"
	// ChangeNew: the new review has the finding, the old one did not.
	ChangeNew ChangeKind = "new"
	// ChangeOpen: both reviews have it.
	ChangeOpen ChangeKind = "open"
	// ChangeUnreviewed: the old review had it, and the new review did not see the object: it
	// could not list every token (or member), so the finding may well be open still.
	ChangeUnreviewed ChangeKind = "unreviewed"
)

// ChangeKinds lists the kinds of change in the order a comparison lists them.
var ChangeKinds = []ChangeKind{ChangeResolved, ChangeNew, ChangeOpen, ChangeUnreviewed}

// A Change is one finding of one token or member, and what became of it. Objects are matched
// by ID: a renamed token is the same token.
type Change struct {
	Kind     ChangeKind `json:"change"`
	Subject  string     `json:"subject"` // "token" or "member"
	ObjectID string     `json:"id"`
	// Name is the token's name or the member's email, as the new review has it (the old one's
	// when the new one does not list the object); OldName is the old one's when it differs.
	Name    string  `json:"name"`
	OldName string  `json:"oldName,omitempty"`
	Finding Finding `json:"finding"`
	Risk    Risk    `json:"risk"`
	// Gone is true when the object is no longer in the account: the new review lists every
	// token (or member) and it is not among them.
	Gone bool `json:"gone,omitempty"`
	// Remedy is what a plan's journal records for the object (Changes.Attach), if anything.
	Remedy *Remedy `json:"remedy,omitempty"`
}

// A Remedy is what applying a plan did to one object: its action's last outcome in the
// plan's journal.
type Remedy struct {
	Action   ActionKind `json:"action"`
	Subject  string     `json:"subject"`
	ObjectID string     `json:"id"`
	Status   Status     `json:"status"`
	Detail   string     `json:"detail,omitempty"`
	Time     time.Time  `json:"time"`
}

// Done reports whether the action took effect (applied, reconciled, or the object was
// already as the action would leave it).
func (r Remedy) Done() bool {
	return r.Status == Applied || r.Status == Reconciled || r.Status == Already
}

// A ReviewRecord is what identifies one review in a comparison: when, by whom, with which
// thresholds, what it could see.
type ReviewRecord struct {
	GeneratedAt time.Time `json:"generatedAt"`
	Version     string    `json:"version,omitempty"`
	Caller      Caller    `json:"caller"`
	Coverage    Coverage  `json:"coverage"`
	// Incomplete is Report.Incomplete: "" for a complete review.
	Incomplete  string `json:"incomplete,omitempty"`
	StaleAfter  Age    `json:"staleAfter"`
	RotateAfter Age    `json:"rotateAfter"`
	TokenCount  int    `json:"tokenCount"`
	MemberCount int    `json:"memberCount"`
}

func recordOf(r Report) ReviewRecord {
	o := r.Options.withDefaults()
	return ReviewRecord{
		GeneratedAt: r.GeneratedAt.UTC(), Version: o.Version, Caller: r.Caller, Coverage: r.Coverage,
		Incomplete: r.Incomplete(), StaleAfter: Age(o.StaleAfter), RotateAfter: Age(o.RotateAfter),
		TokenCount: r.TokenCount, MemberCount: r.MemberCount,
	}
}

// Changes is what changed between two reviews of one account: every finding either had,
// resolved, new, still open, or not seen again.
type Changes struct {
	Account Account      `json:"account"`
	Old     ReviewRecord `json:"old"`
	New     ReviewRecord `json:"new"`
	// Notes say what could make the comparison mislead: different thresholds, a review that
	// did not see everything.
	Notes []string `json:"notes,omitempty"`
	// Changes are ordered by kind (ChangeKinds), then risk (FindingsByRisk), then name.
	Changes []Change `json:"changes"`
}

// Incomplete is "" when both reviews saw every token and every member; else it says what the
// comparison could not see ("incomplete comparison: the new review: only …"), to be shown
// with the changes as Report.Incomplete is shown with a review.
func (c Changes) Incomplete() string {
	var gaps []string
	for _, r := range []struct{ which, statement string }{{"old", c.Old.Incomplete}, {"new", c.New.Incomplete}} {
		if r.statement != "" {
			gaps = append(gaps, "the "+r.which+" review: "+strings.TrimPrefix(r.statement, "incomplete review: "))
		}
	}
	if len(gaps) == 0 {
		return ""
	}
	return "incomplete comparison: " + strings.Join(gaps, "; ")
}

// Count is how many changes are of kind k.
func (c Changes) Count(k ChangeKind) int {
	n := 0
	for _, ch := range c.Changes {
		if ch.Kind == k {
			n++
		}
	}
	return n
}

// Diff compares two reviews of one account, old before new, finding by finding, matching
// tokens and members by ID. A finding the new review lacks is resolved, unless the new review
// could not see its object (ChangeUnreviewed). Reviews of different accounts, or given in the
// wrong order, are an error.
func Diff(old, new Report) (Changes, error) {
	if old.Account.OwnerID != "" && new.Account.OwnerID != "" && old.Account.OwnerID != new.Account.OwnerID {
		return Changes{}, fmt.Errorf("%w: the reviews are of different accounts (owner %s, %s)", ErrWrongAccount,
			describeAccount(old.Account), describeAccount(new.Account))
	}
	if new.GeneratedAt.Before(old.GeneratedAt) {
		return Changes{}, fmt.Errorf("the new review (%s) was made before the old one (%s): give the older first",
			new.GeneratedAt.UTC().Format(time.RFC3339), old.GeneratedAt.UTC().Format(time.RFC3339))
	}
	c := Changes{Account: cmp.Or(new.Account, old.Account), Old: recordOf(old), New: recordOf(new), Changes: []Change{}}
	c.Notes = diffNotes(old, new)
	was, is := indexRows(old), indexRows(new)
	for key, o := range was {
		n, seen := is[key]
		for _, f := range o.findings {
			c.Changes = append(c.Changes, before(o, n, seen, new, f))
		}
	}
	for key, n := range is {
		o := was[key]
		for _, f := range n.findings {
			if !slices.Contains(o.findings, f) {
				c.Changes = append(c.Changes, Change{Kind: ChangeNew, Subject: n.subject, ObjectID: n.id, Name: n.name,
					OldName: renamed(o.name, n.name), Finding: f, Risk: f.Risk()})
			}
		}
	}
	slices.SortFunc(c.Changes, func(a, b Change) int {
		return cmp.Or(
			cmp.Compare(slices.Index(ChangeKinds, a.Kind), slices.Index(ChangeKinds, b.Kind)),
			cmp.Compare(rankOf(a.Finding), rankOf(b.Finding)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ObjectID, b.ObjectID))
	})
	return c, nil
}

// before is what became of finding f of a row of the old review: o, and n in the new review
// if seen there.
func before(o, n diffRow, seen bool, new Report, f Finding) Change {
	ch := Change{Subject: o.subject, ObjectID: o.id, Name: o.name, Finding: f, Risk: f.Risk()}
	switch {
	case seen && slices.Contains(n.findings, f):
		ch.Kind = ChangeOpen
	case seen || o.covered(new):
		ch.Kind, ch.Gone = ChangeResolved, !seen && o.allListed(new)
	default:
		ch.Kind = ChangeUnreviewed
	}
	if seen {
		ch.Name, ch.OldName = n.name, renamed(o.name, n.name)
	}
	return ch
}

func describeAccount(a Account) string {
	if a.OwnerEmail != "" {
		return a.OwnerEmail + " " + a.OwnerID
	}
	return a.OwnerID
}

func renamed(old, new string) string {
	if old == "" || old == new {
		return ""
	}
	return old
}

// diffNotes says what makes two reviews hard to compare.
func diffNotes(old, new Report) []string {
	var notes []string
	oo, no := old.Options.withDefaults(), new.Options.withDefaults()
	if oo.StaleAfter != no.StaleAfter || oo.RotateAfter != no.RotateAfter {
		notes = append(notes, fmt.Sprintf("the reviews used different thresholds (stale after %s → %s, rotation after %s → %s): "+
			"findings may have appeared or gone with them", FormatDays(oo.StaleAfter), FormatDays(no.StaleAfter),
			FormatDays(oo.RotateAfter), FormatDays(no.RotateAfter)))
	}
	if s := old.Incomplete(); s != "" {
		notes = append(notes, "the old review is incomplete: "+strings.TrimPrefix(s, "incomplete review: ")+
			": a finding listed as new may be older")
	}
	if s := new.Incomplete(); s != "" {
		notes = append(notes, "the new review is incomplete: "+strings.TrimPrefix(s, "incomplete review: ")+
			": findings of what it did not see are listed as unreviewed, not resolved")
	}
	return notes
}

// rowKey is a row's subject and ID.
type rowKey struct{ subject, id string }

// diffRow is what a comparison needs of a row.
type diffRow struct {
	subject, id, name string
	findings          []Finding
}

// covered reports whether the review r saw every object of the row's subject, so that its
// absence there means its findings are gone.
func (d diffRow) covered(r Report) bool {
	if d.subject == subjectToken {
		return r.Coverage.AllTokens
	}
	return r.Coverage.AllMembers
}

// allListed reports whether r lists every object of the row's subject that it saw (not only
// those with findings), so that its absence there means it is gone.
func (d diffRow) allListed(r Report) bool {
	if d.subject == subjectToken {
		return r.Coverage.AllTokens && len(r.Tokens) == r.TokenCount
	}
	return r.Coverage.AllMembers && len(r.Members) == r.MemberCount
}

func indexRows(r Report) map[rowKey]diffRow {
	rows := make(map[rowKey]diffRow, len(r.Tokens)+len(r.Members))
	for _, t := range r.Tokens {
		rows[rowKey{subjectToken, t.Token.ID}] = diffRow{subjectToken, t.Token.ID, t.Token.Name, t.Findings}
	}
	for _, m := range r.Members {
		rows[rowKey{subjectMember, m.Member.ID}] = diffRow{subjectMember, m.Member.ID, m.Member.Email, m.Findings}
	}
	return rows
}

// Attach adds to each change what a plan's journal records for its object (ReadRemedies): the
// action applied to it and its outcome, the record of what was remediated.
func (c *Changes) Attach(remedies []Remedy) {
	by := make(map[rowKey]Remedy, len(remedies))
	for _, r := range remedies {
		by[rowKey{r.Subject, r.ObjectID}] = r
	}
	for i, ch := range c.Changes {
		if r, ok := by[rowKey{ch.Subject, ch.ObjectID}]; ok {
			c.Changes[i].Remedy = &r
		}
	}
}

// ReadRemedies reads the journal of an applied plan (the file Apply wrote beside it) and
// returns each action's last outcome, for Changes.Attach. It takes no lock and writes nothing;
// a last line cut short is ignored. The plan itself is not needed: an action's ID names its
// kind and object.
func ReadRemedies(path string) ([]Remedy, error) {
	f, err := safefile.Open(path, os.O_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	data, err := safefile.ReadAll(f, maxJournal)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("journal %s: empty", path)
	}
	_, recs, _, err := parseJournal(data, path)
	if err != nil {
		return nil, err
	}
	last := map[string]Record{}
	var order []string
	for _, r := range recs {
		if r.Event != eventOutcome {
			continue
		}
		if _, ok := last[r.Action]; !ok {
			order = append(order, r.Action)
		}
		last[r.Action] = r
	}
	remedies := make([]Remedy, 0, len(order))
	for _, id := range order {
		r := last[id]
		k, objectID := r.objectOf() // parseJournal checked it
		remedies = append(remedies, Remedy{Action: k, Subject: k.subject(), ObjectID: objectID, Status: r.Status, Detail: r.Detail, Time: r.Time})
	}
	return remedies, nil
}
