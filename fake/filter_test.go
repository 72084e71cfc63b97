package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"query:abc", []string{"query:abc"}},
		{"query:abc,role:admin|writer", []string{"query:abc", "role:admin|writer"}},
		{`lastSeen:{"before":1,"x":2},role:admin`, []string{`lastSeen:{"before":1,"x":2}`, "role:admin"}},
		{"a:1,,b:2,", []string{"a:1", "b:2"}},
		{"unbalanced:}},a:1", []string{"unbalanced:}}", "a:1"}},
	}
	for _, tt := range tests {
		got := splitTerms(tt.in)
		if len(tt.want) == 0 {
			assert.Empty(t, got, tt.in)
			continue
		}
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestParseSort(t *testing.T) {
	keys, err := parseSort("-lastSeen, displayName")
	assert.NoError(t, err)
	assert.Equal(t, []sortKey{{byLastSeen: true, desc: true}, {byLastSeen: false, desc: false}}, keys)
	_, err = parseSort("--lastSeen")
	assert.Error(t, err)
	_, err = parseSort("DisplayName")
	assert.Error(t, err, "field names are case-sensitive, as LaunchDarkly's")
}

// FuzzParseFilter: any filter string parses or is refused, never panics, and a parsed filter can
// be applied.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"query:abc,role:admin|writer", `lastSeen:{"before":1608672063611}`, "noteam:true", "team:x,id:a|b", `lastSeen:{"never":true},email:a@b.c`} {
		f.Add(s)
	}
	r := &memberRec{}
	r.index()
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseFilter(s)
		if err == nil {
			flt.match(r)
		}
	})
}

func TestParseLastSeen(t *testing.T) {
	for _, ok := range []string{`{"never":true}`, `{"noData":true}`, `{"before":1608672063611}`, ` {"before":0} `} {
		_, err := parseLastSeen(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{``, `{}`, `{"never":false}`, `{"before":null}`, `{"before":1}{"x":1}`, `{"before":"1"}`, `{"never":true,"before":1}`, `true`} {
		_, err := parseLastSeen(bad)
		assert.Error(t, err, bad)
	}
}
