// Package audit is "ldaccess audit": the access review of one account or several, shown for a
// terminal, a pipe or an auditor, and optionally a remediation plan.
package audit

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// Options are audit's.
type Options struct {
	cmdutil.Env
	Review         review.Options
	FailOnFindings bool
	OnlyFindings   bool
	All            bool
	AllProfiles    bool
	// PlanPath, when set, is where the plan goes; Policy makes it.
	PlanPath string
	Policy   review.Policy
	// Accounts resolves and connects to the accounts to review.
	Accounts *connect.Accounts
	Version  string
}

const long = `Review every access token and member of the account. Listing every token needs an admin
token; with another, the audit says so and reviews the tokens of the caller's own member.

Tokens are listed with their owner, access (built-in role, custom roles or inline policy),
kind (service or personal), creation and last use. Their findings:
  never-used        the token has never been used
  stale             unused for more than --stale-after
  over-privileged   the admin role, or an inline policy allowing "*" actions or resources
  owner-gone        the token's owner is no longer a member
  rotation-due      the secret was issued (created, or last reset or edited) more than
                    --rotate-after ago

Members are listed with email, name, role, teams, last seen, MFA and pending invite. Findings:
  never-logged-in   no login on record (_lastSeen 0), which includes members LaunchDarkly has
                    no last-seen data for; pending invitees are judged by their invite instead
  inactive          not seen for more than --stale-after
  admin-without-mfa an admin or owner without multi-factor authentication
  stale-invite      invited more than --stale-after ago and not yet accepted
  no-team           on no team

On a terminal the review reads at a glance: the summary, highest risk first (high:
over-privileged, admin-without-mfa, owner-gone; medium: stale, never-used, stale-invite,
inactive; low: never-logged-in, no-team), then a table per finding with its count, listing
only the tokens and members that have it (ALSO names their other findings). --all adds the
ones without findings.

In a pipe, and with --format csv or json, the summary (counts by finding) comes first, then
every row: in table and CSV output as sections (summary, tokens, members; in CSV each with its
own header row, separated by a blank line), in JSON as the fields "summary", "tokens" and
"members".

--format html writes one self-contained HTML file for an auditor or an evidence folder: the
review's date, account, instance and threshold, the counts with a bar chart, and a table per
finding. It loads nothing and runs no script.

--profile a --profile b, or --all-profiles, reviews several accounts at once into one report
with an account column (in JSON, one review per account under "accounts").

With --plan FILE it also writes a remediation plan for "ldaccess apply": the actions the
--policy file asks for (without one, none), each with the state it was judged on. A policy:
  {"rules": [
     {"finding": "stale", "action": "delete-token"},
     {"finding": "inactive", "olderThan": "180d", "action": "remove-member"},
     {"finding": "admin-without-mfa", "action": "set-role", "role": "reader"},
     {"finding": "no-team", "action": "remove-custom-roles"},
     {"finding": "rotation-due", "action": "reset-token", "expireOldIn": "24h"}],
   "never": ["cto@example.com", "61095542756dba551110ae21"]}
"never" lists member IDs, token IDs and emails no action touches; the owner is never touched.

While it pages through the account it shows its progress on stderr, when stderr is a terminal.
With --fail-on-findings it exits with status 3 when anything is found, for scheduled jobs.`

// NewCmdAudit is "ldaccess audit". runF, when not nil, runs instead of auditRun (tests).
func NewCmdAudit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Env: f.Env(), Accounts: f.Accounts, Version: f.Version}
	var policyPath string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Access review: stale, unused and over-privileged tokens and members",
		Long:  long,
		Example: `  ldaccess --fake audit
  ldaccess audit --format html > access-review.html
  ldaccess audit --all-profiles --format csv > review.csv
  ldaccess audit --stale-after 30d --only-findings
  ldaccess audit --format csv > review.csv
  ldaccess audit --format json --fail-on-findings | jq .summary   # exit 3 if anything is found
  ldaccess audit --plan plan.json --policy policy.json`,
		Args:        cmdutil.ExactArgs(0, "no arguments"),
		Annotations: map[string]string{"html": "yes", "profiles": "yes"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.PlanPath = f.Path(opts.PlanPath)
			if policyPath != "" && opts.PlanPath == "" {
				return clierr.Usagef("--policy needs --plan: the policy says what goes into the plan")
			}
			policy, err := plans.ReadPolicy(f.Path(policyPath))
			if err != nil {
				return err
			}
			opts.Policy = policy
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return auditRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.DurationFlag(fl, &opts.Review.StaleAfter, "stale-after", review.DefaultStaleAfter, `how long unused or unseen counts as stale: "90d", "2w", "36h"`)
	cmdutil.DurationFlag(fl, &opts.Review.RotateAfter, "rotate-after", review.DefaultRotateAfter, `how old a token's secret may get before its rotation is due`)
	fl.BoolVar(&opts.FailOnFindings, "fail-on-findings", false, "exit with status 3 if anything is found")
	fl.StringVar(&opts.PlanPath, "plan", "", "also write a remediation plan to this file, for ldaccess apply")
	fl.StringVar(&policyPath, "policy", "", "the policy (JSON, or YAML if named *.yaml) that turns findings into the plan's actions (default: none; nothing is changed)")
	fl.BoolVar(&opts.OnlyFindings, "only-findings", false, "list only the tokens and members with findings (the summary still counts all)")
	fl.BoolVar(&opts.All, "all", false, "on a terminal and in HTML, list the tokens and members without findings too")
	fl.BoolVar(&opts.AllProfiles, "all-profiles", false, "review the account of every profile, into one report")
	cmd.MarkFlagsMutuallyExclusive("all", "only-findings")
	return cmd
}

func auditRun(ctx context.Context, opts *Options) error {
	accounts, err := reviewAccounts(ctx, opts)
	if err != nil {
		return err
	}
	if opts.PlanPath != "" {
		if err := writePlan(opts, accounts); err != nil {
			return err
		}
	}
	n := present.TotalsOf(reports(accounts)).Findings
	if opts.OnlyFindings {
		for i := range accounts {
			accounts[i].Report = accounts[i].Report.OnlyFindings()
		}
	}
	if err := show(opts, reports(accounts)); err != nil {
		return err
	}
	if opts.FailOnFindings && n > 0 {
		return &clierr.FindingsError{N: n}
	}
	return nil
}

// writePlan writes the plan the policy makes of the one account reviewed.
func writePlan(opts *Options, accounts []reviewed) error {
	if len(accounts) > 1 {
		return clierr.Usagef("--plan takes one account: give one --profile, not several or --all-profiles")
	}
	p, err := review.NewPlan(accounts[0].Report, opts.Policy)
	if err != nil {
		return err
	}
	if p.Instance, err = accounts[0].Target.PlanInstance(); err != nil {
		return err
	}
	if err := plans.Write(opts.IO, opts.PlanPath, p); err != nil {
		return err
	}
	plans.Note(opts.Env, opts.PlanPath, p)
	return nil
}

// show prints a review: grouped by finding on a terminal (in table format), as one HTML file
// with --format html, else for pipes: one account's, or several with an account column.
func show(opts *Options, accounts []present.AccountReport) error {
	switch format := opts.Format(); {
	case format == render.HTML:
		return present.WriteHTML(opts.IO.Out, accounts, opts.All, opts.Version)
	case format == render.Table && opts.IO.IsStdoutTTY():
		return opts.Print(present.Grouped(accounts, opts.All))
	case len(accounts) > 1:
		return opts.Print(present.Reviews(accounts, format))
	default:
		return opts.Print(present.Review(accounts[0].Report, format))
	}
}
