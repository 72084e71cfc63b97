package keyring

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gokeyring "github.com/zalando/go-keyring"
)

// The real keyring's tests (a built command against gnome-keyring on a private bus) are in
// cmd/ldaccess/e2e, run by make test-keyring; these check what can be checked without one.

func TestMain(m *testing.M) {
	gokeyring.MockInit() // no test here reaches the OS keyring
	os.Exit(m.Run())
}

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
	_, err := osKeyring{}.Get(Service, "bus-test")
	assert.ErrorIs(t, err, ErrNoSessionBus)
	assert.ErrorIs(t, osKeyring{}.Set(Service, "bus-test", "api-x"), ErrNoSessionBus)
	assert.ErrorIs(t, osKeyring{}.Delete(Service, "bus-test"), ErrNoSessionBus)
	_, err = gokeyring.Get(Service, "bus-test")
	assert.ErrorIs(t, err, gokeyring.ErrNotFound, "nothing reached the keyring")
}

// keyringTroubles are the keyring's failures, as go-keyring and its D-Bus library report them,
// and what the command makes of each.
var keyringTroubles = []struct {
	name string
	err  error
	want string
}{
	{name: "no session bus", err: ErrNoSessionBus,
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
			assert.Contains(t, Trouble(tt.err), tt.want)
		})
	}
}
