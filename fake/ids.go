package fake

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// idSource makes the IDs of resources created through the API. Seeded resources bring their
// own. IDs look like LaunchDarkly's (24 hex digits, a MongoDB ObjectId); a random per-handler
// prefix keeps them from colliding with seeded ones.
type idSource struct {
	prefix uint32
	seq    uint64
}

func newIDSource() idSource {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return idSource{prefix: binary.BigEndian.Uint32(b[:]) & 0xffffff}
}

// next returns a new 24-hex-digit ID: seconds since the epoch, the prefix, a counter.
func (s *idSource) next(now time.Time) string {
	s.seq++
	return fmt.Sprintf("%08x%06x%010x", uint32(now.Unix()), s.prefix, s.seq&0xffffffffff)
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

// obfuscate is what reads show of a secret: its last four characters.
func obfuscate(secret string) string {
	if len(secret) <= 4 {
		return secret
	}
	return secret[len(secret)-4:]
}
