// Package render writes what a command shows — a View — as a table, CSV or JSON. Tables are
// fitted to a terminal (see Fit). Nothing a server sent reaches the reader as it was: every
// cell, header and title of a table goes through iostreams.Clean, every CSV field through
// iostreams.CleanCSV, and JSON through iostreams.EscapeJSON.
package render

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
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
	o := Options{Fields: s.Fields}
	if !s.Wide {
		o.Width = ios.TerminalWidth()
	}
	return Write(ios.Out, s.Format, v, o)
}

// Write writes v to w in format, in one write, so that the token redaction of the command's
// output sees what a server sent whole.
func Write(w io.Writer, format Format, v View, o Options) error {
	var b bytes.Buffer
	var err error
	switch format {
	case JSON:
		err = writeJSON(&b, v.JSON, o.Fields)
	case CSV:
		err = writeCSV(&b, v.Sections)
	case HTML:
		// Only audit writes HTML; the root command refuses --format html elsewhere.
		return clierr.Usagef("--format html is only for audit")
	default:
		if v.Text != "" {
			b.WriteString(strings.TrimRight(iostreams.Clean(v.Text, true), "\n") + "\n")
		} else {
			writeTables(&b, v.Sections, o.Width)
		}
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

func writeJSON(b *bytes.Buffer, v any, fields []string) error {
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
	b.Write(iostreams.EscapeJSON(raw.Bytes()))
	return nil
}
