package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads a length of time as people write it: "90d", "2w", "36h", "90m" or any other
// Go duration. Days are 24 hours and weeks 7 days. Negative ages are refused.
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			n, err := strconv.ParseFloat(num, 64)
			// Digits and a point only: ParseFloat also reads "NaN", "Inf", "1e3" and "1_0".
			if err != nil || strings.TrimLeft(num, "0123456789.") != "" || n > 100*365 {
				return 0, fmt.Errorf("invalid duration %q: want a number of days like 90d, weeks like 2w, or a Go duration like 36h", s)
			}
			return time.Duration(n * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: want a number of days like 90d, weeks like 2w, or a Go duration like 36h", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	return d, nil
}

// FormatAge prints a duration in the form ParseAge reads: "90d" for whole days.
func FormatAge(d time.Duration) string {
	const day = 24 * time.Hour
	if d > 0 && d%day == 0 {
		return fmt.Sprintf("%dd", d/day)
	}
	return d.String()
}

// Age is a duration written in JSON as ParseAge reads it ("180d"), for policies and plans.
type Age time.Duration

// MarshalJSON writes the age as FormatAge does.
func (a Age) MarshalJSON() ([]byte, error) { return json.Marshal(FormatAge(time.Duration(a))) }

// UnmarshalJSON reads "180d", "2w", "36h".
func (a *Age) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`want an age such as "180d": %w`, err)
	}
	d, err := ParseAge(s)
	if err != nil {
		return err
	}
	*a = Age(d)
	return nil
}
