package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
)

// The real keyring's tests (a built command against gnome-keyring on a private bus) are in
// ./e2e, run by make test-keyring; these check what can be checked without one.

func TestSessionBusMissing(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	withBus, withFile := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(withBus, "bus"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(withFile, "dbus-session"), nil, 0o600))
	tests := []struct {
		name, goos, address, runDir string
		missing                     bool
	}{
		{name: "address given", goos: "linux", address: "unix:path=/run/user/1000/bus", runDir: empty},
		{name: "autolaunch: means none", goos: "linux", address: "autolaunch:", runDir: empty, missing: true},
		{name: "nothing", goos: "linux", runDir: empty, missing: true},
		{name: "the runtime directory's bus", goos: "linux", runDir: withBus},
		{name: "the runtime directory's dbus-session file", goos: "freebsd", runDir: withFile},
		{name: "macOS has the Keychain", goos: "darwin", runDir: empty},
		{name: "Windows has the Credential Manager", goos: "windows", runDir: empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DBUS_SESSION_BUS_ADDRESS": tt.address}
			assert.Equal(t, tt.missing, sessionBusMissing(tt.goos, func(k string) string { return env[k] }, tt.runDir))
		})
	}
}

// TestOSKeyringChecksTheBusFirst: without a session bus, osKeyring fails before go-keyring
// runs (go-keyring's in-memory mock here, which would answer; the real one would run
// dbus-launch). e2e's TestKeyring/no_session_bus checks the same with the real one.
func TestOSKeyringChecksTheBusFirst(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the session bus is the Secret Service's, on Linux")
	}
	if _, err := os.Stat(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")); err == nil {
		t.Skip("this machine has a user session bus in /run/user, which go-keyring would find")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	_, err := osKeyring{}.Get(keyringService, "bus-test")
	assert.ErrorIs(t, err, errNoSessionBus)
	assert.ErrorIs(t, osKeyring{}.Set(keyringService, "bus-test", "api-x"), errNoSessionBus)
	assert.ErrorIs(t, osKeyring{}.Delete(keyringService, "bus-test"), errNoSessionBus)
	_, err = keyring.Get(keyringService, "bus-test")
	assert.ErrorIs(t, err, keyring.ErrNotFound, "nothing reached the keyring")
}

// keyringTroubles are the keyring's failures, as go-keyring and its D-Bus library report them,
// and what the command makes of each.
var keyringTroubles = []struct {
	name string
	err  error
	want string
}{
	{name: "no session bus", err: errNoSessionBus,
		want: "there is no session bus here ($DBUS_SESSION_BUS_ADDRESS is not set): run ldaccess in a desktop session, or start a bus and a Secret Service (dbus-run-session"},
	{name: "dbus-launch missing", err: &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound},
		want: "there is no session bus here"},
	{name: "a stale bus address", err: &net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ENOENT)},
		want: "the D-Bus session bus of $DBUS_SESSION_BUS_ADDRESS does not answer (connect: no such file or directory)"},
	{name: "no Secret Service", err: dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown",
		Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}},
		want: "no Secret Service answers on the D-Bus session bus: start one, such as gnome-keyring-daemon or KeePassXC"},
	{name: "no Secret Service, as a pointer", err: fmt.Errorf("wrapped: %w", &dbus.Error{Name: "org.freedesktop.DBus.Error.NameHasNoOwner"}),
		want: "no Secret Service answers"},
	{name: "a Secret Service that failed to start", err: dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"},
		want: "no Secret Service answers"},
	{name: "locked, the prompt dismissed", err: errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
		want: "the OS keyring is locked, and no prompt to unlock it can be shown here: unlock it in a desktop session, or start gnome-keyring-daemon with --unlock"},
	{name: "locked", err: dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"},
		want: "the OS keyring is locked"},
	{name: "anything else", err: errors.New("The user name or passphrase you entered is not correct.\n(-25293)"),
		want: "the OS keyring failed: The user name or passphrase you entered is not correct. (-25293)"},
}

func TestKeyringTrouble(t *testing.T) {
	t.Parallel()
	for _, tt := range keyringTroubles {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, keyringTrouble(tt.err), tt.want)
		})
	}
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
	run := func(t *testing.T, k secretStore, args ...string) (int, string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "ldaccess", "config.yaml")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		cfg := "profiles:\n  k:\n    base-url: http://127.0.0.1:1\n    token-keyring: true\n"
		require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
		var out, errb strings.Builder
		env := map[string]string{"XDG_CONFIG_HOME": dir}
		a := newApp(strings.NewReader(token+"\n"), &out, &errb, func(k string) string { return env[k] })
		a.isTerminal = func(any) bool { return false }
		a.keyring = k
		code := a.run(args)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, cfg, string(data), "the config file is unchanged")
		assert.Empty(t, out.String())
		assert.NotContains(t, errb.String(), token)
		return code, errb.String()
	}
	for _, tt := range keyringTroubles {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := run(t, failingKeyring{tt.err}, "profile", "add", "new", "--base-url", "http://127.0.0.1:1", "--keyring")
			assert.Equal(t, exitUsage, code)
			assert.Equal(t, "ldaccess: profile new: "+keyringTrouble(tt.err)+
				"; or use --token-env or --token-command instead; nothing was saved\n"+
				"Run 'ldaccess profile add --help' for usage.\n", stderr)

			code, stderr = run(t, failingKeyring{tt.err}, "members", "get", "me", "--profile", "k")
			assert.Equal(t, exitUsage, code)
			assert.Equal(t, "ldaccess: profile k: "+keyringTrouble(tt.err)+"; or use --token-env or --token-command instead\n"+
				"Run 'ldaccess members get --help' for usage.\n", stderr)
		})
	}
	t.Run("no token for the profile", func(t *testing.T) {
		code, stderr := run(t, failingKeyring{fmt.Errorf("lookup: %w", keyring.ErrNotFound)}, "members", "get", "me", "--profile", "k")
		assert.Equal(t, exitUsage, code)
		assert.Equal(t, "ldaccess: profile k takes its token from the OS keyring, which has none for it (service ldaccess, user k): "+
			"store it again with ldaccess profile add k --keyring --force and the profile's settings, or use --token-env or --token-command instead\n"+
			"Run 'ldaccess members get --help' for usage.\n", stderr)
	})
}
