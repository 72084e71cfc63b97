package present

import (
	_ "embed"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// The HTML report: one self-contained file an auditor can open or attach to an evidence
// folder. It loads nothing (its Content-Security-Policy forbids it) and runs no script; every
// value from the server goes through render.Cell, then html/template's contextual escaping.

//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// htmlReport is what report.html.tmpl shows; its fields are exported for the template only.
type htmlReport struct {
	Headline   string
	Date       string // the review's day
	Generated  string // the review's time, RFC 3339 UTC
	StaleAfter string
	Version    string
	Multi      bool
	Accounts   []htmlAccount
	Summary    []htmlSummaryRow
	Chart      htmlChart
	Groups     []htmlTable
	Clean      []htmlTable
}

// htmlAccount is one account reviewed.
type htmlAccount struct {
	Account, Instance, BaseURL string
	Tokens, Members, Findings  int
}

// htmlSummaryRow is one finding's count.
type htmlSummaryRow struct {
	Risk, Finding, Subject, Description string
	Count                               int
	PerAccount                          []int // with several accounts
}

// htmlTable is the rows of one finding, or the clean rows.
type htmlTable struct {
	Risk, Finding, Title string
	Header               []string
	Rows                 [][]string
}

// htmlChart is a horizontal bar chart of the summary, drawn as inline SVG.
type htmlChart struct {
	Width, Height, BarX int
	Bars                []htmlBar
}

// htmlBar is one bar of the chart, with its label and count beside it.
type htmlBar struct {
	Label, Risk             string
	Count                   int
	Y, TextY, Width, CountX int
}

// The chart's geometry: where bars start, the longest bar, a row's height.
const barX, barMax, rowHeight = 200, 420, 24

// WriteHTML writes the review of accounts as one HTML file; all adds the rows without findings.
func WriteHTML(w io.Writer, accounts []AccountReport, all bool, version string) error {
	r0 := accounts[0].Report
	multi := len(accounts) > 1
	d := htmlReport{
		Headline:   Headline(accounts),
		Date:       r0.GeneratedAt.UTC().Format(time.DateOnly),
		Generated:  r0.GeneratedAt.UTC().Format(time.RFC3339),
		StaleAfter: review.FormatDays(r0.StaleAfter),
		Version:    version,
		Multi:      multi,
	}
	for _, a := range accounts {
		d.Accounts = append(d.Accounts, htmlAccount{
			Account: a.Account, Instance: a.Instance, BaseURL: a.BaseURL,
			Tokens: a.Report.TokenCount, Members: a.Report.MemberCount, Findings: a.Report.FindingCount(),
		})
	}
	groups := GroupByFinding(accounts)
	most := 1
	for _, g := range groups {
		most = max(most, g.Count())
	}
	d.Chart = htmlChart{Width: barX + barMax + 60, Height: len(groups)*rowHeight + 4, BarX: barX}
	for i, g := range groups {
		row := htmlSummaryRow{
			Risk: g.Kind.Risk.String(), Finding: string(g.Kind.Finding), Subject: g.Kind.Subject,
			Description: r0.Describe(g.Kind.Finding), Count: g.Count(),
		}
		if multi {
			row.PerAccount = g.CountsByAccount(accounts)
		}
		d.Summary = append(d.Summary, row)
		d.Chart.Bars = append(d.Chart.Bars, chartBar(i, row, most))
		if g.Count() > 0 {
			s := GroupSection(g, multi, r0.Options)
			_, title, _ := strings.Cut(s.Title, " · ")
			d.Groups = append(d.Groups, htmlTable{Risk: row.Risk, Finding: row.Finding, Title: title, Header: s.Header, Rows: cells(s.Rows)})
		}
	}
	if all {
		for _, s := range CleanSections(accounts) {
			d.Clean = append(d.Clean, htmlTable{Title: s.Title, Header: s.Header, Rows: cells(s.Rows)})
		}
	}
	return reportTemplate.Execute(w, d)
}

// chartBar is the i-th bar of the chart, for a count out of most.
func chartBar(i int, row htmlSummaryRow, most int) htmlBar {
	width := row.Count * barMax / most
	if row.Count > 0 {
		width = max(width, 2)
	}
	return htmlBar{
		Label: row.Subject + " " + row.Finding, Risk: row.Risk, Count: row.Count,
		Y: i*rowHeight + 2, TextY: i*rowHeight + 15, Width: width, CountX: barX + width + 6,
	}
}

// cells passes every value through render.Cell, as tables do: "-" for nothing, cleaned.
func cells(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, c := range r {
			out[i][j] = render.Cell(c)
		}
	}
	return out
}
