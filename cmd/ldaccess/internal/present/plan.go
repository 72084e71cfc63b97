package present

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// planIdentity are the columns that say which token or member a plan's action is about.
var planIdentity = []string{"id", "name"}

// CountsLine says what a plan holds: "3 actions: 2 delete-token, 1 set-role".
func CountsLine(p review.Plan) string {
	c := p.Counts()
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", c[review.ActionKind(k)], k)
	}
	s := fmt.Sprintf("%d action", len(p.Actions))
	if len(p.Actions) != 1 {
		s += "s"
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

// change says what an action changes, for people.
func change(a review.Action) string {
	switch a.Kind {
	case review.SetRole:
		s := "role " + orDash(a.State.Role) + " → " + a.Role
		if a.CustomRoles != nil {
			s += ", no custom roles"
		}
		return s
	case review.RemoveCustomRoles:
		return "custom roles " + strings.Join(a.State.CustomRoles, " ") + " → none"
	case review.ResetToken:
		if g := a.Grace(); g > 0 {
			return "old secret expires in " + review.FormatAge(g)
		}
		return "old secret stops at once"
	}
	return ""
}

// PlanTitle says what a plan is for and what it holds, and, when its review could not see
// everything, that it is incomplete.
func PlanTitle(p review.Plan) string {
	title := fmt.Sprintf("Plan for account %s (%s) on %s, reviewed %s: %s", p.Account.OwnerEmail, p.Account.OwnerID,
		p.Instance, p.ReviewedAt.UTC().Format(time.RFC3339), CountsLine(p))
	if p.Incomplete != "" {
		title += ". Made from an " + p.Incomplete
	}
	return title
}

// Plan shows a plan: what it is for, its counts, one row per action.
func Plan(p review.Plan) render.View {
	s := render.Section{
		Title:    PlanTitle(p),
		Header:   []string{"action", "subject", "id", "name", "change", "reasons"},
		Empty:    "nothing to do",
		Identify: planIdentity,
		Below:    []string{"change"}, // what the confirmation is about: never cut
	}
	for _, a := range p.Actions {
		s.Rows = append(s.Rows, []string{string(a.Kind), a.Subject, a.ObjectID, a.Name, change(a), joinFindings(a.Reasons)})
	}
	sections := []render.Section{dropEmpty(s, "change")}
	if len(p.Refused) > 0 {
		r := render.Section{
			Title:    fmt.Sprintf("Refused: %d action%s the policy asked for, which the plan does not hold", len(p.Refused), plural(len(p.Refused))),
			Header:   []string{"action", "subject", "id", "name", "why", "reasons"},
			Identify: planIdentity,
			Below:    []string{"why"}, // a reason: never cut
		}
		for _, x := range p.Refused {
			r.Rows = append(r.Rows, []string{string(x.Kind), x.Subject, x.ObjectID, x.Name, x.Why, joinFindings(x.Reasons)})
		}
		sections = append(sections, r)
	}
	return render.View{JSON: p, Sections: sections}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// OutcomesJSON is the JSON form of an apply's result.
type OutcomesJSON struct {
	// Total is how many actions the plan has; those not in Outcomes were not reached (the
	// run was interrupted).
	Total    int                   `json:"total"`
	Counts   map[review.Status]int `json:"counts"`
	Outcomes []OutcomeJSON         `json:"outcomes"`
}

// OutcomeJSON is one action's outcome.
type OutcomeJSON struct {
	Action  string        `json:"action"`
	Status  review.Status `json:"status"`
	Detail  string        `json:"detail,omitempty"`
	Earlier bool          `json:"earlier,omitempty"`
}

// statusOrder is the order of the summary's statuses: done, then not done.
var statusOrder = []review.Status{review.Applied, review.Reconciled, review.Already, review.WouldApply,
	review.Changed, review.Refused, review.SecretLost, review.Failed}

// NotReached is the summary's label for the actions an interrupted apply did not get to.
const NotReached = "not reached"

// Results shows the outcomes of applying a plan of total actions, one row per action, then
// the summary of them, each count out of the total ("applied  25 of 209"). A row's detail
// (why it was skipped, what would be sent) is never cut: on a narrow terminal it goes under
// its row.
func Results(res review.Result, total int, title string) render.View {
	rows := render.Section{Title: "Actions", Header: []string{"action", "id", "name", "change", "status", "detail"},
		Empty: "no actions", Identify: planIdentity, Below: []string{"detail"}}
	j := OutcomesJSON{Total: total, Counts: res.Counts(), Outcomes: []OutcomeJSON{}}
	for _, o := range res.Outcomes {
		rows.Rows = append(rows.Rows, []string{string(o.Action.Kind), o.Action.ObjectID, o.Action.Name, change(o.Action), outcomeLabel(o), o.Detail})
		j.Outcomes = append(j.Outcomes, OutcomeJSON{Action: o.Action.ID, Status: o.Status, Detail: o.Detail, Earlier: o.Earlier})
	}
	// Removals and deletions change nothing else, and what was applied needs no detail: a
	// column with nothing to say is left out.
	rows = dropEmpty(dropEmpty(rows, "change"), "detail")
	return render.View{JSON: j, Sections: []render.Section{rows, summary(res, total, title)}}
}

// dropEmpty is s without the column headed name if none of its cells says anything.
func dropEmpty(s render.Section, name string) render.Section {
	j := slices.Index(s.Header, name)
	if slices.ContainsFunc(s.Rows, func(r []string) bool { return r[j] != "" }) {
		return s
	}
	s.Header = slices.Delete(slices.Clone(s.Header), j, j+1)
	for i, r := range s.Rows {
		s.Rows[i] = slices.Delete(slices.Clone(r), j, j+1)
	}
	return s
}

// summary counts the outcomes by status, telling this run's from those an earlier run
// recorded, out of total; the actions not reached last.
func summary(res review.Result, total int, title string) render.Section {
	byLabel := map[string]int{}
	for _, o := range res.Outcomes {
		byLabel[outcomeLabel(o)]++
	}
	of := func(n int) string { return fmt.Sprintf("%d of %d", n, total) }
	sum := render.Section{Title: title, Header: []string{"status", "count"}}
	for _, earlier := range []bool{false, true} {
		for _, st := range statusOrder {
			l := outcomeLabel(review.Outcome{Status: st, Earlier: earlier})
			if byLabel[l] > 0 {
				sum.Rows = append(sum.Rows, []string{l, of(byLabel[l])})
			}
		}
	}
	if n := total - len(res.Outcomes); n > 0 {
		sum.Rows = append(sum.Rows, []string{NotReached, of(n)})
	}
	return sum
}

// outcomeLabel is an outcome's status, marked when an earlier run decided it.
func outcomeLabel(o review.Outcome) string {
	if o.Earlier {
		return string(o.Status) + " (earlier run)"
	}
	return string(o.Status)
}
