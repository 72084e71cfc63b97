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
	assert.ErrorContains(t, err, "not a regular file")
}
