//go:build unix

package safefile_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/safefile"
)

func TestOpenRefusesAFIFOWithoutWaiting(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	// Opening a FIFO for reading would wait for a writer without O_NONBLOCK.
	_, err := safefile.Open(fifo, os.O_RDONLY)
	assert.ErrorIs(t, err, safefile.ErrNotOurs)
	assert.ErrorContains(t, err, "FIFO")
}

// A FIFO or a device planted where ldaccess reads a file (a plan, a policy, a review) is
// refused at once: never waited on for a writer, never read without end.
func TestReadFileNeverWaitsOnAFIFOOrADevice(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plan.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	_, err := safefile.ReadFile(fifo, 1<<20)
	assert.ErrorIs(t, err, safefile.ErrNotAFile)
	assert.ErrorContains(t, err, "FIFO")

	zero := filepath.Join(dir, "zero.json")
	require.NoError(t, os.Symlink("/dev/zero", zero))
	_, err = safefile.ReadFile(zero, 1<<20)
	assert.ErrorIs(t, err, safefile.ErrNotAFile)
	assert.ErrorContains(t, err, "device")
}

// A file with another name (a hard link planted at the path, to a file of the user's
// elsewhere) is not opened for writing: what would be written through it would land in that
// other file. Reading it writes nothing.
func TestOpenForWritingRefusesAFileWithAnotherName(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "empty-but-precious")
	require.NoError(t, os.WriteFile(victim, nil, 0o600))
	link := filepath.Join(t.TempDir(), "plan.json.journal")
	require.NoError(t, os.Link(victim, link))
	_, err := safefile.Open(link, os.O_RDWR)
	assert.ErrorIs(t, err, safefile.ErrNotOurs)
	assert.ErrorContains(t, err, "another name")
	_, _, err = safefile.OpenOrCreate(link)
	assert.ErrorIs(t, err, safefile.ErrNotOurs)
	f, err := safefile.Open(link, os.O_RDONLY)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
