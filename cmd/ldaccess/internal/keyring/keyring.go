// Package keyring keeps the tokens of ldaccess's profiles in the OS keyring (macOS Keychain,
// Windows Credential Manager, the Secret Service on Linux), behind an interface that tests
// replace.
package keyring

import (
	"fmt"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// Service is the service name of the tokens ldaccess keeps in the keyring; the user name is
// the profile's.
const Service = "ldaccess"

// ErrNotFound is what Get returns, wrapped, when the keyring holds no such secret.
var ErrNotFound = gokeyring.ErrNotFound

// Store keeps secrets by service and user.
type Store interface {
	// Get returns the secret, or an error wrapping ErrNotFound.
	Get(service, user string) (string, error)
	// Set stores the secret, replacing any.
	Set(service, user, secret string) error
	// Delete removes the secret.
	Delete(service, user string) error
}

// OS is the OS keyring.
func OS() Store { return osKeyring{} }

type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) { return gokeyring.Get(service, user) }
func (osKeyring) Set(service, user, s string) error        { return gokeyring.Set(service, user, s) }
func (osKeyring) Delete(service, user string) error        { return gokeyring.Delete(service, user) }

// Unavailable explains a keyring that cannot be used: on Linux it takes a Secret Service
// (GNOME Keyring, KWallet) on a D-Bus session, which servers and containers lack.
func Unavailable(err error) error {
	return fmt.Errorf("the OS keyring is not available here (%s)", clierr.OneLine(err.Error(), 200))
}
