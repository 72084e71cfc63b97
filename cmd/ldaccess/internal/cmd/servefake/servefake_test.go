package servefake

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
)

func TestNewCmdServeFake(t *testing.T) {
	got, err := cmdtest.Parse(t, NewCmdServeFake, false, "--addr", "127.0.0.1:0", "--url-file", "url.txt", "--no-rate-limit")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:0", got.Addr)
	assert.Equal(t, "url.txt", got.URLFile)
	assert.True(t, got.NoRateLimit)
	got, err = cmdtest.Parse(t, NewCmdServeFake, false)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8089", got.Addr)
}

// The "try:" line's URL is one ldaccess accepts: on a wildcard address, loopback, not the
// wildcard (plain http to it would be refused as another machine).
func TestBaseURLOfAWildcardAddressIsLoopback(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8089":   "http://127.0.0.1:8089",
		"[::]:8089":      "http://127.0.0.1:8089",
		"127.0.0.1:8089": "http://127.0.0.1:8089",
		"[::1]:8089":     "http://[::1]:8089",
		"10.1.2.3:80":    "http://10.1.2.3:80",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		require.NoError(t, err)
		url := BaseURL(tcp)
		assert.Equal(t, want, url, addr)
		_, err = connect.ResolveBaseURL(connect.Target{BaseURL: url})
		if strings.Contains(want, "10.1.2.3") {
			assert.Error(t, err, "plain http elsewhere")
		} else {
			assert.NoError(t, err, "ldaccess refuses its own try: line for %s", addr)
		}
	}
}

func TestServeRunOnAWildcardAddress(t *testing.T) {
	f, st := cmdtest.NewFactory(t, "")
	f.Accounts.Flags.FakeMembers = 5
	ctx, cancel := context.WithCancel(context.Background())
	urlFile := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	go func() {
		done <- serveRun(ctx, &Options{Env: f.Env(), Accounts: f.Accounts, Addr: "0.0.0.0:0", URLFile: urlFile})
	}()
	var url string
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(urlFile)
		url = strings.TrimSpace(string(data))
		return err == nil && strings.HasSuffix(string(data), "\n")
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	assert.Contains(t, st.Out.String(), "try:      ldaccess --base-url "+url+" --token ")
	assert.Contains(t, st.Err.String(), "warning: --addr 0.0.0.0:0 is reachable from other machines")
}
