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
	"strings"

	"github.com/godbus/dbus/v5"
	gokeyring "github.com/zalando/go-keyring"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// The OS keyring keeps the tokens of profiles added with --keyring: the Keychain on macOS, the
// Credential Manager on Windows, and elsewhere a Secret Service (GNOME Keyring, KeePassXC,
// KWallet) on the user's D-Bus session bus, all through go-keyring. Servers and containers
// usually have no session bus, or no Secret Service on it, or a locked one; Error and Trouble say
// which, and what to do instead.

// osKeyring is the OS keyring through go-keyring.
type osKeyring struct{}

// Get returns the secret, or an error wrapping keyring.ErrNotFound.
func (osKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	return gokeyring.Get(service, user)
}

// Set stores the secret, replacing any.
func (osKeyring) Set(service, user, s string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return gokeyring.Set(service, user, s)
}

// Delete removes the secret.
func (osKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return gokeyring.Delete(service, user)
}

// ErrNoSessionBus is the error of a keyring call where there is no D-Bus session bus.
var ErrNoSessionBus = errors.New("no D-Bus session bus")

// checkSessionBus stops a keyring call before go-keyring looks for a session bus that is not
// there: its D-Bus library would then run dbus-launch, which, where it is installed, starts a
// bus and keyring daemons that outlive the command, and fails anyway.
func checkSessionBus() error {
	if sessionBusMissing(runtime.GOOS, os.Getenv, filepath.Join("/run/user", strconv.Itoa(os.Getuid()))) {
		return ErrNoSessionBus
	}
	return nil
}

// sessionBusMissing reports whether go-keyring would find no session bus on goos, looking as
// its D-Bus library does: $DBUS_SESSION_BUS_ADDRESS ("autolaunch:" means none), else runDir's
// bus socket or dbus-session file. Only the Secret Service needs one.
func sessionBusMissing(goos string, getenv func(string) string, runDir string) bool {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return false
	}
	if addr := getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return false
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runDir, name)); err == nil {
			return false
		}
	}
	return true
}

// Error explains why profile name's token could not be read from or stored in the OS keyring,
// and what to do. It is a usage error (exit code 2): what is missing is the user's to set up,
// and a keyring that cannot be used is never retried.
func Error(name string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return clierr.Usagef("profile %s takes its token from the OS keyring, which has none for it (service %s, user %s): "+
			"store it again with ldaccess profile add %s --keyring --force and the profile's settings, or use --token-env or --token-command instead",
			name, Service, name, name)
	}
	return clierr.Usagef("profile %s: %s; or use --token-env or --token-command instead", name, Trouble(err))
}

// Names of D-Bus errors that mean that no Secret Service answers on the bus.
var noSecretServiceErrors = []string{
	"org.freedesktop.DBus.Error.ServiceUnknown", // nothing owns the name, and nothing can be started for it
	"org.freedesktop.DBus.Error.NameHasNoOwner",
	"org.freedesktop.DBus.Error.Spawn.", // one was started, and failed
}

// Trouble says in one line what is wrong with the OS keyring and how to mend it.
func Trouble(err error) string {
	var execErr *exec.Error
	var netErr *net.OpError
	name := dbusErrorName(err)
	switch {
	case errors.Is(err, ErrNoSessionBus) || errors.As(err, &execErr): // dbus-launch, if we ever let it run
		return "the OS keyring needs a Secret Service on a D-Bus session bus, and there is no session bus here " +
			"($DBUS_SESSION_BUS_ADDRESS is not set): run ldaccess in a desktop session, or start a bus and a Secret Service " +
			"(dbus-run-session -- sh, then gnome-keyring-daemon --unlock --components=secrets with a password on stdin)"
	case errors.As(err, &netErr):
		return fmt.Sprintf("the D-Bus session bus of $DBUS_SESSION_BUS_ADDRESS does not answer (%s): "+
			"run ldaccess in a live desktop session, or unset the variable's stale value", clierr.OneLine(netErr.Err.Error(), 100))
	case hasPrefixIn(name, noSecretServiceErrors):
		return "no Secret Service answers on the D-Bus session bus: start one, such as gnome-keyring-daemon or KeePassXC " +
			"with its Secret Service integration"
	case name == "org.freedesktop.Secret.Error.IsLocked" ||
		// go-keyring's words when the unlock prompt was dismissed or could not be shown.
		strings.HasPrefix(err.Error(), "failed to unlock correct collection"):
		return "the OS keyring is locked, and no prompt to unlock it can be shown here: unlock it in a desktop session, " +
			"or start gnome-keyring-daemon with --unlock and the keyring's password on stdin"
	}
	return "the OS keyring failed: " + clierr.OneLine(err.Error(), 200)
}

// dbusErrorName is the name of the D-Bus error in err's chain ("org.freedesktop.DBus.Error.…"),
// or "". The D-Bus library returns some as values, some as pointers.
func dbusErrorName(err error) string {
	var v dbus.Error
	var p *dbus.Error
	switch {
	case errors.As(err, &v):
		return v.Name
	case errors.As(err, &p):
		return p.Name
	}
	return ""
}

func hasPrefixIn(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if s != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
