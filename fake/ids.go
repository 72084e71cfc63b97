package fake

import (
	"crypto/rand"
	"fmt"
	"time"
)

// idSource makes the IDs of resources created through the API. Seeded resources bring their
// own. IDs look like LaunchDarkly's (24 hex digits, a MongoDB ObjectId): the clock's seconds, a
// fixed marker and a counter, so that the same clock and the same requests give the same IDs.
// Seeded IDs are random 96-bit values; one matching this pattern is as likely as a guessed one.
type idSource struct {
	seq uint64
}

// idMarker is the middle of every ID the fake makes.
const idMarker = 0xfa4e00

// next returns a new 24-hex-digit ID: seconds since the epoch, the prefix, a counter.
func (s *idSource) next(now time.Time) string {
	s.seq++
	return fmt.Sprintf("%08x%06x%010x", uint32(now.Unix()), idMarker, s.seq&0xffffffffff)
}

// newSecret returns a fresh access token secret, "api-" and a random (version 4) UUID.
func newSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return secretFromBytes(b)
}

// secretFromBytes formats 16 bytes as "api-" and a version 4 UUID.
func secretFromBytes(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("api-%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// shownSecretMin is the shortest secret whose last four characters reads show: shorter, the
// four would give away too much of it (Options.AdminSecret and an Account's secrets may be
// short; LaunchDarkly's are 40 characters).
const shownSecretMin = 16

// obfuscate is what reads show of a secret: its last four characters, or nothing of a secret
// shorter than shownSecretMin.
func obfuscate(secret string) string {
	if len(secret) < shownSecretMin {
		return ""
	}
	return secret[len(secret)-4:]
}
