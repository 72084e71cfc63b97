// Package apply is "ldaccess apply": carry out a remediation plan exactly, once, resumably.
package apply

import (
	"context"
	"net/url"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Options are apply's.
type Options struct {
	cmdutil.Env
	// PlanPath is the plan's file; PlanName is its name as given, for messages.
	PlanPath, PlanName string
	Apply              plans.ApplyOptions
	// Target is the account the command line names, which the plan must be for.
	Target func() (connect.Target, error)
}

// NewCmdApply is "ldaccess apply". runF, when not nil, runs instead of applyRun (tests).
func NewCmdApply(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Env: f.Env(), Target: f.Target}
	cmd := &cobra.Command{
		Use:   "apply PLAN",
		Short: "Carry out a remediation plan (from audit --plan or members offboard), exactly and once",
		Long: `Apply a plan that audit --plan (or members offboard) wrote. It shows the plan, asks once (or
--yes), then for each action re-reads the object and skips it if it changed since the review
(a member logged in, a token was used): a stale plan cannot remove an active person. Role
changes go as one semantic patch per batch of members.

A journal beside the plan (PLAN.journal, JSON lines, synced to disk per record) records each
action's intent before it is sent and its outcome after. Running apply again on the same plan
resumes: finished actions are not touched, and an action that was sent without a recorded
answer (a crash, a lost connection) is re-read and reconciled before anything is resent, so
no action is applied twice.

reset-token actions need --exec: a shell command that receives each new secret on its
standard input (with LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME in its environment). A plan
with reset-token actions is refused without it, before anything is sent.

Exit codes: 0 every action applied (or already done), 1 some failed or were refused (run
again to retry failures), 3 some skipped because their object changed since the plan.`,
		Example: `  ldaccess audit --plan plan.json --policy policy.json
  ldaccess apply plan.json --dry-run
  ldaccess apply plan.json --yes`,
		Args: cmdutil.ExactArgs(1, "one plan file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanPath, opts.PlanName = f.Path(args[0]), args[0]
			opts.Apply.SetResume(cmd, args[0])
			if err := opts.Apply.CheckConfirmable(opts.Env, "apply"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	opts.Apply.AddFlags(cmd)
	return cmd
}

func applyRun(ctx context.Context, opts *Options) error {
	p, err := plans.Read(opts.PlanPath, opts.PlanName)
	if err != nil {
		return err
	}
	if err := opts.Apply.CheckExec(p); err != nil {
		return err
	}
	t, err := opts.Target()
	if err != nil {
		return err
	}
	inst, err := t.PlanInstance()
	if err != nil {
		return err
	}
	if p.Instance != "" && p.Instance != inst {
		return clierr.Usagef("the plan is for %s, not %s: %s", p.Instance, inst, connectHint(p.Instance))
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	return plans.Apply(ctx, opts.Env, c, p, opts.PlanPath, opts.Apply)
}

// connectHint says how to connect to the place a plan is for. A plan is a file anyone may have
// edited, and connecting somewhere sends it the token: only LaunchDarkly's own instances and a
// fake on this machine are offered as a flag to give; any other place is left to the user.
func connectHint(instance string) string {
	if instance == "fake" {
		return "it was made with --fake: apply it with --fake, on the same clock (LDACCESS_NOW)"
	}
	u, err := url.Parse(instance)
	if err == nil && (slices.Contains([]string{wrapper.BaseURL, wrapper.BaseURLEU, wrapper.BaseURLFederal}, instance) ||
		(u.Scheme == "http" && connect.IsLoopback(u.Hostname()))) {
		return "connect with --base-url " + instance
	}
	return "apply it only to the account it was made for, connecting there yourself if that is where you mean: " +
		"ldaccess sends your token wherever it connects, and a plan is a file anyone may have edited"
}
