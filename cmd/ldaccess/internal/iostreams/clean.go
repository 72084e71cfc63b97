package iostreams

import (
	"strings"
	"unicode"

	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// The one cleaning step for text a server sent (or a file held) before the command shows it.
// One rule decides which characters are harmful — textsafe.Harmful — and each output applies
// it the way its format allows: a table cell, a title, a note, a question or an error line
// drops them (Clean); a CSV field drops them and is kept from reading as a formula
// (CleanCSV); JSON escapes them (textsafe.EscapeJSON), losing nothing.

// Clean drops the harmful characters from s; tabs, and newlines unless keepNewlines, become
// spaces. Every table cell, title, note, question and error line goes through it.
func Clean(s string, keepNewlines bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepNewlines:
			return r
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case textsafe.Harmful(r):
			return -1
		}
		return r
	}, s)
}

// CleanCSV is Clean for a CSV field (newlines kept: CSV quotes them), which a spreadsheet must
// read as text: a field that starts with "=", "+", "-" or "@", after any white space (a tab or
// a carriage return, which Clean has made a space, or spaces a spreadsheet may trim), gets a
// single quote first, as OWASP recommends against CSV injection, so that `=HYPERLINK(…)` is
// shown, not run.
func CleanCSV(s string) string {
	s = Clean(s, true)
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}
