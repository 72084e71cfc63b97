package present

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// What changed between two reviews of an account (review.Diff), in every format: in a table,
// the two reviews' records and the counts, then a table per kind of change (resolved, new,
// still open, unreviewed), worst first; in CSV a section for the two records and one for every
// change; in JSON review.Changes with "changesFormat"; in HTML one page like the review's.
// Resolved findings show the action a plan's journal records for their object, if any.

// ChangesFormat is the version of the JSON of audit diff.
const ChangesFormat = 1

// changeTitles head each kind of change.
var changeTitles = map[review.ChangeKind]string{
	review.ChangeResolved:   "Resolved",
	review.ChangeNew:        "New",
	review.ChangeOpen:       "Still open",
	review.ChangeUnreviewed: "Not seen again (the new review could not see them)",
}

// changeHeader heads a table of changes (without the kind, which titles it).
var changeHeader = []string{"risk", "finding", "subject", "id", "name", "was", "gone", "remedy"}

// changeIdentity are the columns that say which token or member a change is about.
var changeIdentity = []string{"id", "name"}

// ChangesHeadline sums a comparison up in a line.
func ChangesHeadline(c review.Changes) string {
	parts := make([]string, 0, len(review.ChangeKinds))
	for _, k := range review.ChangeKinds {
		if n := c.Count(k); n > 0 || k != review.ChangeUnreviewed {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return fmt.Sprintf("Changes in the account of %s from %s to %s: %s", orUnknown(c.Account.OwnerEmail),
		c.Old.GeneratedAt.Format(time.DateOnly), c.New.GeneratedAt.Format(time.DateOnly), strings.Join(parts, ", "))
}

// recordLine says what one of the two reviews was: when, by whom, with what, seeing what.
func recordLine(which string, r review.ReviewRecord) string {
	coverage := "complete"
	if r.Incomplete != "" {
		coverage = r.Incomplete
	}
	return fmt.Sprintf("%s review: %s by %s with %s, stale after %s; %s", which, r.GeneratedAt.Format(time.RFC3339),
		caller(Identity{Caller: r.Caller.Email, CallerID: r.Caller.MemberID, Token: r.Caller.TokenName, TokenID: strings.Join(r.Caller.TokenIDs, " ")}),
		orUnknown(r.Version), review.FormatDays(time.Duration(r.StaleAfter)), coverage)
}

// Remedy says what a journal records for a change's object: "delete-token applied
// 2026-05-02T10:00:00Z", with the detail of an outcome that is not done.
func Remedy(r *review.Remedy) string {
	if r == nil {
		return ""
	}
	s := fmt.Sprintf("%s %s %s", r.Action, r.Status, r.Time.UTC().Format(time.RFC3339))
	if !r.Done() && r.Detail != "" {
		s += ": " + r.Detail
	}
	return s
}

func changeCells(ch review.Change) []string {
	gone := ""
	if ch.Gone {
		gone = "gone"
	}
	return []string{ch.Risk.String(), string(ch.Finding), ch.Subject, ch.ObjectID, ch.Name, ch.OldName, gone, Remedy(ch.Remedy)}
}

// Changes lays a comparison out for a terminal, a pipe, CSV or JSON.
func Changes(c review.Changes, format render.Format) render.View {
	v := render.View{JSON: changesJSON{Format: ChangesFormat, Changes: c}}
	if format == render.CSV {
		v.Sections = []render.Section{comparisonSection(c), changesCSV(c)}
		return v
	}
	counts := render.Section{Title: ChangesHeadline(c), Header: []string{"change", "high", "medium", "low", "total"},
		Lines: append([]string{recordLine("Old", c.Old), recordLine("New", c.New)}, c.Notes...)}
	for _, k := range review.ChangeKinds {
		byRisk := map[review.Risk]int{}
		for _, ch := range c.Changes {
			if ch.Kind == k {
				byRisk[ch.Risk]++
			}
		}
		counts.Rows = append(counts.Rows, []string{string(k), strconv.Itoa(byRisk[review.RiskHigh]),
			strconv.Itoa(byRisk[review.RiskMedium]), strconv.Itoa(byRisk[review.RiskLow]), strconv.Itoa(c.Count(k))})
	}
	v.Sections = []render.Section{counts}
	for _, k := range review.ChangeKinds {
		if c.Count(k) > 0 {
			v.Sections = append(v.Sections, kindSection(c, k))
		}
	}
	return v
}

// kindSection is the changes of kind k as a table, titled with their count.
func kindSection(c review.Changes, k review.ChangeKind) render.Section {
	s := render.Section{Title: fmt.Sprintf("%s (%d)", changeTitles[k], c.Count(k)), Header: changeHeader, Identify: changeIdentity}
	for _, ch := range c.Changes {
		if ch.Kind == k {
			s.Rows = append(s.Rows, changeCells(ch))
		}
	}
	return s
}

// changesJSON is audit diff's JSON: the comparison, versioned.
type changesJSON struct {
	Format int `json:"changesFormat"`
	review.Changes
}

// comparisonSection records the two reviews, for CSV.
func comparisonSection(c review.Changes) render.Section {
	s := render.Section{Header: []string{"review", "owner", "owner id", "reviewed at", "reviewed by", "caller id", "token", "token id",
		"version", "stale after", "rotate after", "tokens", "members", "coverage", "notes"}}
	for i, r := range []review.ReviewRecord{c.Old, c.New} {
		coverage := "complete: every token and every member"
		if r.Incomplete != "" {
			coverage = r.Incomplete
		}
		s.Rows = append(s.Rows, []string{[]string{"old", "new"}[i], c.Account.OwnerEmail, c.Account.OwnerID,
			r.GeneratedAt.Format(time.RFC3339), r.Caller.Email, r.Caller.MemberID, r.Caller.TokenName, strings.Join(r.Caller.TokenIDs, " "),
			r.Version, review.FormatAge(time.Duration(r.StaleAfter)), review.FormatAge(time.Duration(r.RotateAfter)),
			strconv.Itoa(r.TokenCount), strconv.Itoa(r.MemberCount), coverage, strings.Join(c.Notes, "; ")})
	}
	return s
}

// changesCSV is every change as a CSV row, with its remedy in columns of its own.
func changesCSV(c review.Changes) render.Section {
	s := render.Section{Header: []string{"change", "risk", "finding", "subject", "id", "name", "old name", "gone",
		"remedy action", "remedy status", "remedy detail", "remedy time"}}
	for _, ch := range c.Changes {
		row := append([]string{string(ch.Kind)}, changeCells(ch)[:7]...)
		if r := ch.Remedy; r != nil {
			row = append(row, string(r.Action), string(r.Status), r.Detail, r.Time.UTC().Format(time.RFC3339))
		} else {
			row = append(row, "", "", "", "")
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// htmlChanges is what changes in report.html.tmpl's "changes" template shows.
type htmlChanges struct {
	Headline  string
	Date      string
	Old, New  string
	Notes     []string
	Counts    [][]string
	Kinds     []htmlTable
	Account   string
	Generator string
}

// WriteChangesHTML writes a comparison as one HTML page, in the review report's style.
func WriteChangesHTML(w io.Writer, c review.Changes) error {
	counts := Changes(c, render.Table).Sections[0]
	clean := func(s string) string { return iostreams.Clean(s, false) }
	d := htmlChanges{Headline: clean(ChangesHeadline(c)), Date: c.New.GeneratedAt.Format(time.DateOnly),
		Old: clean(recordLine("Old", c.Old)), New: clean(recordLine("New", c.New)), Counts: counts.Rows,
		Account: clean(orUnknown(c.Account.OwnerEmail) + " " + c.Account.OwnerID), Generator: clean(c.New.Version)}
	for _, n := range c.Notes {
		d.Notes = append(d.Notes, clean(n))
	}
	for _, k := range review.ChangeKinds {
		if c.Count(k) > 0 {
			s := kindSection(c, k)
			d.Kinds = append(d.Kinds, htmlTable{Finding: string(k), Title: s.Title, Header: s.Header, Rows: htmlRows(s)})
		}
	}
	lw := render.NewLineWriter(harmless{w})
	if err := reportTemplate.ExecuteTemplate(lw, "changes", d); err != nil {
		return err
	}
	return lw.Flush()
}
