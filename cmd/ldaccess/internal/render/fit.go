package render

import (
	"slices"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// How a table fits a terminal. Every table of every command goes through Fit, with one rule:
//
//   - the columns that identify a row (Section.Identify: a member's email, a token's name and
//     ID) are never dropped: they are shown whole, or cut to no fewer than IdentityWidth
//     columns, and to no fewer than MinIdentityWidth only if the terminal is too narrow even
//     for that;
//   - other columns give way first: they are dropped in DropOrder, the first listed first,
//     until the rest fit at their narrowest readable width; then the widest cells are cut
//     with "…", other columns before identifying ones;
//   - IDs, dates, statuses, finding names and counts are useless cut (Whole): they are
//     dropped, never cut, unless they identify the row;
//   - a reason, a change or a detail (Section.Below) is never cut: where it would be, it goes
//     under its row.
//
// A table that cannot fit even so is printed wider than the terminal rather than unreadable.

// DropOrder is the one order in which the columns of every table give way to a narrow
// terminal, first listed first, by header. A column not listed is never dropped.
var DropOrder = []string{
	"kind", "created", "invite", "teams", "subject", "base url", "current", "mfa",
	"name", "owner", "id", "reasons", "change", "description", "access", "role",
	"token from", "instance", "also", "findings", "action", "detail",
}

// Whole lists the columns (by header) that are dropped rather than cut: a cut ID, date or
// finding name is useless.
var Whole = []string{
	"id", "created", "last used", "last seen", "status", "risk", "finding", "count",
	"action", "kind", "mfa", "subject", "current", "invite", "reasons",
}

// Column widths fitting aims at: an identifying cell is cut no shorter than IdentityWidth,
// and no shorter than MinIdentityWidth when even that does not fit; another cell no shorter
// than softWidth, then hardWidth (or its header's width, when wider).
const (
	IdentityWidth    = 20
	MinIdentityWidth = 13
	softWidth        = 10
	hardWidth        = 4
)

// Fit fits a table whose columns are headed header, and whose cells are at most widths wide,
// to width columns: it updates widths (cells wider are cut) and keep (columns marked false are
// left out) as the rule above says.
func Fit(header, identify []string, widths []int, keep []bool, width int) {
	ident, soft, hard := minimums(header, identify, widths)
	total := func(ws []int) int {
		sum, cols := 0, 0
		for j, w := range ws {
			if keep[j] {
				sum += w
				cols++
			}
		}
		return sum + columnGap*max(cols-1, 0)
	}
	for _, name := range DropOrder {
		if total(soft) <= width {
			break
		}
		for j, h := range header {
			if h == name && !ident[j] {
				keep[j] = false
			}
		}
	}
	others := func(j int) bool { return !ident[j] }
	identities := func(j int) bool { return ident[j] }
	for _, step := range []struct {
		mins  []int
		which func(int) bool
	}{{soft, others}, {soft, identities}, {hard, others}, {hard, identities}} {
		narrow(widths, step.mins, keep, step.which, total(widths)-width)
	}
}

// minimums says which columns identify the row, and how narrow each column may be cut: soft
// first, hard if the table does not fit even so.
func minimums(header, identify []string, widths []int) (ident []bool, soft, hard []int) {
	n := len(widths)
	ident, soft, hard = make([]bool, n), make([]int, n), make([]int, n)
	for j, h := range header {
		ident[j] = slices.Contains(identify, h)
		hw := iostreams.DisplayWidth(h)
		switch {
		case slices.Contains(Whole, h):
			soft[j], hard[j] = widths[j], widths[j]
		case ident[j]:
			soft[j], hard[j] = min(widths[j], max(hw, IdentityWidth)), min(widths[j], max(hw, MinIdentityWidth))
		default:
			soft[j], hard[j] = min(widths[j], max(hw, softWidth)), min(widths[j], max(hw, hardWidth))
		}
	}
	return ident, soft, hard
}

// narrow takes excess columns from the widest of the kept columns which selects, one at a
// time, none below its minimum.
func narrow(widths, mins []int, keep []bool, which func(int) bool, excess int) {
	for ; excess > 0; excess-- {
		widest := -1
		for j, w := range widths {
			if keep[j] && which(j) && w > mins[j] && (widest < 0 || w > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}
