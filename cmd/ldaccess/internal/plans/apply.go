package plans

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// ApplyOptions are what apply and members offboard share.
type ApplyOptions struct {
	Yes       bool
	DryRun    bool
	PerMember bool
	// Exec receives each new secret of reset-token actions on its standard input.
	Exec string
	// AccountFlags are the global flags that name the account (connect.Target.Flags), for the
	// commands apply prints for the user to run.
	AccountFlags []string
}

// AddFlags adds the flags of o to cmd.
func (o *ApplyOptions) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	cmdutil.AddYesFlag(cmd, &o.Yes)
	fl.BoolVar(&o.DryRun, "dry-run", false, "re-read every object and show what would be sent, sending nothing")
	fl.BoolVar(&o.PerMember, "per-member", false, "send role changes as one PATCH per member rather than a semantic patch per batch")
	fl.StringVar(&o.Exec, "exec", "", "for reset-token actions: a shell command that receives each new secret on stdin")
}

// CheckConfirmable refuses, before anything is read or sent, to apply without --yes where
// nobody can be asked; a dry run changes nothing and needs no confirmation.
func (o ApplyOptions) CheckConfirmable(env cmdutil.Env, action string) error {
	if o.DryRun {
		return nil
	}
	return cmdutil.CheckConfirmable(env.IO, o.Yes, action)
}

// CheckExec refuses a plan with reset-token actions without --exec, before anything is sent
// (a dry run too, which shows what it would do with the secrets): each new secret would be
// lost.
func (o ApplyOptions) CheckExec(p review.Plan) error {
	if o.Exec != "" {
		return nil
	}
	if n := p.Counts()[review.ResetToken]; n > 0 {
		return clierr.Usagef("the plan resets %d token%s: give --exec COMMAND, which receives each new secret on its standard input (such as --exec 'vault kv put secret/ld token=-')",
			n, cmdutil.Plural(n))
	}
	return nil
}

// Apply shows the plan, asks once, applies it with its journal beside planPath and prints the
// outcomes. The error says how it went: nil when every action is done.
func Apply(ctx context.Context, env cmdutil.Env, c *wrapper.Client, p review.Plan, planPath string, o ApplyOptions) error {
	if err := o.CheckConfirmable(env, "apply"); err != nil {
		return err
	}
	if err := showPlan(env, p); err != nil {
		return err
	}
	if !o.DryRun {
		q := fmt.Sprintf("Apply %s to %s?", present.CountsLine(p), p.Instance)
		if err := cmdutil.ConfirmDestructive(ctx, env.Prompter, o.Yes, func() (string, error) { return q, nil }); err != nil {
			return err
		}
	}
	j, err := openJournal(env, planPath, p, o.DryRun)
	if err != nil {
		return err
	}
	if j != nil {
		defer j.Close()
	}
	res, err := review.Apply(ctx, c, p, j, o.reviewOptions(env, len(p.Actions)))
	env.IO.ClearProgress()
	title := "Applied " + planPath
	if o.DryRun {
		title = "Dry run of " + planPath + " (nothing sent)"
	}
	if perr := env.Print(present.Results(res, title)); perr != nil && err == nil {
		err = perr
	}
	o.noteRecoveries(env, res)
	if err != nil {
		if errors.Is(err, review.ErrWrongAccount) {
			return clierr.Usagef("%v", err)
		}
		if j != nil {
			return fmt.Errorf("%w; the journal %s records how far it got: run the same command again to resume", err, j.Path())
		}
		return err
	}
	return outcome(res, len(p.Actions))
}

// showPlan shows the plan on stderr, fitted to its terminal, before anything is done (in table
// format: JSON and CSV are for the results alone).
func showPlan(env cmdutil.Env, p review.Plan) error {
	if env.Format() != render.Table {
		return nil
	}
	width := env.IO.ErrTerminalWidth()
	if env.Output.Wide {
		width = 0
	}
	return render.Write(env.IO.ErrOut, render.Table, present.Plan(p), render.Options{Width: width})
}

// reviewOptions are review.Apply's options: the clock, the hand-over of new secrets, and the
// progress line.
func (o ApplyOptions) reviewOptions(env cmdutil.Env, total int) review.ApplyOptions {
	opts := review.ApplyOptions{DryRun: o.DryRun, PerMember: o.PerMember, Now: env.Now}
	if o.Exec != "" {
		opts.Secret = func(ctx context.Context, act review.Action, t api.Token) error {
			return env.Shell.HandOver(ctx, o.Exec, t, env.IO)
		}
	}
	n := 0
	opts.OnOutcome = func(review.Outcome) {
		n++
		env.IO.Progress("", "actions", n, total, false)
	}
	return opts
}

// noteRecoveries prints, for each token whose new secret was lost (its hand-over failed, or an
// earlier run's answer never came), the exact command that recovers it: a rotation that ends
// at once only the lost secret, while the old one keeps working until its grace ends.
func (o ApplyOptions) noteRecoveries(env cmdutil.Env, res review.Result) {
	for _, out := range res.Outcomes {
		if out.Status != review.SecretLost {
			continue
		}
		var handover []string
		if o.Exec != "" {
			handover = []string{"--exec", o.Exec}
		}
		env.IO.NoteCommand(fmt.Sprintf("token %s lost its new secret (see its detail); to recover it before its old secret stops, run:", out.Action.ObjectID),
			cmdutil.RecoverTokenCommand(o.AccountFlags, "rotate", out.Action.ObjectID, o.Yes, handover...))
	}
}

// openJournal opens the plan's journal. A dry run reads the journal of a plan already begun,
// so that what is done shows as done; it records nothing, and creates none.
func openJournal(env cmdutil.Env, planPath string, p review.Plan, dryRun bool) (*review.Journal, error) {
	path := JournalPath(planPath)
	if !dryRun {
		return review.OpenJournal(path, p)
	}
	if !Exists(path) {
		return nil, nil
	}
	j, err := review.ReadJournal(path, p) // writes nothing, locks nothing
	if errors.Is(err, review.ErrAnotherPlan) {
		env.IO.Notef("%s belongs to another plan; the dry run does not use it", path)
		return nil, nil
	}
	return j, err
}

// outcome is how an apply ends: nil when every action is done, else an error with its exit
// code: 1 when some failed or were refused, 3 when some were skipped as changed.
func outcome(res review.Result, total int) error {
	counts := res.Counts()
	problems := counts[review.Failed] + counts[review.Refused] + counts[review.SecretLost]
	switch {
	case problems > 0:
		msg := fmt.Sprintf("%d of %d actions not applied", problems, total)
		if slices.ContainsFunc(res.Outcomes, func(o review.Outcome) bool {
			return o.Status == review.Refused && o.Detail == review.ErrIdentityProvider.Error()
		}) {
			msg += "; " + review.ErrIdentityProvider.Error() // not for the owner, the caller or its token
		}
		if counts[review.Failed] > 0 {
			msg += "; run the same command again to retry the failed ones"
		}
		return &clierr.OutcomeError{Code: clierr.ExitError, Msg: msg}
	case counts[review.Changed] > 0:
		return &clierr.OutcomeError{Code: clierr.ExitFindings, Msg: fmt.Sprintf("%d of %d actions skipped: their object changed since the plan", counts[review.Changed], total)}
	}
	return nil
}
