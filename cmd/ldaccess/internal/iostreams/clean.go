package iostreams

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean is the one cleaning step for text a server sent (or a file held) before the command
// shows it: every table cell, CSV field, title, note and question goes through it. Control
// characters (C0, C1, DEL: a terminal acts on escape sequences) and format characters
// (zero-width spaces, soft hyphens, bidirectional overrides: they show as nothing, or reorder
// what is shown, so a secret split by them would read whole) are dropped; tabs, and newlines
// unless keepNewlines, become spaces. JSON is not cleaned: its encoder escapes control
// characters, and a script gets what the server sent.
func Clean(s string, keepNewlines bool) string {
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
