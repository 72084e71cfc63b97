package render

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lines(t *testing.T, s Section, width int) []string {
	t.Helper()
	out := write(t, Table, View{Sections: []Section{s}}, Options{Width: width})
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// header is the column names of a rendered table's header line.
func header(line string) []string {
	var cols []string
	for _, c := range strings.Split(line, "  ") {
		if c = strings.TrimSpace(c); c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}

// cellsOf splits a rendered row at the header's column starts.
func cellsOf(head, row string) map[string]string {
	out := map[string]string{}
	names := header(head)
	for i, n := range names {
		start := strings.Index(head, n)
		end := len(row)
		if i+1 < len(names) {
			end = min(strings.Index(head, names[i+1]), len(row))
		}
		if start < len(row) {
			out[n] = strings.TrimSpace(row[start:end])
		}
	}
	return out
}

var (
	memberTable = Section{
		Header:   []string{"id", "email", "name", "role", "teams", "last seen", "mfa", "invite"},
		Identify: []string{"email"},
		Rows: [][]string{
			{"206dd178f1fab5e314ee6f36", "alexandra.konstantinopoulou@contractor.example.org", "Alexandra Konstantinopoulou", "writer + flag-editor + experiment-analyst", "platform,sre,web,data", "2026-05-01", "disabled", "pending"},
			{"ebfbc53d0e95f437000d439b", "jin.costa@example.org", "Jin Costa", "admin", "-", "2025-08-21", "enabled", "-"},
		},
	}
	tokenTable = Section{
		Header:   []string{"id", "name", "owner", "access", "kind", "created", "last used"},
		Identify: []string{"id", "name"},
		Rows: [][]string{
			{"6a1d7440fa4e000000000001", "deploy-bot-for-the-payments-service-eu", "mateo.gupta@contractor.example.org", "inline policy: allow * on proj/*:env/production:flag/*; deny deleteFlag on *", "service", "2025-01-02", "2026-05-29"},
			{"2d0744c8ced8fc740215c52b", "ci", "bea.singh@acme.io", "admin", "personal", "2024-11-30", "never"},
		},
	}
	planTable = Section{
		Header:   []string{"action", "subject", "id", "name", "change", "reasons"},
		Identify: []string{"id", "name"},
		Rows: [][]string{
			{"remove-custom-roles", "member", "8fa35362ab682869a457f373", "dana.sousa.longer-than-most@acme-contractors.io", "custom roles flag-editor experiment-analyst → none", "no-team"},
			{"delete-token", "token", "4d68ac77f27e53a99f4e7851", "release-bot (owner farah.lopez@acme.com)", "", "stale,owner-gone,never-used"},
		},
	}
	resultsTable = Section{
		Header:   []string{"action", "id", "name", "status", "detail"},
		Identify: []string{"id", "name"},
		Rows: [][]string{
			{"remove-member", "8fa35362ab682869a457f373", "dana.sousa.longer-than-most@acme-contractors.io", "changed", "changed since the review: last seen 2026-05-30 (was 2025-01-01)"},
			{"delete-token", "4d68ac77f27e53a99f4e7851", "release-bot", "applied (earlier run)", ""},
		},
	}
)

// TestEveryTableFits: at 80 and 120 columns every table fits, identifying cells are whole or
// cut to no fewer than IdentityWidth characters (MinIdentityWidth at the very least), IDs are
// never cut, and other columns give way first.
func TestEveryTableFits(t *testing.T) {
	for name, s := range map[string]Section{"members": memberTable, "tokens": tokenTable, "plan": planTable, "results": resultsTable} {
		for _, width := range []int{80, 120} {
			t.Run(fmt.Sprintf("%s at %d", name, width), func(t *testing.T) {
				ls := lines(t, s, width)
				for _, l := range ls {
					assert.LessOrEqual(t, runewidth.StringWidth(l), width, "line %q", l)
				}
				cols := header(ls[0])
				for _, id := range s.Identify {
					assert.Contains(t, cols, strings.ToUpper(id), "an identifying column dropped")
				}
				for r, row := range ls[1:] {
					cells := cellsOf(ls[0], row)
					for _, id := range s.Identify {
						got, whole := cells[strings.ToUpper(id)], s.Rows[r][indexOf(s.Header, id)]
						if got == whole {
							continue
						}
						assert.False(t, id == "id", "an ID cut: %q", got)
						assert.GreaterOrEqual(t, runewidth.StringWidth(got), IdentityWidth, "%s cut to %q", id, got)
					}
				}
			})
		}
	}
}

func indexOf(h []string, name string) int {
	for i, x := range h {
		if x == name {
			return i
		}
	}
	return -1
}

// Columns give way in DropOrder, the same in every table: the member table at 80 columns
// loses invite, teams, mfa and name, in that order, before an email is cut below its
// natural width.
func TestColumnsDropInOneOrder(t *testing.T) {
	got := map[int][]string{}
	for _, width := range []int{200, 160, 140, 120, 100, 80} {
		got[width] = header(lines(t, memberTable, width)[0])
	}
	assert.Equal(t, []string{"ID", "EMAIL", "NAME", "ROLE", "TEAMS", "LAST SEEN", "MFA", "INVITE"}, got[200])
	assert.Equal(t, []string{"ID", "EMAIL", "ROLE", "LAST SEEN"}, got[80])
	// Whatever goes, goes in DropOrder: a column kept at a width is kept at every wider one.
	for _, w := range []int{80, 100, 120, 140, 160} {
		for _, c := range got[w] {
			assert.Contains(t, got[w+20+boolInt(w == 160)*20], c, "%s kept at %d, dropped wider", c, w)
		}
	}
	var order []string
	for _, h := range DropOrder {
		if indexOf(memberTable.Header, h) >= 0 && !contains(got[80], strings.ToUpper(h)) {
			order = append(order, h)
		}
	}
	assert.Equal(t, []string{"invite", "teams", "mfa", "name"}, order)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contains(xs []string, x string) bool { return indexOf(xs, x) >= 0 }

// Where nothing else can give way, an identifying cell is cut, to IdentityWidth first, and
// never below MinIdentityWidth: the table is left wider than the terminal instead.
func TestIdentityIsCutLast(t *testing.T) {
	email := "alexandra.konstantinopoulou@contractor.example.org" // 50 columns
	s := Section{Header: []string{"email", "last seen", "status"}, Identify: []string{"email"},
		Rows: [][]string{{email, "2026-05-01", "applied (earlier run)"}}} // 10 and 21 columns, never cut
	for width, want := range map[int]int{120: 50, 80: 45, 60: 25, 55: 20, 50: 15, 40: MinIdentityWidth} {
		ls := lines(t, s, width)
		got := cellsOf(ls[0], ls[1])["EMAIL"]
		assert.Equal(t, want, runewidth.StringWidth(got), "width %d: %q", width, got)
		assert.True(t, strings.HasPrefix(got, "alexandra.k"), got)
	}
	// A column that can go goes before an identifying cell is cut below IdentityWidth.
	s.Header = append([]string{"id"}, s.Header...)
	s.Rows[0] = append([]string{"206dd178f1fab5e314ee6f36"}, s.Rows[0]...)
	ls := lines(t, s, 60)
	assert.Equal(t, []string{"EMAIL", "LAST SEEN", "STATUS"}, header(ls[0]))
	assert.Equal(t, 25, runewidth.StringWidth(cellsOf(ls[0], ls[1])["EMAIL"]))
}

// Out of a terminal (width 0) nothing is cut or dropped.
func TestNoFittingInAPipe(t *testing.T) {
	out := write(t, Table, View{Sections: []Section{memberTable, tokenTable}}, Options{})
	assert.NotContains(t, out, "…")
	assert.Contains(t, out, "alexandra.konstantinopoulou@contractor.example.org")
	assert.Contains(t, out, "INVITE")
}

// A title wider than the terminal wraps at spaces instead of running past it.
func TestTitlesWrap(t *testing.T) {
	s := Section{Title: "Access review of 51 tokens and 3000 members, 2026-06-01 (stale after 90 days): 2046 findings",
		Header: []string{"risk"}, Rows: [][]string{{"high"}}}
	for _, l := range lines(t, s, 80) {
		assert.LessOrEqual(t, runewidth.StringWidth(l), 80, l)
	}
}

// A Below column is never cut: where it fits it stays in the table; where fitting would cut
// or drop it, each of its cells goes whole under its row, wrapped at spaces, and the rest of
// the table fits without it. In a pipe it stays in the table.
func TestBelowColumnsAreNeverCut(t *testing.T) {
	s := resultsTable
	s.Below = []string{"detail"}
	detail := s.Rows[0][4]

	ls := lines(t, s, 200)
	assert.Equal(t, []string{"ACTION", "ID", "NAME", "STATUS", "DETAIL"}, header(ls[0]))
	assert.Len(t, ls, 3, "one line a row")

	for _, width := range []int{120, 80} {
		ls := lines(t, s, width)
		assert.NotContains(t, header(ls[0]), "DETAIL", "at %d", width)
		var under []string
		for _, l := range ls {
			assert.LessOrEqual(t, runewidth.StringWidth(l), width, "line %q", l)
			if strings.HasPrefix(l, "    ") {
				under = append(under, strings.TrimSpace(l))
			}
		}
		assert.Equal(t, detail, strings.Join(under, " "), "at %d: the detail whole, under its row", width)
		assert.True(t, strings.HasPrefix(ls[2], "    "), "at %d: under the first row", width)
		assert.Contains(t, ls[len(ls)-1], "4d68ac77f27e53a99f4e7851", "at %d: no line for an empty detail", width)
	}
	assert.Regexp(t, `changed +`+regexp.QuoteMeta(detail)+`\n`, write(t, Table, View{Sections: []Section{s}}, Options{}), "in a pipe, in the table")
}

// A record's long value wraps on a terminal, under itself, instead of running past its edge.
func TestRecordValuesWrap(t *testing.T) {
	policy := "inline policy: allow updateOn,updateOff on proj/*:env/production:flag/*; deny deleteFlag on proj/*"
	s := Section{Header: []string{"id", "access"}, Rows: [][]string{{"9cec50a2bd2d26fee5f2f5cb", policy}}, Record: true}
	ls := lines(t, s, 60)
	require.Greater(t, len(ls), 2)
	var value []string
	for i, l := range ls {
		assert.LessOrEqual(t, runewidth.StringWidth(l), 60, "line %q", l)
		if i >= 1 {
			assert.True(t, strings.HasPrefix(l, "access:  ") || strings.HasPrefix(l, "         "), "line %q", l)
			value = append(value, strings.TrimSpace(strings.TrimPrefix(l, "access:")))
		}
	}
	assert.Equal(t, policy, strings.Join(value, " "))
	assert.Equal(t, "id:      9cec50a2bd2d26fee5f2f5cb\naccess:  "+policy+"\n", write(t, Table, View{Sections: []Section{s}}, Options{}))
}
