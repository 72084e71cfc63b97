package present

import (
	_ "embed"
	"html/template"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/internal/textsafe"
	"github.com/ldaccess/ldaccess/review"
)

// The HTML report: one self-contained file an auditor can open, print to PDF or attach to an
// evidence folder. It loads nothing (its Content-Security-Policy forbids it) and runs no
// script; every value from the server goes through render.Cell, then html/template's contextual
// escaping. It opens with the review's record (account, caller, time, version, thresholds,
// policy, coverage: an incomplete review says so in a banner and in its title), then a chart
// of the counts grouped by risk, each risk on its own scale so that a handful of high-risk
// findings is never a sliver beside hundreds of low ones, then a table per finding. No word or
// ID is broken across lines: cells that wrap do so between words only.

//go:embed report.html.tmpl
var reportHTML string

//go:embed changes.html.tmpl
var changesHTML string

// reportTemplate is the review's page ("report") and the comparison's ("changes"), which
// share the style.
var reportTemplate = template.Must(template.Must(template.New("report").Funcs(template.FuncMap{
	// words splits prose into words, which the report keeps whole (each in a nowrap span).
	"words": strings.Fields,
}).Parse(reportHTML)).New("changes").Parse(changesHTML))

// htmlReport is what report.html.tmpl shows; its fields are exported for the template only.
type htmlReport struct {
	Headline   string
	Date       string // the review's day
	Incomplete []string
	Multi      bool
	Accounts   []htmlAccount
	Summary    []htmlSummaryRow
	Chart      htmlChart
	Groups     []htmlTable
	Clean      []htmlTable
	Footer     []string
}

// htmlAccount is one account reviewed, with its record.
type htmlAccount struct {
	Identity
	Tokens, Members, Findings int
	Incomplete                string
}

// htmlSummaryRow is one finding's count.
type htmlSummaryRow struct {
	Risk, Finding, Subject string
	Description            []string
	Count                  int
	PerAccount             []int // with several accounts
}

// htmlTable is the rows of one finding, or the clean rows.
type htmlTable struct {
	Risk, Finding, Title string
	Header               []string
	Rows                 iter.Seq[[]htmlCell]
}

// htmlCell is a cell: Text whole, or Words, between which it may wrap.
type htmlCell struct {
	Text  string
	Words []string
}

// htmlChart is a horizontal bar chart of the summary, grouped by risk, drawn as inline SVG.
type htmlChart struct {
	Width, Height, BarX int
	Headings            []htmlHeading
	Bars                []htmlBar
}

// htmlHeading heads a risk's bars in the chart.
type htmlHeading struct {
	Text string
	Y    int
}

// htmlBar is one bar of the chart, with its label and count beside it.
type htmlBar struct {
	Label, Risk, Finding    string
	Count                   int
	Y, TextY, Width, CountX int
}

// The chart's geometry: where bars start, the longest bar, a row's height, the shortest bar of
// a count that is not zero.
const barX, barMax, rowHeight, barMin = 200, 420, 24, 8

// wrapColumns are the columns whose cells wrap, between words; every other cell is kept on
// one line.
var wrapColumns = []string{"access", "also", "description", "findings", "remedy"}

// WriteHTML writes the reviews as one HTML file; all adds the rows without findings. It writes
// whole lines at a time (render.LineWriter): a row is a line. Besides the cleaning of every
// value, the whole file passes textsafe's rule on its way out (harmless), so that a value that
// reaches the page some other way, a field added later, still cannot hide or reorder what an
// auditor reads.
func WriteHTML(w io.Writer, rs []review.Report, all bool) error {
	lw := render.NewLineWriter(harmless{w})
	if err := reportTemplate.ExecuteTemplate(lw, "report", htmlData(rs, all)); err != nil {
		return err
	}
	return lw.Flush()
}

// harmless writes whole lines (a LineWriter's: no character is split) without the characters
// textsafe.Harmful names; the page's own text has none but its line breaks and tabs.
type harmless struct{ w io.Writer }

func (h harmless) Write(p []byte) (int, error) {
	clean := strings.Map(func(r rune) rune {
		if textsafe.HarmfulInText(r) {
			return -1
		}
		return r
	}, string(p))
	if _, err := io.WriteString(h.w, clean); err != nil {
		return 0, err
	}
	return len(p), nil
}

func htmlData(rs []review.Report, all bool) htmlReport {
	r0 := rs[0]
	multi := len(rs) > 1
	d := htmlReport{Headline: Headline(rs), Date: r0.GeneratedAt.UTC().Format(time.DateOnly), Multi: multi}
	for _, r := range rs {
		a := htmlAccount{Identity: IdentityOf(r).cleaned(), Tokens: r.TokenCount, Members: r.MemberCount, Findings: r.FindingCount(),
			Incomplete: iostreams.Clean(r.Incomplete(), false)}
		if a.Incomplete != "" {
			prefix := ""
			if multi {
				prefix = a.Account + ": "
			}
			d.Incomplete = append(d.Incomplete, prefix+a.Incomplete)
		}
		d.Accounts = append(d.Accounts, a)
	}
	groups := GroupByFinding(rs)
	for _, g := range groups {
		row := htmlSummaryRow{Risk: g.Risk().String(), Finding: string(g.Finding), Subject: g.Subject(),
			Description: strings.Fields(r0.Describe(g.Finding)), Count: g.Count()}
		if multi {
			row.PerAccount = g.CountsByAccount(rs)
		}
		d.Summary = append(d.Summary, row)
		if g.Count() > 0 {
			s := GroupSection(g.ByImportance(), multi, r0.Options, 0)
			_, title, _ := strings.Cut(s.Title, " · ")
			d.Groups = append(d.Groups, htmlTable{Risk: row.Risk, Finding: row.Finding, Title: title, Header: s.Header, Rows: htmlRows(s)})
		}
	}
	d.Chart = chart(d.Summary)
	if all {
		for _, s := range CleanSections(rs) {
			d.Clean = append(d.Clean, htmlTable{Title: s.Title, Header: s.Header, Rows: htmlRows(s)})
		}
	} else {
		d.Footer = strings.Fields("Tokens and members without findings are counted above but not listed (ldaccess audit --all lists them).")
	}
	return d
}

// chart draws the summary's counts grouped by risk, highest first, each risk's bars scaled to
// its largest count, and no bar of a count above zero shorter than barMin.
func chart(rows []htmlSummaryRow) htmlChart {
	c := htmlChart{Width: barX + barMax + 60, BarX: barX}
	most := map[string]int{}
	for _, r := range rows {
		most[r.Risk] = max(most[r.Risk], r.Count, 1)
	}
	y := 0
	for i, r := range rows {
		if i == 0 || rows[i-1].Risk != r.Risk {
			c.Headings = append(c.Headings, htmlHeading{Text: strings.ToUpper(r.Risk) + " risk", Y: y + 15})
			y += rowHeight
		}
		width := r.Count * barMax / most[r.Risk]
		if r.Count > 0 {
			width = max(width, barMin)
		}
		c.Bars = append(c.Bars, htmlBar{
			Label: r.Subject + " " + r.Finding, Risk: r.Risk, Finding: r.Finding, Count: r.Count,
			Y: y + 2, TextY: y + 15, Width: width, CountX: barX + width + 6,
		})
		y += rowHeight
	}
	c.Height = y + 4
	return c
}

// htmlRows are a section's rows as cells: each cleaned by render.Cell, as tables do, and
// split into words in the columns that wrap.
func htmlRows(s render.Section) iter.Seq[[]htmlCell] {
	wraps := make([]bool, len(s.Header))
	for j, h := range s.Header {
		wraps[j] = slices.Contains(wrapColumns, h)
	}
	return func(yield func([]htmlCell) bool) {
		for r := range render.RowsOf(s) {
			cells := make([]htmlCell, len(r))
			for j, c := range r {
				c = render.Cell(c)
				if j < len(wraps) && wraps[j] {
					cells[j].Words = strings.Fields(strings.ReplaceAll(c, ",", ", "))
				} else {
					cells[j].Text = c
				}
			}
			if !yield(cells) {
				return
			}
		}
	}
}
