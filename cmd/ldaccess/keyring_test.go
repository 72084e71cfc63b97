package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
)

// The OS keyring's failures as a user meets them, through the whole command (the wording of
// each is keyring.Trouble's, tested with the keyring package; the real keyring is e2e's).

// troubles are some of the keyring's failures, as go-keyring and its D-Bus library report them.
var troubles = []struct {
	name string
	err  error
}{
	{"no session bus", keyring.ErrNoSessionBus},
	{"no Secret Service", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}},
	{"locked", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}},
	{"anything else", errors.New("The user name or passphrase you entered is not correct.\n(-25293)")},
}

// failingKeyring fails every call with err.
type failingKeyring struct{ err error }

func (k failingKeyring) Get(string, string) (string, error) { return "", k.err }
func (k failingKeyring) Set(string, string, string) error   { return k.err }
func (k failingKeyring) Delete(string, string) error        { return k.err }

// TestKeyringErrors: where the keyring cannot be used, profile add --keyring and a command
// using a keyring profile stop with exit code 2 and an error that says what is wrong and what
// to do, and write nothing. (With the real keyring: e2e's TestKeyring.)
func TestKeyringErrors(t *testing.T) {
	t.Parallel()
	const token = "api-keyring-test-0001"
	// run runs the command in a config directory of its own, where profile k's token is in
	// the keyring, and returns its exit code and stderr, checking that the file is unchanged.
	run := func(t *testing.T, k keyring.Store, args ...string) (int, string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ldaccess", "config.yaml")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		cfg := "profiles:\n  k:\n    base-url: http://127.0.0.1:1\n    token-keyring: true\n"
		require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
		r := invocation{args: args, getenv: envOf(map[string]string{"XDG_CONFIG_HOME": dir}),
			stdin: strings.NewReader(token + "\n"), keyring: k}.run()
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, cfg, string(data), "the config file is unchanged")
		assert.Empty(t, r.stdout)
		assert.NotContains(t, r.stderr, token)
		return r.code, r.stderr
	}
	for _, tt := range troubles {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := run(t, failingKeyring{tt.err}, "profile", "add", "new", "--base-url", "http://127.0.0.1:1", "--keyring")
			assert.Equal(t, clierr.ExitUsage, code)
			assert.Equal(t, "ldaccess: profile new: "+keyring.Trouble(tt.err)+
				"; or use --token-env or --token-command instead; nothing was saved\n"+
				"Run 'ldaccess profile add --help' for usage.\n", stderr)

			code, stderr = run(t, failingKeyring{tt.err}, "members", "get", "me", "--profile", "k")
			assert.Equal(t, clierr.ExitUsage, code)
			assert.Equal(t, "ldaccess: profile k: "+keyring.Trouble(tt.err)+"; or use --token-env or --token-command instead\n"+
				"Run 'ldaccess members get --help' for usage.\n", stderr)
		})
	}
	t.Run("no token for the profile", func(t *testing.T) {
		code, stderr := run(t, failingKeyring{fmt.Errorf("lookup: %w", keyring.ErrNotFound)}, "members", "get", "me", "--profile", "k")
		assert.Equal(t, clierr.ExitUsage, code)
		assert.Equal(t, "ldaccess: profile k takes its token from the OS keyring, which has none for it (service ldaccess, user k): "+
			"store it again with ldaccess profile add k --keyring --force and the profile's settings, or use --token-env or --token-command instead\n"+
			"Run 'ldaccess members get --help' for usage.\n", stderr)
	})
}
