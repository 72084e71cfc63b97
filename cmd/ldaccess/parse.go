package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/review"
)

// ageFlag is a pflag.Value for durations that accepts days and weeks (see review.ParseAge).
type ageFlag time.Duration

func (a *ageFlag) String() string { return review.FormatAge(time.Duration(*a)) }
func (a *ageFlag) Type() string   { return "duration" }
func (a *ageFlag) Set(s string) error {
	d, err := review.ParseAge(s)
	if err != nil {
		return err
	}
	*a = ageFlag(d)
	return nil
}

// parseWhen reads a point in time: a date ("2025-01-31"), an RFC 3339 time, or an age ("90d")
// meaning that long before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := review.ParseAge(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid time %q: want a date like 2025-01-31, an RFC 3339 time, or an age like 90d", s)
}

// splitList turns repeated and comma-separated flag values into one list without blanks.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
