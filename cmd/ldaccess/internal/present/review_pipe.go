package present

import (
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// A review for pipes and scripts: every row with its findings, the record and the summary
// first. In table output the summary titled by the headline and the record, then the tokens
// and the members; in CSV a section for the record ("review"), then the summary, tokens and
// members; in JSON the evidence format of package review (review.WriteReport), written a row
// at a time. Several accounts add an account column (and, in JSON, one review each under
// "accounts"). Rows are made as they are written, never held: a review of 100,000 members
// needs no more memory to print than to make.

// Review lays out one account's review for pipes.
func Review(r review.Report, format render.Format) render.View {
	return Reviews([]review.Report{r}, format)
}

// Reviews lays out the reviews of one or more accounts for pipes.
func Reviews(rs []review.Report, format render.Format) render.View {
	multi := len(rs) > 1
	sections := []render.Section{summarySection(rs)}
	if format == render.CSV {
		sections = append([]render.Section{identitySection(rs)}, sections...)
	}
	sections = append(sections, tokenRowsSection(rs, format, multi), memberRowsSection(rs, format, multi))
	return render.View{Sections: sections, WriteJSON: func(w io.Writer) error {
		if multi {
			return review.WriteReports(w, rs)
		}
		return review.WriteReport(w, rs[0])
	}}
}

// summarySection counts each finding, in every account and, with several, in each; titled by
// the headline, with each review's record under it in table output.
func summarySection(rs []review.Report) render.Section {
	multi := len(rs) > 1
	s := render.Section{Title: Headline(rs), Header: []string{"subject", "finding", "risk", "count"}}
	for _, r := range rs {
		if multi {
			s.Lines = append(s.Lines, r.Name+":")
			s.Header = append(s.Header, r.Name)
		}
		s.Lines = append(s.Lines, IdentityLines(r)...)
	}
	s.Header = append(s.Header, "description")
	perAccount := make([][]review.SummaryLine, len(rs))
	for i, r := range rs {
		perAccount[i] = r.Summary()
	}
	for k, l := range perAccount[0] {
		total := 0
		var counts []string
		for i := range rs {
			total += perAccount[i][k].Count
			counts = append(counts, strconv.Itoa(perAccount[i][k].Count))
		}
		row := []string{l.Subject, string(l.Finding), l.Risk.String(), strconv.Itoa(total)}
		if multi {
			row = append(row, counts...)
		}
		s.Rows = append(s.Rows, append(row, rs[0].Describe(l.Finding)))
	}
	return s
}

// rowCounts adds up the rows listed and the objects reviewed of each report.
func rowCounts(rs []review.Report, counts func(review.Report) (shown, total int)) (shown, total int) {
	for _, r := range rs {
		s, t := counts(r)
		shown, total = shown+s, total+t
	}
	return shown, total
}

func tokenRowsSection(rs []review.Report, format render.Format, multi bool) render.Section {
	shown, total := rowCounts(rs, func(r review.Report) (int, int) { return len(r.Tokens), r.TokenCount })
	return render.Section{
		Title:    rowsTitle("Tokens", shown, total),
		Header:   withAccount(multi, "account", append(append([]string{}, TokenHeader...), "risk", "findings")...),
		Empty:    "no tokens",
		Identify: tokenIdentity,
		RowSeq: func(yield func([]string) bool) {
			for _, r := range rs {
				for _, t := range r.Tokens {
					cells := append(TokenCells(t.Token, format), review.WorstRisk(t.Findings).String(), joinFindings(t.Findings))
					cells[2] = t.Owner
					if !yield(withAccount(multi, r.Name, cells...)) {
						return
					}
				}
			}
		},
	}
}

func memberRowsSection(rs []review.Report, format render.Format, multi bool) render.Section {
	shown, total := rowCounts(rs, func(r review.Report) (int, int) { return len(r.Members), r.MemberCount })
	return render.Section{
		Title:    rowsTitle("Members", shown, total),
		Header:   withAccount(multi, "account", append(append([]string{}, MemberHeader...), "risk", "findings")...),
		Empty:    "no members",
		Identify: memberIdentity,
		RowSeq:   memberRows(rs, format, multi),
	}
}

func memberRows(rs []review.Report, format render.Format, multi bool) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for _, r := range rs {
			for _, row := range r.Members {
				m := row.Member
				invite := ""
				if m.PendingInvite {
					invite = "pending since " + render.Day(m.CreationDate)
					if format == render.CSV {
						invite = "pending"
					}
				}
				cells := []string{m.ID, m.Email, m.Name(), MemberRole(m), strings.Join(m.Teams, ","),
					render.TimeCell(format, m.LastSeen), m.MFA, invite, review.WorstRisk(row.Findings).String(), joinFindings(row.Findings)}
				if !yield(withAccount(multi, r.Name, cells...)) {
					return
				}
			}
		}
	}
}

// rowsTitle heads a section of rows: "Tokens (42)", or "Tokens (7 of 42, those with findings)".
func rowsTitle(what string, shown, total int) string {
	if shown == total {
		return fmt.Sprintf("%s (%d)", what, total)
	}
	return fmt.Sprintf("%s (%d of %d, those with findings)", what, shown, total)
}
