package wrapper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ldaccess/ldaccess/wrapper"
)

func TestRedact(t *testing.T) {
	const secret = "api-8c1f4e2a-9b7d-4c3e-a6f5-d2b9e7c4a1f8"
	tests := []struct {
		name, in, want string
	}{
		{"whole", "bad token " + secret + "!", "bad token [REDACTED]!"},
		{"a run of 8", "prefix api-8c1f4 and 4e2a-9b7d", "prefix [REDACTED] and [REDACTED]"},
		{"7 characters are not a run", "api-8c1 / a6f5-d2", "api-8c1 / a6f5-d2"},
		{"split by NUL", "api-8c1\x00f4e2a-9b", "[REDACTED]"},
		{"split by an escape", "api-8c1\x1bf4e2a-9b!", "[REDACTED]!"},
		{"split by zero-width spaces", "x api-8c1\u200bf4e2a\u200b-9b7d y", "x [REDACTED] y"},
		{"split by soft hyphens", "4e2a\u00ad-9b7\u00add-4c3e", "[REDACTED]"},
		{"split by a visible character", "api-8c1.f4e2a-9", "api-8c1.f4e2a-9"},
		{"split by a space", "api-8c1 f4e2a-9", "api-8c1 f4e2a-9"},
		{"invalid UTF-8 around", "\xffapi-8c1f4e2\xfe", "\xff[REDACTED]\xfe"},
		{"non-ASCII neighbours", "é" + secret[:10] + "ü", "é[REDACTED]ü"},
		{"split by JSON escapes of zero-width spaces", `"x api-\u200b8c1f\u200b4e2a\u200b-9b7d y"`, `"x [REDACTED] y"`},
		{"split by JSON escapes of controls", `api-8c1\nf4e\t2a\u001b-9b\ud83d`, `[REDACTED]\ud83d`},
		{"split by a JSON escape of a visible character", `api-8c1\u0041f4e2a-`, `api-8c1\u0041f4e2a-`},
		{"a backslash before the end", `api-8c1f\`, `[REDACTED]\`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wrapper.Redact(tt.in, secret))
		})
	}
	assert.Equal(t, "text", wrapper.Redact("text", ""), "an empty secret redacts nothing")
}
