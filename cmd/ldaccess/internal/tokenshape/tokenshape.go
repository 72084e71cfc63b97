// Package tokenshape recognises LaunchDarkly's access tokens by their shape, "api-" and a UUID,
// wherever one does not belong: pasted as a profile's setting, or about to be printed on
// stderr or given to a child's environment without the command knowing it is a token. The
// shape alone is conservative: a UUID without the prefix (an ID in a URL) is not a token.
package tokenshape

import (
	"regexp"
	"strings"

	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// pattern is an access token: "api-" and a UUID, in either case.
var pattern = regexp.MustCompile(`(?i)api-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// Redacted replaces a token in what Redact returns.
const Redacted = "[REDACTED]"

// In reports whether s holds something shaped like an access token, also when characters
// that show as nothing (zero-width, bidirectional, control) are slipped into it.
func In(s string) bool { return pattern.MatchString(visible(s)) }

// Redact replaces every token-shaped run of s with [REDACTED]. A token split by characters
// that show as nothing is redacted with them.
func Redact(s string) string {
	if pattern.MatchString(s) {
		s = pattern.ReplaceAllString(s, Redacted)
	}
	if !In(s) {
		return s
	}
	return pattern.ReplaceAllString(visible(s), Redacted) // rare: only then are they dropped
}

// visible is s without the characters that show as nothing.
func visible(s string) string {
	return strings.Map(func(r rune) rune {
		if textsafe.Harmful(r) {
			return -1
		}
		return r
	}, s)
}
