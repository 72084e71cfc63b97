package procstat_test

import (
	"os"
	"os/exec"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/procstat"
)

// TestRunMeasuresTheChildAlone: a child that touches 64 MiB is measured above it; a child
// that touches nothing is measured far below what its parent once held.
func TestRunMeasuresTheChildAlone(t *testing.T) {
	switch os.Getenv("PROCSTAT_CHILD") {
	case "small":
		return
	case "big":
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = 1
		}
		runtime.KeepAlive(b)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("the parent's mark is reset on Linux")
	}
	run := func(env string) int64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRunMeasuresTheChildAlone$")
		cmd.Env = append(os.Environ(), env)
		rss, ok, err := procstat.Run(cmd)
		require.NoError(t, err)
		require.True(t, ok)
		return rss
	}
	assert.Greater(t, run("PROCSTAT_CHILD=big"), int64(64<<20))
	if raceEnabled {
		t.Skip("under the race detector the parent's resident set stays large: the floor is not measured")
	}

	// The parent grows to 256 MiB, then lets it go: a small child is not measured at 256.
	b := make([]byte, 256<<20)
	for i := range b {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	b = nil
	assert.Less(t, run("PROCSTAT_CHILD=small"), int64(128<<20))

	_, ok := procstat.MaxRSS(nil)
	assert.False(t, ok)
}
