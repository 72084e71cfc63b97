package tokenshape

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const token = "api-5f0b3c1e-7a2d-4b86-9e4f-c3d8a1b6e207"

func TestIn(t *testing.T) {
	for _, s := range []string{token, "API-5F0B3C1E-7A2D-4B86-9E4F-C3D8A1B6E207", "echo " + token, "LD_TOKEN=" + token + "\n",
		"api-5f0b3c1e-\u200b7a2d-4b86-9e4f-c3d8a1b6e207", "https://x.example/?t=" + token} {
		assert.True(t, In(s), "%q", s)
	}
	for _, s := range []string{"", "LD_PROD_TOKEN", "op read op://ops/launchdarkly/token", "https://app.launchdarkly.com",
		"5f0b3c1e-7a2d-4b86-9e4f-c3d8a1b6e207", "api-1234", "sdk-5f0b3c1e-7a2d-4b86-9e4f-c3d8a1b6e20", "20240415"} {
		assert.False(t, In(s), "%q", s)
	}
}

func TestRedact(t *testing.T) {
	assert.Equal(t, "profile [REDACTED] not found", Redact("profile "+token+" not found"))
	assert.Equal(t, "a [REDACTED] b", Redact("a api-5f0b3c1e-\u200b7a2d-4b86-9e4f-c3d8a1b6e207 b"))
	assert.Equal(t, "nothing here", Redact("nothing here"))
}
