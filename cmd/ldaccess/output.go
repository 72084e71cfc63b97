package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// The renderer of the command's table, CSV and JSON output. A command builds a view — the
// value for JSON and one or more sections of rows for table and CSV — and a.render writes it
// in the format, width and fields the user chose.

const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
	formatHTML  = "html"
)

// formatFlag is the --format value; Set rejects anything but the four formats, so a typo is a
// usage error caught while flags are parsed.
type formatFlag string

func (f *formatFlag) String() string { return string(*f) }
func (f *formatFlag) Type() string   { return "table|json|csv|html" }
func (f *formatFlag) Set(s string) error {
	switch s {
	case formatTable, formatJSON, formatCSV, formatHTML:
		*f = formatFlag(s)
		return nil
	}
	return fmt.Errorf("must be table, json, csv or html (audit only), not %q", s)
}

// view is what a command prints.
type view struct {
	// JSON is marshalled, indented, for --format json.
	JSON any
	// Sections are printed in order for table and CSV output.
	Sections []section
	// Text, when set, replaces the sections in table output (a sentence such as "deleted …").
	Text string
}

// section is one table. In table output a non-empty Title is printed above it and sections are
// separated by a blank line; in CSV output each section is a CSV table with its own header row,
// separated from the next by a blank line.
type section struct {
	Title  string
	Header []string // lower-case words; upper-cased in table output, snake_cased in CSV
	Rows   [][]string
	// Record prints a single row as "key: value" lines in table output (for get, create …).
	Record bool
	// Empty is printed in table output instead of the header when there are no rows.
	Empty string
	// Drop names the columns (by header) that may be left out to fit a terminal, least
	// valuable first; Keep those never truncated. See fitColumns.
	Drop, Keep []string
}

// renderOptions are what the user asked of the output besides its format.
type renderOptions struct {
	// Width is the terminal's width in columns: tables are fitted to it. 0 means no fitting
	// (stdout is not a terminal, or --wide).
	Width int
	// Fields selects the top-level fields of JSON objects (--fields).
	Fields []string
}

// render writes v in format, unfitted: the table a pipe gets.
func render(w io.Writer, format string, v view) error {
	return renderWith(w, format, v, renderOptions{})
}

// render writes v to stdout in the format, width and fields the user chose.
func (a *app) render(v view) error {
	return renderWith(a.stdout, string(a.format), v, a.renderOptions())
}

// renderWith writes v to w in one write, so that the token redaction of the command's output
// (redactingWriter) sees what a server sent whole.
func renderWith(w io.Writer, format string, v view, o renderOptions) error {
	var b bytes.Buffer
	var err error
	switch format {
	case formatJSON:
		val := v.JSON
		if len(o.Fields) > 0 {
			if val, err = selectFields(val, o.Fields); err != nil {
				return err
			}
		}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(val)
	case formatCSV:
		err = renderCSV(&b, v.Sections)
	case formatHTML:
		// Only audit writes HTML; PersistentPreRunE refuses --format html elsewhere.
		return usagef("--format html is only for audit")
	default:
		if v.Text != "" {
			b.WriteString(strings.TrimRight(v.Text, "\n") + "\n")
		} else {
			err = renderTable(&b, v.Sections, o.Width)
		}
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// renderTable prints sections as aligned columns, measured in display width so that CJK and
// emoji line up. With width > 0 (a terminal) every table is fitted to it: see fitColumns.
func renderTable(w io.Writer, sections []section, width int) error {
	bw := bufio.NewWriter(w)
	for i, s := range sections {
		if i > 0 {
			bw.WriteString("\n")
		}
		if s.Title != "" {
			bw.WriteString(visible(s.Title, false) + "\n")
		}
		if len(s.Rows) == 0 && s.Empty != "" {
			bw.WriteString(s.Empty + "\n")
			continue
		}
		if s.Record && len(s.Rows) == 1 {
			// One record is never truncated: its values (a secret, a policy) are what was asked for.
			keys := make([][]string, len(s.Header))
			for j, h := range s.Header {
				val := ""
				if j < len(s.Rows[0]) {
					val = s.Rows[0][j]
				}
				keys[j] = []string{h + ":", cell(val)}
			}
			writeColumns(bw, keys, []int{maxWidth(keys, 0)}, nil)
			continue
		}
		rows := make([][]string, 0, len(s.Rows)+1)
		hs := make([]string, len(s.Header))
		for j, h := range s.Header {
			hs[j] = strings.ToUpper(h)
		}
		rows = append(rows, hs)
		for _, r := range s.Rows {
			cs := make([]string, len(hs))
			for j := range cs {
				if j < len(r) {
					cs[j] = cell(r[j])
				} else {
					cs[j] = "-"
				}
			}
			rows = append(rows, cs)
		}
		widths := make([]int, len(hs))
		for j := range widths {
			widths[j] = maxWidth(rows, j)
		}
		keep := make([]bool, len(hs))
		for j := range keep {
			keep[j] = true
		}
		if width > 0 {
			fitColumns(s, widths, keep, width)
		}
		writeColumns(bw, rows, widths, keep)
	}
	return bw.Flush()
}

// columnGap is the space between two columns.
const columnGap = 2

// softMinWidth is how narrow fitting may make a column before it drops one instead, unless its
// header is wider; a wide column may lose at most a third of its width.
const softMinWidth = 10

// fitColumns makes a table fit width columns: first it leaves out s.Drop's columns, least
// valuable first, for as long as the others could not fit even truncated to a readable
// minimum (two thirds of their width, or softMinWidth); then it narrows the widest columns
// one step at a time, past that minimum down to the header's width if it must. Columns in s.Keep are never
// narrowed (IDs, dates and finding names are useless cut). widths and keep are updated in
// place; a table that cannot fit is left wider than width rather than unreadable.
func fitColumns(s section, widths []int, keep []bool, width int) {
	index := map[string]int{}
	for j, h := range s.Header {
		index[h] = j
	}
	fixed := make([]bool, len(widths))
	for _, h := range s.Keep {
		if j, ok := index[h]; ok {
			fixed[j] = true
		}
	}
	mins := make([]int, len(widths))
	for j, w := range widths {
		mins[j] = w
		if !fixed[j] {
			mins[j] = max(runewidth.StringWidth(s.Header[j]), min(w, max(softMinWidth, (2*w+2)/3)))
		}
	}
	total := func(ws []int) int {
		n, cols := 0, 0
		for j, w := range ws {
			if keep[j] {
				n += w
				cols++
			}
		}
		return n + columnGap*max(cols-1, 0)
	}
	for _, h := range s.Drop {
		if total(mins) <= width {
			break
		}
		if j, ok := index[h]; ok {
			keep[j] = false
		}
	}
	narrowed := false
	for excess := total(widths) - width; excess > 0; excess-- {
		widest := -1
		for j, w := range widths {
			if keep[j] && w > mins[j] && (widest < 0 || w > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 && !narrowed {
			// Nothing left to drop: cut further, down to the headers.
			narrowed = true
			for j, w := range widths {
				if !fixed[j] {
					mins[j] = min(w, max(runewidth.StringWidth(s.Header[j]), 4))
				}
			}
			excess++
			continue
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}

// writeColumns prints rows with each column padded to its width (by display width), cells
// cut with … where they are wider, the last column unpadded. keep, when not nil, leaves out
// the columns it marks false.
func writeColumns(w *bufio.Writer, rows [][]string, widths []int, keep []bool) {
	for _, r := range rows {
		var line strings.Builder
		last := -1
		for j := range r {
			if keep == nil || keep[j] {
				last = j
			}
		}
		for j, c := range r {
			if keep != nil && !keep[j] {
				continue
			}
			if j < len(widths) && runewidth.StringWidth(c) > widths[j] {
				c = runewidth.Truncate(c, widths[j], "…")
			}
			line.WriteString(c)
			if j == last {
				break
			}
			pad := columnGap
			if j < len(widths) {
				pad += widths[j] - runewidth.StringWidth(c)
			}
			line.WriteString(strings.Repeat(" ", pad))
		}
		w.WriteString(line.String() + "\n")
	}
}

// maxWidth is the display width of the widest cell of column j.
func maxWidth(rows [][]string, j int) int {
	n := 0
	for _, r := range rows {
		if j < len(r) {
			n = max(n, runewidth.StringWidth(r[j]))
		}
	}
	return n
}

// cell makes a value safe for one table cell: no tabs or line breaks from what a server sent,
// and "-" for nothing.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return visible(s, false)
}

// visible is the one clean-up of the text a server sent that the command prints as a table,
// CSV, a title or a note: control characters (C0, C1, DEL: a terminal acts on escape
// sequences) and format characters (zero-width spaces, soft hyphens: they show as nothing, so
// a secret split by them would read whole) are dropped; tabs, and newlines unless
// keepNewlines, become spaces. JSON keeps what the server sent: its encoder escapes control
// characters.
func visible(s string, keepNewlines bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepNewlines:
			return r
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

func renderCSV(w io.Writer, sections []section) error {
	cw := csv.NewWriter(w)
	for i, s := range sections {
		if i > 0 {
			cw.Flush()
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		hs := make([]string, len(s.Header))
		for j, h := range s.Header {
			hs[j] = strings.ReplaceAll(h, " ", "_")
		}
		if err := cw.Write(hs); err != nil {
			return err
		}
		for _, r := range s.Rows {
			fields := make([]string, len(r))
			for j, f := range r {
				fields[j] = visible(f, true)
			}
			if err := cw.Write(fields); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Times come from LaunchDarkly as Unix epoch milliseconds, 0 or absent for never.

// day prints a date for tables: "2025-03-14", or "never".
func day(ms int64) string {
	if ms <= 0 {
		return "never"
	}
	return time.UnixMilli(ms).UTC().Format(time.DateOnly)
}

// stamp prints a time for CSV: RFC 3339 in UTC, or empty for never.
func stamp(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// jsonTime is a time for JSON output: RFC 3339 in UTC, or null for never.
func jsonTime(ms int64) *string {
	if ms <= 0 {
		return nil
	}
	s := stamp(ms)
	return &s
}

// timeCell picks day for tables, stamp for CSV.
func timeCell(format string, ms int64) string {
	if format == formatCSV {
		return stamp(ms)
	}
	return day(ms)
}

// joinFindings lists findings as a cell: "never-used,owner-gone".
func joinFindings(fs []finding) string { return strings.Join(findingStrings(fs), ",") }

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
