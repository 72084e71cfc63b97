//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package review

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on the journal for as long as it is open, so that two
// applies of one plan cannot interleave; the system drops it if the process dies.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errJournalBusy
	}
	return err
}
