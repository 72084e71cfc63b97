// Package procstat reads what the system measured of a finished child process, for the
// benchmarks that run ldaccess as a separate process and report its peak memory.
package procstat

import "os"

// MaxRSS is the largest resident set size, in bytes, that the finished process ever had (its
// getrusage ru_maxrss), and whether the system reports one.
func MaxRSS(ps *os.ProcessState) (int64, bool) {
	if ps == nil {
		return 0, false
	}
	return maxRSS(ps)
}
