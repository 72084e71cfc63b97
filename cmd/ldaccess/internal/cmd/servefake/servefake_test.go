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

// --url-file is written by ldaccess's file rules (safefile.WriteFile): never through a
// symbolic link, never over a file that is not a URL file (a typo'd --url-file README.md), and
// whole or not at all; an empty file (mktemp's) or an earlier URL file is replaced.
func TestURLFileIsWrittenOnlyWhereItIsOurs(t *testing.T) {
	serve := func(t *testing.T, urlFile string) (url string, err error) {
		old, _ := os.ReadFile(urlFile)
		f, _ := cmdtest.NewFactory(t, "")
		f.Accounts.Flags.FakeMembers = 3
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			done <- serveRun(ctx, &Options{Env: f.Env(), Accounts: f.Accounts, Addr: "127.0.0.1:0", URLFile: urlFile})
		}()
		for {
			select {
			case err := <-done:
				return "", err // it stopped before serving
			case <-time.After(10 * time.Millisecond):
			}
			if data, err := os.ReadFile(urlFile); err == nil && strings.HasPrefix(string(data), "http://") && string(data) != string(old) {
				cancel()
				return strings.TrimSpace(string(data)), <-done
			}
		}
	}
	t.Run("a link, dangling or not, is not followed", func(t *testing.T) {
		dir := t.TempDir()
		victim := filepath.Join(dir, "victim")
		require.NoError(t, os.WriteFile(victim, []byte("precious\n"), 0o644))
		for _, target := range []string{victim, filepath.Join(dir, "created")} {
			link := filepath.Join(dir, "url-"+filepath.Base(target))
			require.NoError(t, os.Symlink(target, link))
			_, err := serve(t, link)
			require.ErrorContains(t, err, "symbolic link")
		}
		b, err := os.ReadFile(victim)
		require.NoError(t, err)
		assert.Equal(t, "precious\n", string(b))
		assert.NoFileExists(t, filepath.Join(dir, "created"))
	})
	t.Run("a file that is not a URL file stays", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "README.md")
		require.NoError(t, os.WriteFile(path, []byte("# my notes\n"), 0o644))
		_, err := serve(t, path)
		require.ErrorContains(t, err, "not a URL file")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, "# my notes\n", string(b))
	})
	t.Run("an empty file or an earlier URL file is replaced, private", func(t *testing.T) {
		dir := t.TempDir()
		for name, old := range map[string]string{"empty": "", "earlier": "http://127.0.0.1:1\n"} {
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, []byte(old), 0o644))
			url, err := serve(t, path)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
			assert.NotEqual(t, strings.TrimSpace(old), url)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		}
	})
}
