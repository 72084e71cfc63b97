package cmdutil

import (
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
)

// RecoverTokenCommand is the command line that recovers a token whose new secret was lost (a
// hand-over that failed, an answer that never came): "ldaccess ACCOUNT tokens VERB ID
// --expire-old-in now HANDOVER [--yes]", which resets it again and ends at once only the
// secret that was lost, while the old one keeps working until the first reset's grace ends.
// account are the global flags naming the account (connect.Target.Flags), handover the flags
// that hand the new secret over (--exec …). Every word is quoted for a shell.
func RecoverTokenCommand(account []string, verb, id string, yes bool, handover ...string) string {
	argv := append(append([]string{"ldaccess"}, account...), "tokens", verb, id, "--expire-old-in", "now")
	argv = append(argv, handover...)
	if yes {
		argv = append(argv, "--yes")
	}
	for i, a := range argv {
		argv[i] = shell.Quote(a)
	}
	return strings.Join(argv, " ")
}
