package yamljson_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/yamljson"
)

func TestConvertKeepsEveryValueOnItsLine(t *testing.T) {
	in := `# a policy
rules:
  - finding: stale
    action: delete-token
  - {finding: inactive, olderThan: 180d, action: remove-member}
  - finding: no-team
    action: set-role
    role: writer
never: [a@x.io, 42, true, null]
note: |
  two
  lines
last: 1.5
`
	out, err := yamljson.Convert([]byte(in))
	require.NoError(t, err)
	var got, want any
	require.NoError(t, json.Unmarshal(out, &got))
	require.NoError(t, json.Unmarshal([]byte(`{"rules":[{"finding":"stale","action":"delete-token"},
		{"finding":"inactive","olderThan":"180d","action":"remove-member"},
		{"finding":"no-team","action":"set-role","role":"writer"}],
		"never":["a@x.io",42,true,null],"note":"two\nlines\n","last":1.5}`), &want))
	assert.Equal(t, want, got)

	inLines, outLines := strings.Split(in, "\n"), strings.Split(string(out), "\n")
	for i, l := range inLines {
		for _, word := range []string{"stale", "writer", "inactive", "42"} {
			if strings.Contains(l, word) {
				require.Greater(t, len(outLines), i)
				assert.Contains(t, outLines[i], word, "line %d", i+1)
				if word == "42" {
					continue // in a flow sequence after unquoted strings: the line only
				}
				at := strings.Index(outLines[i], word)
				if outLines[i][at-1] == '"' {
					at-- // the value starts with its quote
				}
				assert.Equal(t, strings.Index(l, word), at, "column of %q on line %d", word, i+1)
			}
		}
	}
}

func TestConvertRefuses(t *testing.T) {
	for _, tt := range []struct{ name, in, msg string }{
		{"bad YAML", "rules:\n  - a: b\n c: d\n", ""},
		{"two documents", "a: 1\n---\nb: 2\n", "more than one YAML document"},
		{"infinity", "a: .inf\n", "cannot be a JSON value"},
		{"a mapping as a key", "? {a: 1}\n: x\n", "plain value"},
		{"an alias that holds itself", "a: &a [*a]\n", "too deep"},
		{"a billion laughs", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
			"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
			"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n", "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := yamljson.Convert([]byte(tt.in))
			require.Error(t, err)
			var se *yamljson.SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Msg, tt.msg)
		})
	}
	// A few aliases of a long string stand for far more text than the file holds: each alias
	// counts as one value, but writes the whole string again.
	long := strings.Repeat("x", 100<<10)
	sixteen := func(alias string) string { return "[" + strings.Repeat(alias+", ", 15) + alias + "]" }
	_, err := yamljson.Convert([]byte("a: &a " + long + "\nb: &b " + sixteen("*a") + "\nc: " + sixteen("*b") + "\n"))
	var se *yamljson.SyntaxError
	require.ErrorAs(t, err, &se, "25 MiB of JSON from a 100 KiB file")
	assert.Contains(t, se.Msg, "too large")

	out, err := yamljson.Convert(nil)
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}
