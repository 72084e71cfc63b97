package iostreams

import "github.com/mattn/go-runewidth"

// DisplayWidth is how many terminal columns s takes: two for a CJK character or an emoji.
func DisplayWidth(s string) int { return runewidth.StringWidth(s) }

// Truncate cuts s to at most width columns, ending it with "…" when it was cut.
func Truncate(s string, width int) string {
	if runewidth.StringWidth(s) <= width {
		return s
	}
	return runewidth.Truncate(s, width, "…")
}
