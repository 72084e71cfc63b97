package iostreams

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The one cleaning step for text a server sent (or a file held) before the command shows it.
// One rule decides which characters are harmful — Harmful — and each output applies it the
// way its format allows: a table cell, a title, a note, a question or an error line drops
// them (Clean); a CSV field drops them and is kept from reading as a formula (CleanCSV); JSON
// escapes them (EscapeJSON), losing nothing.

// Harmful reports whether r must not reach a reader as it is: a control character (C0, C1,
// DEL: a terminal acts on escape sequences, and on 8-bit ones such as U+009B, CSI), a format
// character (zero-width spaces, soft hyphens, bidirectional overrides and isolates: they show
// as nothing, or reorder what is shown, so that "evil\u202egpj.exe" reads "evilexe.jpg" and a
// secret split by them reads whole), or an encoding error.
func Harmful(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// Clean drops the harmful characters from s; tabs, and newlines unless keepNewlines, become
// spaces. Every table cell, title, note, question and error line goes through it.
func Clean(s string, keepNewlines bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepNewlines:
			return r
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case Harmful(r):
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

// EscapeJSON returns JSON from encoding/json with every harmful character written as a \u
// escape, so that the JSON means exactly what it did (a script gets what the server sent)
// while nothing in it can act on a terminal it is shown on. encoding/json escapes C0 controls
// in strings itself, but writes C1 controls and format characters as they are. Such
// characters can only be inside strings, where an escape is valid; the newlines and tabs left
// are the encoder's indentation.
func EscapeJSON(b []byte) []byte {
	if !strings.ContainsFunc(string(b), harmfulInJSON) {
		return b
	}
	var out strings.Builder
	for _, r := range string(b) {
		if !harmfulInJSON(r) {
			out.WriteRune(r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar {
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&out, `\u%04x`, r)
	}
	return []byte(out.String())
}

// harmfulInJSON is Harmful but for JSON's white space between values.
func harmfulInJSON(r rune) bool { return r != '\n' && r != '\t' && r != '\r' && Harmful(r) }
