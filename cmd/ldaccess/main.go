// Command ldaccess reviews and administers the access tokens and members of a LaunchDarkly
// account. Run "ldaccess --fake audit" for an access review of an embedded fake account, and
// "ldaccess help" for everything else.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
