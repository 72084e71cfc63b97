// Package audit is "ldaccess audit": the access review of one account or several, shown for a
// terminal, a pipe or an auditor, and optionally a remediation plan.
package audit

import (
	"bytes"
	"context"
	"strings"

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
	Review       review.Options
	OnlyFindings bool
	All          bool
	AllProfiles  bool
	// FailOn is the lowest risk a finding must have for audit to fail (exit 3): "high",
	// "medium" or "low"; "" never (--fail-on; --fail-on-findings is "low").
	FailOn string
	// AllowPartial accepts a review that could not see every token or member (else exit 4).
	AllowPartial bool
	// Since, when set, is an earlier review (audit --format json): audit shows what changed
	// since then instead of the review, and --fail-on counts only new findings. Journal, with
	// it, is the journal of the plan applied in between.
	Since   string
	Journal string
	// PlanPath, when set, is where the plan goes; Policy makes it.
	PlanPath string
	Policy   review.Policy
	// Accounts resolves and connects to the accounts to review.
	Accounts *connect.Accounts
	Version  string
}

const long = `Review every access token and member of the account. Listing every token needs an admin
token; with another, the review covers the tokens of the caller's own member, says so in every
format ("incomplete review: …"), and audit ends with exit status 4 unless --allow-partial.

Every review records what it is: the account (its owner's email and ID), the instance and base
URL, who ran it (the member and the token), when, with which ldaccess, thresholds and policy,
and what it could see.

Tokens are listed with their owner, access (built-in role, custom roles or inline policy),
kind (service or personal), creation and last use. Their findings:
  never-used         the token has never been used
  stale              unused for more than --stale-after
  over-privileged    the admin role, or an inline policy allowing "*" actions or resources
  owner-gone         the token's owner is no longer a member
  rotation-due       the secret was issued (created, or last reset or edited) more than --rotate-after ago

Members are listed with email, name, role, teams, last seen, MFA and pending invite. Findings:
  never-logged-in    no login on record (_lastSeen 0), which includes members LaunchDarkly has no last-seen data for; pending invitees are judged by their invite instead
  inactive           not seen for more than --stale-after
  admin-without-mfa  an admin or owner without multi-factor authentication
  stale-invite       invited more than --stale-after ago and not yet accepted
  no-team            on no team

Risks: high (over-privileged, admin-without-mfa, owner-gone), medium (stale, never-used,
rotation-due, stale-invite, inactive), low (never-logged-in, no-team).

On a terminal the review fits about two screens: the record and the summary, highest risk
first, then for each finding its five most important rows (ALSO names their other findings)
and how many more there are. --all shows every row, and those without findings, through the
pager (LDACCESS_PAGER, else PAGER, else less) when that is longer than the screen.

In a pipe, and with --format csv or json, the record and the summary (counts by finding, with
their risk) come first, then every row: in table and CSV output as sections (in CSV: review,
summary, tokens, members, each with its own header row, separated by a blank line); in JSON as
review's evidence format ("reviewFormat": 1: the record, "summary", "tokens", "members"), which
"audit diff" and --since read back.

--format html writes one self-contained HTML file for an auditor or an evidence folder: the
record, the counts with a chart grouped by risk, and a table per finding; it prints to PDF.
It loads nothing and runs no script.

--profile a --profile b, or --all-profiles, reviews several accounts at once into one report
with an account column (in JSON, one review per account under "accounts").

--fail-on high|medium|low ends audit with exit status 3, after the review, when a finding of
that risk or higher is present (--fail-on-findings: any finding): a gate for scheduled jobs.

--since OLD.json shows what changed since an earlier review instead of the review (see "audit
diff"), and --fail-on then counts only new findings; --journal adds what a plan remediated.

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

While it pages through the account it shows its progress on stderr, when stderr is a terminal.`

// NewCmdAudit is "ldaccess audit", with "audit diff" under it. runF, when not nil, runs
// instead of auditRun (tests).
func NewCmdAudit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Env: f.Env(), Accounts: f.Accounts, Version: f.Version}
	var policyPath string
	var failOnFindings bool
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Access review: stale, unused and over-privileged tokens and members",
		Long:  long,
		Example: `  ldaccess --fake audit
  ldaccess audit --format html > access-review.html
  ldaccess audit --format json > review-2026-q2.json
  ldaccess audit --fail-on high --format html > access-review.html   # exit 3 on a high-risk finding
  ldaccess audit --since review-2026-q2.json --fail-on high           # fails only on a new one
  ldaccess audit --all-profiles --format csv > review.csv
  ldaccess audit --stale-after 30d --only-findings
  ldaccess audit --plan plan.json --policy policy.json`,
		Args:        cmdutil.ExactArgs(0, "no arguments"),
		Annotations: map[string]string{"html": "yes", "profiles": "yes"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.PlanPath, opts.Since, opts.Journal = f.Path(opts.PlanPath), f.Path(opts.Since), f.Path(opts.Journal)
			if policyPath != "" && opts.PlanPath == "" {
				return clierr.Usagef("--policy needs --plan: the policy says what goes into the plan")
			}
			if opts.Journal != "" && opts.Since == "" {
				return clierr.Usagef("--journal needs --since: the journal is the record of what was remediated since that review")
			}
			if failOnFindings {
				opts.FailOn = string(review.RiskLow.String())
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
	cmdutil.EnumFlag(cmd, &opts.FailOn, "fail-on", "", "", cmdutil.Enum{Values: Risks()},
		"exit with status 3 if a finding of this risk or higher is found (with --since: a new one)")
	fl.BoolVar(&failOnFindings, "fail-on-findings", false, "exit with status 3 if anything is found (--fail-on low)")
	fl.BoolVar(&opts.AllowPartial, "allow-partial", false, "accept a review that could not see every token or member (else exit status 4)")
	fl.StringVar(&opts.Since, "since", "", "an earlier review (audit --format json): show what changed since, not the review")
	fl.StringVar(&opts.Journal, "journal", "", "with --since: the journal of the plan applied since, the record of what was remediated")
	fl.StringVar(&opts.PlanPath, "plan", "", "also write a remediation plan to this file, for ldaccess apply")
	fl.StringVar(&policyPath, "policy", "", "the policy (JSON, or YAML if named *.yaml) that turns findings into the plan's actions (default: none; nothing is changed)")
	fl.BoolVar(&opts.OnlyFindings, "only-findings", false, "list only the tokens and members with findings (the summary still counts all)")
	fl.BoolVar(&opts.All, "all", false, "list every row: on a terminal every row of each finding (through $PAGER when longer than the screen) and those without findings; in HTML those without findings too")
	fl.BoolVar(&opts.AllProfiles, "all-profiles", false, "review the account of every profile, into one report")
	cmd.MarkFlagsMutuallyExclusive("all", "only-findings")
	cmd.MarkFlagsMutuallyExclusive("fail-on", "fail-on-findings")
	cmd.AddCommand(NewCmdDiff(f, nil))
	return cmd
}

// Risks are the values --fail-on takes, highest first.
func Risks() []string {
	return []string{review.RiskHigh.String(), review.RiskMedium.String(), review.RiskLow.String()}
}

func auditRun(ctx context.Context, opts *Options) error {
	rs, targets, err := reviewAccounts(ctx, opts)
	if err != nil {
		return err
	}
	if opts.PlanPath != "" {
		if err := writePlan(opts, rs, targets); err != nil {
			return err
		}
	}
	if opts.Since != "" {
		return since(opts, rs)
	}
	failing := 0
	if opts.FailOn != "" {
		risk, _ := review.ParseRisk(opts.FailOn) // the flag took only these
		for _, r := range rs {
			failing += r.CountAtLeast(risk)
		}
	}
	if opts.OnlyFindings {
		for i := range rs {
			rs[i] = rs[i].OnlyFindings()
		}
	}
	if err := show(ctx, opts, rs); err != nil {
		return err
	}
	return verdict(opts, rs, failing)
}

// verdict is how audit ends: exit 4 for a review that did not see everything (unless
// --allow-partial), else exit 3 when findings at or above --fail-on were counted.
func verdict(opts *Options, rs []review.Report, failing int) error {
	var gaps []string
	for _, r := range rs {
		if s := r.Incomplete(); s != "" {
			if len(rs) > 1 {
				s = r.Name + ": " + s
			}
			gaps = append(gaps, s)
		}
	}
	return ending(opts.AllowPartial, strings.Join(gaps, "; "), failing, opts.FailOn, false)
}

// ending is how a review or a comparison ends: exit 4 when it did not see everything
// (incomplete, unless allowPartial), else exit 3 when failing findings at or above failOn
// (new ones only, for a comparison) were counted.
func ending(allowPartial bool, incomplete string, failing int, failOn string, onlyNew bool) error {
	if incomplete != "" && !allowPartial {
		return &clierr.IncompleteError{Statement: incomplete}
	}
	if failing > 0 {
		return &clierr.FindingsError{N: failing, AtLeast: failOn, New: onlyNew}
	}
	return nil
}

// writePlan writes the plan the policy makes of the one account reviewed, and records the
// policy in the review.
func writePlan(opts *Options, rs []review.Report, targets []connect.Target) error {
	if len(rs) > 1 {
		return clierr.Usagef("--plan takes one account: give one --profile, not several or --all-profiles")
	}
	p, err := review.NewPlan(rs[0], opts.Policy)
	if err != nil {
		return err
	}
	if p.Instance, err = targets[0].PlanInstance(); err != nil {
		return err
	}
	if err := plans.Write(opts.Env, opts.PlanPath, p); err != nil {
		return err
	}
	plans.Note(opts.Env, opts.PlanPath, p)
	rs[0].Policy = &opts.Policy
	return nil
}

// show prints a review: grouped by finding on a terminal (in table format), as one HTML file
// with --format html, else for pipes.
func show(ctx context.Context, opts *Options, rs []review.Report) error {
	switch format := opts.Format(); {
	case format == render.HTML:
		return present.WriteHTML(opts.IO.Out, rs, opts.All)
	case format == render.Table && opts.IO.IsStdoutTTY():
		return page(ctx, opts, present.Grouped(rs, opts.All))
	default:
		return opts.Print(present.Reviews(rs, format))
	}
}

// page prints a view for a terminal, through the pager when it is longer than the screen and
// everything was asked for (--all): the review's own view fits about two screens.
func page(ctx context.Context, opts *Options, v render.View) error {
	if !opts.All {
		return opts.Print(v)
	}
	width := opts.Output.Width(opts.IO.TerminalWidth())
	var b bytes.Buffer
	if err := render.Write(&b, render.Table, v, render.Options{Width: width}); err != nil {
		return err
	}
	return opts.Shell.Page(ctx, opts.IO, b.Bytes())
}
