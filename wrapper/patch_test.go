package wrapper

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// RFC 6902: add, replace and test carry a value member, null included; remove carries none.
func TestPatchOperationsOnTheWire(t *testing.T) {
	tests := []struct {
		name string
		op   api.PatchOperation
		want string
	}{
		{"replace with null", Replace("/description", nil), `{"op":"replace","path":"/description","value":null}`},
		{"add with null", Add("/customRoles/-", nil), `{"op":"add","path":"/customRoles/-","value":null}`},
		{"test for null", Test("/description", nil), `{"op":"test","path":"/description","value":null}`},
		{"replace with a string", Replace("/role", "writer"), `{"op":"replace","path":"/role","value":"writer"}`},
		{"add a zero value", Add("/defaultApiVersion", 0), `{"op":"add","path":"/defaultApiVersion","value":0}`},
		{"test for false", Test("/serviceToken", false), `{"op":"test","path":"/serviceToken","value":false}`},
		{"remove", Remove("/description"), `{"op":"remove","path":"/description"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ = io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"_id":"t1"}`)
			})
			_, err := c.PatchToken(t.Context(), "t1", tt.op)
			require.NoError(t, err)
			assert.JSONEq(t, "["+tt.want+"]", string(body))
		})
	}
}

func TestPatchValue(t *testing.T) {
	v, ok := api.PatchOperation{}.Value.Get()
	assert.False(t, ok, "the zero operation has no value")
	assert.Nil(t, v)
	v, ok = Replace("/role", nil).Value.Get()
	assert.True(t, ok, "a nil value is a value: null")
	assert.Nil(t, v)
}
