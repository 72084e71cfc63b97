package textsafe_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// JSON keeps every value as the server sent it, with the characters that would act on a
// terminal written as escapes.
func TestEscapeJSON(t *testing.T) {
	in := map[string]string{"name": "evil\u202egpj.exe \u009b31m zero\u200bwidth \U000e0041 \x1b[2J é 😀 \ufffd"}
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	out := textsafe.EscapeJSON(raw)
	for _, r := range string(out) {
		require.False(t, textsafe.Harmful(r), "%U left in %s", r, out)
	}
	assert.Contains(t, string(out), `evil\u202egpj.exe \u009b31m zero\u200bwidth \udb40\udc41 \u001b[2J é 😀 \ufffd`)
	var back map[string]string
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, in, back, "the value changed")
	plain := []byte(`{"a":"b"}`)
	assert.Equal(t, plain, textsafe.EscapeJSON(plain))
}
