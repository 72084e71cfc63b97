package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// The one renderer every command prints through. A command builds a view — the value for JSON
// and one or more sections of rows for table and CSV — and render writes it in the format the
// user chose.

const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
)

// formatFlag is the --format value; Set rejects anything but the three formats, so a typo is a
// usage error caught while flags are parsed.
type formatFlag string

func (f *formatFlag) String() string { return string(*f) }
func (f *formatFlag) Type() string   { return "table|json|csv" }
func (f *formatFlag) Set(s string) error {
	switch s {
	case formatTable, formatJSON, formatCSV:
		*f = formatFlag(s)
		return nil
	}
	return fmt.Errorf("must be table, json or csv, not %q", s)
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
}

// render writes v to w in one write, so that the token redaction of the command's output
// (redactingWriter) sees what a server sent whole.
func render(w io.Writer, format string, v view) error {
	var b bytes.Buffer
	var err error
	switch format {
	case formatJSON:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(v.JSON)
	case formatCSV:
		err = renderCSV(&b, v.Sections)
	default:
		if v.Text != "" {
			b.WriteString(strings.TrimRight(v.Text, "\n") + "\n")
		} else {
			err = renderTable(&b, v.Sections)
		}
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

func renderTable(w io.Writer, sections []section) error {
	for i, s := range sections {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if s.Title != "" {
			if _, err := fmt.Fprintln(w, s.Title); err != nil {
				return err
			}
		}
		if len(s.Rows) == 0 && s.Empty != "" {
			if _, err := fmt.Fprintln(w, s.Empty); err != nil {
				return err
			}
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if s.Record && len(s.Rows) == 1 {
			for j, h := range s.Header {
				val := ""
				if j < len(s.Rows[0]) {
					val = s.Rows[0][j]
				}
				fmt.Fprintf(tw, "%s:\t%s\n", h, cell(val))
			}
		} else {
			hs := make([]string, len(s.Header))
			for j, h := range s.Header {
				hs[j] = strings.ToUpper(h)
			}
			fmt.Fprintln(tw, strings.Join(hs, "\t"))
			for _, r := range s.Rows {
				cs := make([]string, len(r))
				for j, c := range r {
					cs[j] = cell(c)
				}
				fmt.Fprintln(tw, strings.Join(cs, "\t"))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// cell makes a value safe for one table cell: no tabs or line breaks from what a server sent,
// and "-" for nothing.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f:
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
			if err := cw.Write(r); err != nil {
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

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// timeCell picks day for tables, stamp for CSV.
func timeCell(format string, ms int64) string {
	if format == formatCSV {
		return stamp(ms)
	}
	return day(ms)
}

// clip shortens a long cell for table output, where one wide value would widen a whole column;
// CSV and JSON keep it whole.
func clip(format, s string, max int) string {
	if format != formatTable {
		return s
	}
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// joinFindings lists findings as a cell: "never-used,owner-gone".
func joinFindings(fs []finding) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
