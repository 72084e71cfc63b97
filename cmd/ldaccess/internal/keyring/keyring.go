// Package keyring keeps the tokens of ldaccess's profiles in the OS keyring (macOS Keychain,
// Windows Credential Manager, the Secret Service on Linux), behind an interface that tests
// replace.
package keyring

import gokeyring "github.com/zalando/go-keyring"

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

// OS is the OS keyring (os.go).
func OS() Store { return osKeyring{} }
