package render

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

func write(t *testing.T, format Format, v View, o Options) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, Write(&b, format, v, o))
	return b.String()
}

func TestFormats(t *testing.T) {
	v := View{
		JSON: []map[string]string{{"id": "1"}},
		Sections: []Section{
			{Title: "First", Header: []string{"id", "last seen"}, Rows: [][]string{{"1", "x,y"}, {"22", ""}}},
			{Title: "Second", Header: []string{"n"}, Rows: nil, Empty: "nothing"},
		},
	}
	assert.Equal(t, "First\nID  LAST SEEN\n1   x,y\n22  -\n\nSecond\nnothing\n", write(t, Table, v, Options{}), "table")
	assert.Equal(t, "id,last_seen\n1,\"x,y\"\n22,\n\nn\n", write(t, CSV, v, Options{}), "csv")
	var back []map[string]string
	require.NoError(t, json.Unmarshal([]byte(write(t, JSON, v, Options{})), &back))
	assert.Equal(t, "1", back[0]["id"])
	var b strings.Builder
	assert.Equal(t, clierr.ExitUsage, clierr.Code(Write(&b, HTML, v, Options{})), "html is audit's")
}

func TestRecordAndText(t *testing.T) {
	v := View{Sections: []Section{{Header: []string{"id", "name"}, Rows: [][]string{{"1", "a\tb\nc"}}, Record: true}}}
	assert.Equal(t, "id:    1\nname:  a b c\n", write(t, Table, v, Options{}), "record")
	v.Text = "done"
	assert.Equal(t, "done\n", write(t, Table, v, Options{}), "text")
}

// Every cell of a table or CSV goes through the one cleaning step: a server's escape
// sequences, format characters and control characters never reach the terminal.
func TestEveryCellIsCleaned(t *testing.T) {
	hostile := "a\x1b[31mb\x00c\u202ed\u200be"
	v := View{Sections: []Section{{Title: "t " + hostile, Header: []string{"name"}, Rows: [][]string{{hostile}}}}}
	for _, format := range []Format{Table, CSV} {
		out := write(t, format, v, Options{Width: 80})
		assert.NotContains(t, out, "\x1b", format)
		assert.NotContains(t, out, "\u202e", format)
		assert.NotContains(t, out, "\u200b", format)
		assert.NotContains(t, out, "\x00", format)
		assert.Contains(t, out, "a[31mbcde", format)
	}
}

func TestTimes(t *testing.T) {
	ms := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC).UnixMilli()
	assert.Equal(t, "2025-03-14", Day(ms))
	assert.Equal(t, "never", Day(0))
	assert.Equal(t, "2025-03-14T15:09:26Z", Stamp(ms))
	assert.Empty(t, Stamp(0))
	assert.Nil(t, JSONTime(0))
	require.NotNil(t, JSONTime(ms))
	assert.Equal(t, "2025-03-14T15:09:26Z", *JSONTime(ms))
	assert.Equal(t, Stamp(ms), TimeCell(CSV, ms))
	assert.Equal(t, Day(ms), TimeCell(Table, ms))
}

func TestSelectFields(t *testing.T) {
	type row struct {
		A string `json:"a"`
		B int    `json:"b"`
		C string `json:"c"`
	}
	out := write(t, JSON, View{JSON: []row{{"<x>", 12345678901234567, "z"}}}, Options{Fields: []string{"b", "a"}})
	assert.Equal(t, "[\n  {\n    \"b\": 12345678901234567,\n    \"a\": \"<x>\"\n  }\n]\n", out)

	_, err := SelectFields(row{}, []string{"d"})
	var ue *clierr.UsageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `no field "d" here; the fields are a, b, c`)
	_, err = SelectFields("scalar", []string{"a"})
	require.ErrorAs(t, err, &ue)
	got, err := SelectFields([]row{}, []string{"anything"})
	require.NoError(t, err, "an empty list has nothing to check the names against")
	assert.Empty(t, got)
}

func TestTablesAlignWideCharacters(t *testing.T) {
	s := Section{Header: []string{"name", "role"}, Rows: [][]string{{"山田太郎", "admin"}, {"Zoë 🚀", "reader"}, {"Bob", "writer"}}}
	for _, width := range []int{0, 80} {
		lines := lines(t, s, width)
		col := -1
		for _, l := range lines {
			f := strings.Fields(l)
			at := runewidth.StringWidth(strings.TrimSuffix(l, f[len(f)-1]))
			if col < 0 {
				col = at
			}
			assert.Equal(t, col, at, "width %d, line %q", width, l)
		}
	}
}

// TestStreamedJSONIsEscapedToo: JSON a view writes itself, a piece at a time, has its
// harmful characters escaped as marshalled JSON has.
func TestStreamedJSONIsEscapedToo(t *testing.T) {
	v := View{WriteJSON: func(w io.Writer) error {
		_, err := io.WriteString(w, "{\"name\": \"ci\u202egnp.exe\u0085\"}\n")
		return err
	}}
	out := write(t, JSON, v, Options{})
	assert.NotContains(t, out, "\u202e")
	assert.Contains(t, out, `ci\u202egnp.exe\u0085`)
	var back map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &back))
	assert.Equal(t, "ci\u202egnp.exe\u0085", back["name"], "the same JSON value")
}
