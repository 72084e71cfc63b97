// Package procstat measures the peak memory of a child process, for the benchmarks that run
// ldaccess as a separate process and report what it needed.
package procstat

import (
	"os"
	"os/exec"
	"runtime/debug"
)

// Run runs cmd and returns the largest resident set size, in bytes, it ever had (its
// getrusage ru_maxrss), and whether the system reports one.
//
// On Linux a child that os/exec starts (with vfork) carries its parent's high-water mark into
// the program it executes: measured naively, every child would seem at least as large as the
// benchmark that starts it has ever been. Run therefore first hands the parent's free memory
// back to the system and resets the parent's mark (writing 5 to /proc/self/clear_refs): what
// it reports is the child's own peak, or the parent's present, small, resident set if that
// is larger.
func Run(cmd *exec.Cmd) (int64, bool, error) {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // where there is none, nothing to reset
	if err := cmd.Run(); err != nil {
		return 0, false, err
	}
	rss, ok := MaxRSS(cmd.ProcessState)
	return rss, ok, nil
}

// MaxRSS is the largest resident set size, in bytes, that the finished process ever had (its
// getrusage ru_maxrss; see Run for what it includes), and whether the system reports one.
func MaxRSS(ps *os.ProcessState) (int64, bool) {
	if ps == nil {
		return 0, false
	}
	return maxRSS(ps)
}
