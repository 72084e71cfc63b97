package render

import "time"

// Times come from LaunchDarkly as Unix epoch milliseconds, 0 or absent for never.

// Day prints a time for tables: "2025-03-14", or "never".
func Day(ms int64) string {
	if ms <= 0 {
		return "never"
	}
	return time.UnixMilli(ms).UTC().Format(time.DateOnly)
}

// Stamp prints a time for CSV: RFC 3339 in UTC, or empty for never.
func Stamp(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// JSONTime is a time for JSON output: RFC 3339 in UTC, or null for never.
func JSONTime(ms int64) *string {
	if ms <= 0 {
		return nil
	}
	s := Stamp(ms)
	return &s
}

// TimeCell is Stamp for CSV, Day otherwise.
func TimeCell(format Format, ms int64) string {
	if format == CSV {
		return Stamp(ms)
	}
	return Day(ms)
}
