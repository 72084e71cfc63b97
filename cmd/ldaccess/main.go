// Command ldaccess reviews and administers the access tokens and members of a LaunchDarkly
// account. Run "ldaccess --fake audit" for an access review of an embedded fake account, and
// "ldaccess help" for everything else.
package main

import (
	"os"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/ldcmd"
)

func main() {
	os.Exit(ldcmd.Main())
}
