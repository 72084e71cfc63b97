// Package safefile is the one way ldaccess opens the files it writes: plans, journals and any
// file that holds a secret. Every function here keeps the same four rules:
//
//   - no symbolic link is followed: a link at the path, dangling or not, is refused (or, when a
//     file is replaced, replaced itself), so a planted link cannot make ldaccess write a file
//     it points to;
//   - a file that is not ours is never written: only a regular file the current user owns is
//     opened (for writing, only one with no other name: a hard link planted at the path would
//     be written through), and the caller says what "ours" looks like ([WriteFile]'s check, a
//     journal's header);
//   - a new file is readable and writable by its owner only (0600) from its first byte;
//   - the directory of a new file is synced, so that a crash cannot lose the file whole.
//
// Reading is not writing: [Open] with [os.O_RDONLY] takes no lock and changes nothing. The
// files ldaccess only reads (a plan to apply, a policy, a review to compare) are read with
// [ReadFile]: a regular file, through a link or not, and of bounded size, so that nothing
// planted at a path (a FIFO, /dev/zero) can make a command wait or read without end.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ErrNotOurs is the error of a path that holds something ldaccess must not write: a symbolic
// link, something other than a regular file, a file of another user, or one the caller's check
// refuses.
var ErrNotOurs = errors.New("not a file ldaccess may write")

// ErrNotAFile is the error of reading what is not a regular file: a FIFO, a device, a
// directory, a socket.
var ErrNotAFile = errors.New("not a regular file")

// ErrTooLarge is the error of reading more than the reader takes.
var ErrTooLarge = errors.New("larger than any file ldaccess reads")

// maxOurs is the most WriteFile reads of a file to decide whether it is ours.
const maxOurs = 256 << 20

// Perm is the permission of every file this package creates.
const Perm fs.FileMode = 0o600

// Create creates a new file at path for reading and writing. Anything already at path, a
// dangling symbolic link included, is an error. The file is 0600 from its first byte and its
// directory is synced.
func Create(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow, Perm)
	if err != nil {
		return nil, explain(path, err)
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Open opens the existing regular file at path, with flag os.O_RDONLY or os.O_RDWR (O_APPEND
// may be added; O_CREATE and O_TRUNC may not). A symbolic link, a directory, a device, a FIFO
// or a file another user owns is refused with [ErrNotOurs]; so is, for writing, a file with
// another name (a hard link), whose other name would be written through.
func Open(path string, flag int) (*os.File, error) {
	if flag&(os.O_CREATE|os.O_TRUNC) != 0 {
		return nil, fmt.Errorf("safefile.Open %s: O_CREATE and O_TRUNC are not for Open", path)
	}
	if err := notALink(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|noFollow|nonBlock, 0)
	if err != nil {
		return nil, explain(path, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkOurs(path, fi)
	}
	if err == nil && flag&(os.O_WRONLY|os.O_RDWR) != 0 && otherNames(fi) {
		err = fmt.Errorf("%s: %w: the file has another name (a hard link), which writing to it would change too", path, ErrNotOurs)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// OpenOrCreate opens the file at path for reading and writing as [Open] does, or creates it as
// [Create] does if nothing is there; created says which.
func OpenOrCreate(path string) (f *os.File, created bool, err error) {
	f, err = Open(path, os.O_RDWR)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, false, err
	}
	f, err = Create(path)
	if errors.Is(err, fs.ErrExist) {
		// Something appeared since: open it, by the same rules.
		f, err = Open(path, os.O_RDWR)
		return f, false, err
	}
	return f, err == nil, err
}

// WriteFile replaces the file at path with data, or creates it, whole or not at all: data goes
// to a new 0600 file in the same directory, which is synced and then renamed over path, and the
// directory is synced. A rename replaces what is at path and never writes through it.
//
// What is at path now must be ours: a regular file of the current user that ours (if not nil)
// accepts, given its content. A symbolic link, another user's file or one ours refuses is left
// untouched and reported with [ErrNotOurs].
func WriteFile(path string, data []byte, ours func(old []byte) error) error {
	if err := checkReplaceable(path, ours); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	// CreateTemp makes the file 0600 and with O_EXCL, so nothing planted is written through.
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// checkReplaceable reports whether path may be replaced: nothing is there, or a file of ours.
func checkReplaceable(path string, ours func([]byte) error) error {
	f, err := Open(path, os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if ours == nil {
		return nil
	}
	old, err := ReadAll(f, maxOurs)
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%s: %w: %w; left as it is", path, ErrNotOurs, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := ours(old); err != nil {
		return fmt.Errorf("%s: %w: %v; left as it is", path, ErrNotOurs, err)
	}
	return nil
}

// ReadFile reads the regular file at path, following a symbolic link (reading through one
// writes nothing), if it holds at most max bytes. Anything else is refused before it is read:
// a FIFO, which would make the read wait for a writer, and a device, which may never end, with
// [ErrNotAFile]; a larger file with [ErrTooLarge]. The open itself never waits, so that a FIFO
// swapped in after the check is refused too. Errors are *fs.PathError, as os.ReadFile's are.
func ReadFile(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		pe.Op = "open" // as the user sees it: the file could not be opened
	}
	if err != nil {
		return nil, err
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	data, err := ReadAll(f, max)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return data, nil
}

// regular refuses what is not a regular file, naming what it is.
func regular(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: it is %s", ErrNotAFile, kind(fi.Mode()))}
}

// kind names what a file of mode m is, for errors.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file (" + m.Type().String() + ")"
}

// ReadAll reads r to its end, if it ends within max bytes; past them it stops with
// [ErrTooLarge] rather than read on (or return what it has as if it were all).
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	tooLarge := fmt.Errorf("%w (more than %s)", ErrTooLarge, size(max))
	if f, ok := r.(*os.File); ok && remaining(f) > max {
		return nil, tooLarge // its size says so: not read at all
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, tooLarge
	}
	return data, nil
}

// remaining is how many bytes of the regular file f are left to read, 0 if that cannot be told.
func remaining(f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	return fi.Size() - off
}

// size says n bytes in MiB when it is a whole number of them.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Move moves the regular file of the current user at oldpath to newpath, never replacing
// anything: a file or a link already at newpath is an error, as is a symbolic link (or
// anything not ours) at oldpath. It links the file at its new name, which fails where a name is
// taken, then removes the old name, and syncs the directories. A crash in between leaves the
// file under both names, never under none.
func Move(oldpath, newpath string) error {
	if err := notALink(oldpath); err != nil {
		return err
	}
	fi, err := os.Lstat(oldpath)
	if err != nil {
		return err
	}
	if err := checkOurs(oldpath, fi); err != nil {
		return err
	}
	if err := os.Link(oldpath, newpath); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(newpath)); err != nil {
		return err
	}
	if err := os.Remove(oldpath); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(oldpath))
}

// notALink refuses a symbolic link at path. O_NOFOLLOW does the same where the system has it;
// this says so in words, and covers the systems without it.
func notALink(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return explain(path, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s: %w: it is a symbolic link, which ldaccess does not follow", path, ErrNotOurs)
	}
	return nil
}

// checkOurs refuses what is not a regular file of the current user.
func checkOurs(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: it is %s", path, ErrNotOurs, kind(fi.Mode()))
	}
	if !ownedByMe(fi) {
		return fmt.Errorf("%s: %w: another user owns it", path, ErrNotOurs)
	}
	return nil
}

// explain turns the error of following a link (ELOOP under O_NOFOLLOW) into words.
func explain(path string, err error) error {
	if isLoop(err) {
		return fmt.Errorf("%s: %w: it is a symbolic link, which ldaccess does not follow", path, ErrNotOurs)
	}
	return err
}

// SyncDir flushes a directory's entries to disk, so that a file just created or renamed there
// survives a crash. Windows cannot open a directory for that, and its file system records a
// new file's entry with the file.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
