package render

import (
	"bytes"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// columnGap is the space between two columns.
const columnGap = 2

// writeTables prints sections as aligned columns, measured in display width so that CJK and
// emoji line up. With width > 0 (a terminal) every table is fitted to it (Fit) and every
// title wrapped to it.
func writeTables(out *chunked, sections []Section, width int) {
	b := &out.b
	for i, s := range sections {
		if i > 0 {
			b.WriteString("\n")
		}
		if s.Title != "" {
			b.WriteString(iostreams.Wrap(Cell(s.Title), width) + "\n")
		}
		for _, l := range s.Lines {
			b.WriteString(iostreams.Wrap(Cell(l), width) + "\n")
		}
		switch {
		case s.Empty != "" && !hasRows(s):
			b.WriteString(Cell(s.Empty) + "\n")
		case s.Record && len(s.Rows) == 1:
			writeRecord(b, s, width)
		default:
			writeTable(out, s, width)
		}
		if s.Footer != "" {
			b.WriteString(iostreams.Wrap(Cell(s.Footer), width) + "\n")
		}
	}
}

// writeRecord prints one row as "key: value" lines, never cut: its values (a secret, a
// policy) are what was asked for. On a terminal (width > 0) a long value wraps at spaces,
// going on under itself.
func writeRecord(b *bytes.Buffer, s Section, width int) {
	lines := make([][]string, len(s.Header))
	for j, h := range s.Header {
		val := ""
		if j < len(s.Rows[0]) {
			val = s.Rows[0][j]
		}
		lines[j] = []string{Cell(h) + ":", Cell(val)}
	}
	indent := maxWidth(lines, 0) + columnGap
	for _, l := range lines {
		l[1] = hang(l[1], width, indent)
	}
	writeColumns(b, lines, []int{indent - columnGap}, nil)
}

// hang wraps text at spaces to fit width columns after an indent of indent columns, and
// indents the lines after the first by as much; width 0 leaves it on one line.
func hang(text string, width, indent int) string {
	if width <= 0 {
		return text
	}
	return strings.ReplaceAll(iostreams.Wrap(text, max(width-indent, softWidth)), "\n", "\n"+strings.Repeat(" ", indent))
}

// writeTable prints a header and rows, fitted to width when it is not 0. Rows are measured in
// one pass and printed in a second, cell by cell, so that none is held.
func writeTable(out *chunked, s Section, width int) {
	header := make([]string, len(s.Header))
	for j, h := range s.Header {
		header[j] = strings.ToUpper(Cell(h))
	}
	widths := make([]int, len(header))
	measure := func(cells []string) {
		for j, c := range cells {
			widths[j] = max(widths[j], iostreams.DisplayWidth(c))
		}
	}
	measure(header)
	for r := range RowsOf(s) {
		measure(tableCells(r, len(header)))
	}
	keep := make([]bool, len(header))
	for j := range keep {
		keep[j] = true
	}
	var below []int
	if width > 0 {
		below = fitBelow(s, widths, keep, width)
	}
	writeColumns(&out.b, [][]string{header}, widths, keep)
	for r := range RowsOf(s) {
		cells := tableCells(r, len(header))
		writeColumns(&out.b, [][]string{cells}, widths, keep)
		writeBelow(&out.b, cells, below, width)
		out.rowDone()
	}
}

// tableCells are a row's cells for a table of n columns: each made safe (Cell), "-" where the
// row has none.
func tableCells(r []string, n int) []string {
	cells := make([]string, n)
	for j := range cells {
		cells[j] = "-"
		if j < len(r) {
			cells[j] = Cell(r[j])
		}
	}
	return cells
}

// belowIndent is how far a cell put under its row (Section.Below) is indented.
const belowIndent = 4

// fitBelow fits the table to width, as Fit does, and returns the columns of s.Below that
// fitting would cut or drop: those are left out of the table, to go under their rows.
func fitBelow(s Section, widths []int, keep []bool, width int) []int {
	natural := slices.Clone(widths)
	trial, trialKeep := slices.Clone(widths), slices.Clone(keep)
	Fit(s.Header, s.Identify, trial, trialKeep, width)
	var below []int
	for j, h := range s.Header {
		if slices.Contains(s.Below, h) && (!trialKeep[j] || trial[j] < natural[j]) {
			below = append(below, j)
			keep[j] = false
		}
	}
	if len(below) == 0 {
		copy(widths, trial)
		copy(keep, trialKeep)
		return nil
	}
	Fit(s.Header, s.Identify, widths, keep, width)
	return below
}

// writeBelow writes the cells of row r in the columns below, each whole on a line of its own,
// indented and wrapped at spaces to width; nothing for an empty cell.
func writeBelow(b *bytes.Buffer, r []string, below []int, width int) {
	for _, j := range below {
		if r[j] != "-" {
			b.WriteString(strings.Repeat(" ", belowIndent) + hang(r[j], width, belowIndent) + "\n")
		}
	}
}

// writeColumns prints rows with each column padded to its width (by display width), cells cut
// with … where they are wider, the last column unpadded. keep, when not nil, leaves out the
// columns it marks false.
func writeColumns(b *bytes.Buffer, rows [][]string, widths []int, keep []bool) {
	for _, r := range rows {
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
			if j < len(widths) {
				c = iostreams.Truncate(c, widths[j])
			}
			b.WriteString(c)
			if j == last {
				break
			}
			pad := columnGap
			if j < len(widths) {
				pad += widths[j] - iostreams.DisplayWidth(c)
			}
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString("\n")
	}
}

// maxWidth is the display width of the widest cell of column j.
func maxWidth(rows [][]string, j int) int {
	n := 0
	for _, r := range rows {
		if j < len(r) {
			n = max(n, iostreams.DisplayWidth(r[j]))
		}
	}
	return n
}

// Cell makes a value safe for one table cell (iostreams.Clean, on one line), and "-" for
// nothing.
func Cell(s string) string {
	if s == "" {
		return "-"
	}
	return iostreams.Clean(s, false)
}
