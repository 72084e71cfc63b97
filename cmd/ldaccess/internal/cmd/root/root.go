// Package root is the ldaccess command's root: it registers the global flags and every
// command, and prints their help (help.go).
package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/apply"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/audit"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/members"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/profile"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/servefake"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/tokens"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/version"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// long is the root's help. The order in which columns give way is render's.
var long = `ldaccess reviews and administers the access tokens and members of a LaunchDarkly account.

  ldaccess audit                      an access review: stale, unused and over-privileged tokens and members, grouped by risk; --format html writes a report for auditors
  ldaccess audit --plan plan.json --policy policy.json
                                      ... and a remediation plan of the policy's actions
  ldaccess apply plan.json            carry a plan out: exactly, once, resumably (journal)
  ldaccess tokens list|get|create|reset|rotate|delete
  ldaccess members list|get|invite|remove|set-role|add-to-teams|offboard
  ldaccess profile add|list|show|remove
                                      named accounts and where their tokens come from

Connecting:
Give an access token with --token or in LD_ACCESS_TOKEN. The commercial instance is the
default; pick another with --instance eu|federal, or any URL with --base-url.
--profile NAME (or LDACCESS_PROFILE) takes all of that from a profile instead, its token
from an environment variable, the OS keyring or a command: see "ldaccess profile --help".
--fake runs every command against an embedded fake account instead (with rate limits, so
the client's pacing shows), and "ldaccess serve-fake" serves one for other tools.

Output:
--format table (default), json or csv; html for audit. On a terminal tables fit its width:
the columns that say which token or member a row is about (a token's ID and name, a
member's email) stay, cut to no fewer than 20 characters; the others give way first, in
one order for every table (` + strings.Join(render.DropOrder, ", ") + `), then the widest cells
are cut; a skip reason, a change or a detail is never cut, but goes under its row. --wide shows every column in
full; in a pipe tables are never cut. JSON is the API's own representation for list and
get commands, ready for jq; --fields a,b keeps those fields.

Destructive commands (tokens reset, rotate and delete; members remove, set-role and offboard;
apply) ask for confirmation when stdin is a terminal. Otherwise they refuse to run unless
--yes is given.

Exit codes:
  0    success
  1    an API or network error (one line: status, LaunchDarkly's code and message, request id); a declined confirmation; apply or offboard actions that failed or were refused; an offboard address that matched no member
  2    a usage error: unknown command or flag, bad arguments, no access token, a destructive command without --yes and without a terminal
  3    audit --fail-on found a finding of that risk or higher (with --since, a new one; --fail-on-findings: any); apply or offboard skipped actions whose object changed
  4    audit could not see every token or member (a token that is not an admin's), or audit diff or --since compared such a review, and --allow-partial was not given
  130  interrupted (Ctrl-C; 143 for SIGTERM)`

// NewCmdRoot is the ldaccess command, every command registered under it.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "ldaccess",
		Short:         "Review and administer LaunchDarkly access tokens and account members",
		Long:          long,
		Version:       f.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		// No Args: cobra's default for a root with subcommands reports unknown commands, and
		// without a subcommand prints the help.
	}
	root.SetUsageFunc(usageFunc(f.IOStreams))
	root.SetHelpFunc(helpFunc(f.IOStreams))
	root.SetFlagErrorFunc(cmdutil.FlagError)
	g := addGlobalFlags(f, root)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return checkGlobalFlags(f, cmd, g.timeout) }
	root.AddCommand(
		audit.NewCmdAudit(f, nil),
		apply.NewCmdApply(f, nil),
		tokens.NewCmdTokens(f),
		members.NewCmdMembers(f),
		profile.NewCmdProfile(f),
		servefake.NewCmdServeFake(f, nil),
		version.NewCmdVersion(f, nil),
		completion.NewCmdCompletion(),
	)
	markRunErrors(root)
	return root
}

// markRunErrors makes every command's own errors tell themselves from cobra's parse errors
// (see clierr.FromRun), and from --timeout running out.
func markRunErrors(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			return clierr.FromRun(cmd.Context(), run(cmd, args))
		}
	}
	for _, sub := range c.Commands() {
		markRunErrors(sub)
	}
}
