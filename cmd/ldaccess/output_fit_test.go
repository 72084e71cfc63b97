package main

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func renderedLines(t *testing.T, s section, width int) []string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, renderTable(&b, []section{s}, width))
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

func TestTablesFitTheTerminal(t *testing.T) {
	s := section{
		Header: []string{"id", "email", "name", "findings"},
		Rows: [][]string{
			{"3e9dadefee59ae65eded8457", "a.very.long.address@contractor.example.org", "Ada Lovelace-Byron", "never-logged-in,no-team"},
			{"b4276c6ae5a6a709a6bfe49f", "bo@acme.io", "Bo", "inactive"},
		},
		Keep: []string{"id", "findings"},
		Drop: []string{"name"},
	}
	tests := []struct {
		name      string
		width     int
		wantCols  []string
		wantCut   bool
		wantWhole []string // cells that must appear uncut
	}{
		{name: "not a terminal: nothing cut", width: 0, wantCols: []string{"ID", "EMAIL", "NAME", "FINDINGS"},
			wantWhole: []string{"a.very.long.address@contractor.example.org", "Ada Lovelace-Byron"}},
		{name: "wide enough", width: 200, wantCols: []string{"ID", "EMAIL", "NAME", "FINDINGS"}},
		{name: "a little narrow: cells cut, columns kept", width: 100, wantCols: []string{"ID", "EMAIL", "NAME", "FINDINGS"}, wantCut: true},
		{name: "narrow: the low-value column goes first", width: 80, wantCols: []string{"ID", "EMAIL", "FINDINGS"}, wantCut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := renderedLines(t, s, tt.width)
			require.Len(t, lines, 3)
			assert.Equal(t, tt.wantCols, strings.Fields(lines[0]))
			for _, l := range lines {
				if tt.width > 0 {
					assert.LessOrEqual(t, runewidth.StringWidth(l), tt.width, "line %q", l)
				}
				// IDs and findings are never cut.
				assert.NotContains(t, strings.Fields(l)[0], "…")
			}
			assert.Contains(t, lines[1], "3e9dadefee59ae65eded8457")
			assert.Contains(t, lines[1], "never-logged-in,no-team")
			assert.Equal(t, tt.wantCut, strings.Contains(strings.Join(lines, "\n"), "…"))
			for _, w := range tt.wantWhole {
				assert.Contains(t, strings.Join(lines, "\n"), w)
			}
		})
	}
}

func TestTablesAlignWideCharacters(t *testing.T) {
	s := section{
		Header: []string{"name", "role"},
		Rows:   [][]string{{"山田太郎", "admin"}, {"Zoë 🚀", "reader"}, {"Bob", "writer"}},
	}
	for _, width := range []int{0, 80} {
		lines := renderedLines(t, s, width)
		// The second column starts at the same display column on every line.
		col := -1
		for _, l := range lines {
			f := strings.Fields(l)
			last := f[len(f)-1]
			at := runewidth.StringWidth(strings.TrimSuffix(l, last))
			if col < 0 {
				col = at
			}
			assert.Equal(t, col, at, "width %d, line %q", width, l)
		}
	}
	// Cutting measures display width too: a CJK name cut to 5 columns keeps two characters.
	lines := renderedLines(t, section{
		Header: []string{"id", "name"}, Keep: []string{"id"},
		Rows: [][]string{{strings.Repeat("x", 20), strings.Repeat("山", 20)}},
	}, 20+columnGap+softMinWidth)
	assert.Equal(t, strings.Repeat("x", 20)+"  "+strings.Repeat("山", 4)+"…", lines[1])
}

func TestWideAndTerminalDetection(t *testing.T) {
	srv := newFake(t, 30, 5)
	run := func(wide bool) string {
		var out, errb strings.Builder
		env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format("2006-01-02T15:04:05Z07:00")}
		a := newApp(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
		a.isTerminal = func(s any) bool { return s == any(&out) }
		a.termWidth = func(any) int { return 60 }
		args := []string{"--base-url", srv.URL, "members", "list"}
		if wide {
			args = append(args, "--wide")
		}
		require.Equal(t, exitOK, a.run(args), errb.String())
		return out.String()
	}
	for _, l := range strings.Split(strings.TrimSpace(run(false)), "\n") {
		assert.LessOrEqual(t, runewidth.StringWidth(l), 60, l)
	}
	wide := run(true)
	assert.NotContains(t, wide, "…")
	assert.Contains(t, wide, "INVITE")
}

func TestSelectFields(t *testing.T) {
	type row struct {
		A string `json:"a"`
		B int    `json:"b"`
		C string `json:"c"`
	}
	got, err := selectFields([]row{{"<x>", 12345678901234567, "z"}}, []string{"b", "a"})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, renderWith(&b, formatJSON, view{JSON: []row{{"<x>", 12345678901234567, "z"}}}, renderOptions{Fields: []string{"b", "a"}}))
	assert.Equal(t, "[\n  {\n    \"b\": 12345678901234567,\n    \"a\": \"<x>\"\n  }\n]\n", b.String())
	assert.Len(t, got, 1)

	_, err = selectFields(row{}, []string{"d"})
	var ue *usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `no field "d" here; the fields are a, b, c`)

	_, err = selectFields("scalar", []string{"a"})
	require.ErrorAs(t, err, &ue)

	// An empty list has nothing to check the names against.
	got, err = selectFields([]row{}, []string{"anything"})
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestProgressOfSeveralAccounts: concurrent reviews share one progress line, each account's
// progress beside the others', in the order they started.
func TestProgressOfSeveralAccounts(t *testing.T) {
	var b strings.Builder
	s := &statusWriter{w: &b, tty: true}
	s.setAccountProgress("prod", "members", 10, 50, true)
	s.setAccountProgress("eu", "members", 3, 0, true)
	s.setAccountProgress("prod", "tokens", 2, 0, true)
	lines := strings.Split(b.String(), "\r\x1b[K")
	assert.Equal(t, []string{"prod: members 10/50", "prod: members 10/50 · eu: members 3", "prod: tokens 2 · eu: members 3"}, lines)
}
