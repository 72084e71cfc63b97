package wrapper

import "time"

// Time converts one of LaunchDarkly's epoch-millisecond fields (creationDate, lastModified,
// lastUsed, _lastSeen…) to a time.Time. LaunchDarkly writes 0 for "never", so Time(0) is the
// zero time.Time, for which IsZero reports true.
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Millis converts t to Unix epoch milliseconds, LaunchDarkly's time format; the zero
// time.Time becomes 0.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
