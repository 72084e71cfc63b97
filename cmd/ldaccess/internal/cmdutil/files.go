package cmdutil

import (
	"errors"
	"io/fs"

	"github.com/ldaccess/ldaccess/internal/safefile"
)

// MaxInput is the most a file a command reads (a plan, a policy, a list of addresses, an
// inline policy) may hold: more than any of them ever needs, and a bound on what a file
// planted in their place can make a command read.
const MaxInput = 256 << 20

// ReadFile reads a file the user named, by the one rule for every file a command reads
// (safefile.ReadFile): a regular file, of at most MaxInput bytes. A FIFO or a device at the
// path is refused at once, never waited on or read without end.
func ReadFile(path string) ([]byte, error) {
	return safefile.ReadFile(path, MaxInput)
}

// FileError is what went wrong with a file, without the system call's name ("open …") and
// path, which the message around it gives.
func FileError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
