// Package textsafe is the one rule for characters that must not reach a reader as they are,
// whatever writes them: the wrapper's errors and redaction, the ldaccess command's tables,
// questions and errors, and the JSON files the review package writes (plans, journals,
// evidence), which people read too.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Harmful reports whether r must not reach a reader as it is: a control character (C0, C1,
// DEL: a terminal acts on escape sequences, and on 8-bit ones such as U+009B, CSI), a format
// character (zero-width spaces, soft hyphens, bidirectional overrides and isolates: they show
// as nothing, or reorder what is shown, so that "evil\u202egpj.exe" reads "evilexe.jpg" and a
// secret split by them reads whole), or an encoding error.
func Harmful(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// EscapeJSON returns JSON from encoding/json with every harmful character written as a \u
// escape, so that the JSON means exactly what it did (a program reading it gets what the
// server sent) while nothing in it can act on a terminal it is shown on. encoding/json
// escapes C0 controls in strings itself, but writes C1 controls and format characters as they
// are. Such characters can only be inside strings, where an escape is valid; the newlines and
// tabs left are the encoder's indentation.
func EscapeJSON(b []byte) []byte {
	if !strings.ContainsFunc(string(b), HarmfulInText) {
		return b
	}
	var out strings.Builder
	for _, r := range string(b) {
		if !HarmfulInText(r) {
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

// HarmfulInText is Harmful but for the line breaks and tabs that lay out a text of many lines:
// JSON's white space between values, an HTML page's.
func HarmfulInText(r rune) bool { return r != '\n' && r != '\t' && r != '\r' && Harmful(r) }
