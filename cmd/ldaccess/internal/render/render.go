// Package render writes what a command shows — a View — as a table, CSV or JSON. Tables are
// fitted to a terminal (see Fit). Nothing a server sent reaches the reader as it was: every
// cell, header and title of a table goes through iostreams.Clean, every CSV field through
// iostreams.CleanCSV, and JSON through textsafe.EscapeJSON.
package render

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// Format is an output format: --format.
type Format string

// The formats. HTML is audit's alone.
const (
	Table Format = "table"
	JSON  Format = "json"
	CSV   Format = "csv"
	HTML  Format = "html"
)

// Formats lists the formats, as --format takes them.
func Formats() []string { return []string{string(Table), string(JSON), string(CSV), string(HTML)} }

// View is what a command prints.
type View struct {
	// JSON is marshalled, indented, for --format json.
	JSON any
	// WriteJSON, when set, writes the JSON instead, a piece at a time, each piece whole rows
	// (a review of 100,000 members is never held as one value); --fields reads back what it
	// wrote.
	WriteJSON func(io.Writer) error
	// Sections are printed in order for table and CSV output.
	Sections []Section
	// Text, when set, replaces the sections in table output (a sentence such as "deleted …").
	Text string
}

// Section is one table. In table output a non-empty Title is printed above it and sections are
// separated by a blank line; in CSV output each section is a CSV table with its own header row,
// separated from the next by a blank line.
type Section struct {
	Title  string
	Header []string // lower-case words; upper-cased in table output, snake_cased in CSV
	Rows   [][]string
	// RowSeq, when set, yields the rows instead of Rows, made as they are written rather than
	// held (a review of 100,000 members). A table ranges over it twice: once to measure.
	RowSeq iter.Seq[[]string]
	// Lines are printed under the title in table output, each on its own, wrapped to the
	// width (a review's account, caller and coverage); CSV leaves them out.
	Lines []string
	// Footer is printed under the rows in table output, wrapped ("… and 862 more").
	Footer string
	// Record prints a single row as "key: value" lines in table output (for get, create …),
	// never cut.
	Record bool
	// Empty is printed in table output instead of the header when there are no rows.
	Empty string
	// Identify names the columns (by header) that say which token or member a row is about: a
	// member's email, a token's name and ID. Fitting never drops them (see Fit).
	Identify []string
	// Below names the columns (by header) that are never cut: a reason, what a change does.
	// When fitting to a terminal would cut or drop one, its cells go on a line of their own
	// under their row instead, indented and wrapped at spaces to the terminal's width.
	Below []string
}

// Settings are the output flags: --format, --fields, --wide.
type Settings struct {
	Format Format
	Fields []string // with --format json, the top-level fields to keep
	Wide   bool     // on a terminal, show every column in full
}

// Options are what Write needs besides the format.
type Options struct {
	// Width is the terminal's width in columns: tables are fitted to it. 0 means no fitting
	// (stdout is not a terminal, or --wide).
	Width int
	// Fields selects the top-level fields of JSON objects (--fields).
	Fields []string
}

// Print writes v to the streams' stdout as the settings say: fitted to the terminal, unless
// --wide or stdout is not one.
func Print(ios *iostreams.IOStreams, s Settings, v View) error {
	return Write(ios.Out, s.Format, v, Options{Fields: s.Fields, Width: s.Width(ios.TerminalWidth())})
}

// Width is the width tables are fitted to on a terminal this wide: none (0) with --wide.
func (s Settings) Width(terminal int) int {
	if s.Wide {
		return 0
	}
	return terminal
}

// Write writes v to w in format. It writes whole rows at a time (everything at once when it is
// small), so that the token redaction of the command's output sees what a server sent whole,
// and a view of 100,000 rows is never held as one text.
func Write(w io.Writer, format Format, v View, o Options) error {
	out := &chunked{w: w}
	var err error
	switch format {
	case JSON:
		if v.WriteJSON != nil && len(o.Fields) == 0 {
			return v.WriteJSON(jsonEscaping{w})
		}
		err = writeJSON(&out.b, v, o.Fields)
	case CSV:
		err = writeCSV(out, v.Sections)
	case HTML:
		// Only audit writes HTML; the root command refuses --format html elsewhere.
		return clierr.Usagef("--format html is only for audit")
	default:
		if v.Text != "" {
			out.b.WriteString(strings.TrimRight(iostreams.Clean(v.Text, true), "\n") + "\n")
		} else {
			writeTables(out, v.Sections, o.Width)
		}
	}
	if err != nil {
		return err
	}
	return out.flush()
}

// chunked collects output and hands it to w in pieces of whole rows.
type chunked struct {
	w   io.Writer
	b   bytes.Buffer
	err error
}

// chunkSize is how much output is collected before a row's end hands it on.
const chunkSize = 64 << 10

// rowDone is called at the end of each row: the output so far goes to w if there is much.
func (c *chunked) rowDone() {
	if c.b.Len() >= chunkSize && c.err == nil {
		c.err = c.flush()
	}
}

func (c *chunked) flush() error {
	if c.err != nil {
		return c.err
	}
	if c.b.Len() > 0 {
		_, c.err = c.w.Write(c.b.Bytes())
		c.b.Reset()
	}
	return c.err
}

// RowsOf is a section's rows, held or made.
func RowsOf(s Section) iter.Seq[[]string] {
	if s.RowSeq != nil {
		return s.RowSeq
	}
	return func(yield func([]string) bool) {
		for _, r := range s.Rows {
			if !yield(r) {
				return
			}
		}
	}
}

// hasRows reports whether a section has any row.
func hasRows(s Section) bool {
	for range RowsOf(s) {
		return true
	}
	return false
}

func writeJSON(b *bytes.Buffer, view View, fields []string) error {
	var v any = view.JSON
	if view.WriteJSON != nil {
		var raw bytes.Buffer
		if err := view.WriteJSON(&raw); err != nil {
			return err
		}
		v = json.RawMessage(raw.Bytes())
	}
	if len(fields) > 0 {
		var err error
		if v, err = SelectFields(v, fields); err != nil {
			return err
		}
	}
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(textsafe.EscapeJSON(raw.Bytes()))
	return nil
}

// jsonEscaping writes JSON, each piece whole values, with textsafe.EscapeJSON applied: what
// a WriteJSON writes is escaped as writeJSON's output is.
type jsonEscaping struct{ w io.Writer }

func (j jsonEscaping) Write(p []byte) (int, error) {
	if _, err := j.w.Write(textsafe.EscapeJSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// LineWriter hands what is written to it on to w in whole lines, 64 KiB or more at a time
// (and the rest at Flush), for writers such as a template that write a row in many pieces:
// the redaction of the command's output then sees each row whole.
type LineWriter struct {
	w   io.Writer
	buf bytes.Buffer
}

// NewLineWriter returns a LineWriter writing to w.
func NewLineWriter(w io.Writer) *LineWriter { return &LineWriter{w: w} }

// Write collects p, and hands on the whole lines collected once there are enough.
func (l *LineWriter) Write(p []byte) (int, error) {
	l.buf.Write(p)
	if l.buf.Len() < chunkSize {
		return len(p), nil
	}
	end := bytes.LastIndexByte(l.buf.Bytes(), '\n') + 1
	if end == 0 {
		return len(p), nil
	}
	if _, err := l.w.Write(l.buf.Bytes()[:end]); err != nil {
		return 0, err
	}
	l.buf.Next(end)
	return len(p), nil
}

// Flush hands on what is left.
func (l *LineWriter) Flush() error {
	_, err := l.w.Write(l.buf.Bytes())
	l.buf.Reset()
	return err
}
