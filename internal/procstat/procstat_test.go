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

// TestMaxRSSOfAChildThatHoldsMemory: a child that touches 64 MiB is measured above it.
func TestMaxRSSOfAChildThatHoldsMemory(t *testing.T) {
	if os.Getenv("PROCSTAT_CHILD") != "" {
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = 1
		}
		runtime.KeepAlive(b)
		return
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("ru_maxrss is read on Linux and macOS")
	}
	run := func(env string) int64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMaxRSSOfAChildThatHoldsMemory$")
		cmd.Env = append(os.Environ(), env)
		require.NoError(t, cmd.Run())
		rss, ok := procstat.MaxRSS(cmd.ProcessState)
		require.True(t, ok)
		return rss
	}
	big := run("PROCSTAT_CHILD=1")
	assert.Greater(t, big, int64(64<<20))
	_, ok := procstat.MaxRSS(nil)
	assert.False(t, ok)
}
