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
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
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
	// Resume is the command line that takes the apply up again where it stops (SetResume),
	// printed when it is interrupted or some actions fail.
	Resume string
}

// AddFlags adds the flags of o to cmd.
func (o *ApplyOptions) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	cmdutil.AddYesFlag(cmd, &o.Yes)
	fl.BoolVar(&o.DryRun, "dry-run", false, "re-read every object and show what would be sent, sending nothing")
	fl.BoolVar(&o.PerMember, "per-member", false, "send role changes as one PATCH per member rather than a semantic patch per batch")
	fl.StringVar(&o.Exec, "exec", "", "for reset-token actions: a shell command that receives each new secret on stdin")
}

// SetResume sets o.Resume for the plan at plan, as the user named it, from the flags cmd
// was given: "ldaccess [global flags] apply PLAN" with the flags of apply that change what
// it does (--exec, --per-member, --yes).
func (o *ApplyOptions) SetResume(cmd *cobra.Command, plan string) {
	o.Resume = cmdutil.CommandLine(cmd, "apply", []string{plan}, "per-member", "exec", "yes")
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
// outcomes. A dry run shows each action once, with what it would send. The error says how it
// went: nil when every action is done; when the run stopped part way, or some actions
// failed, it carries o.Resume (a clierr.Recovery).
func Apply(ctx context.Context, env cmdutil.Env, c *wrapper.Client, p review.Plan, planPath string, o ApplyOptions) error {
	if err := showPlan(env, p, o.DryRun); err != nil {
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
	if perr := env.Print(present.Results(res, len(p.Actions), resultsTitle(planPath, res, len(p.Actions), o.DryRun))); perr != nil && err == nil {
		err = perr
	}
	o.noteRecoveries(env, res)
	return o.ending(res, len(p.Actions), err, j)
}

// resultsTitle heads the summary: what was done with the plan.
func resultsTitle(planPath string, res review.Result, total int, dryRun bool) string {
	switch {
	case dryRun:
		return "Dry run of " + planPath + " (nothing sent)"
	case len(res.Outcomes) < total:
		return fmt.Sprintf("Applying %s stopped after %d of %d actions", planPath, len(res.Outcomes), total)
	}
	return "Applied " + planPath
}

// ending is the error an apply ends with: err when it could not go on, else its outcome,
// resumable (o.Resume) when the run stopped part way or some actions failed.
func (o ApplyOptions) ending(res review.Result, total int, err error, j *review.Journal) error {
	switch {
	case err != nil && errors.Is(err, review.ErrWrongAccount):
		return clierr.Usagef("%v", err)
	case err != nil && j != nil:
		return o.resumable(fmt.Errorf("%w; the journal %s records how far it got", err, j.Path()))
	case err != nil:
		return err
	}
	err = outcome(res, total)
	if res.Counts()[review.Failed] > 0 {
		return o.resumable(err)
	}
	return err
}

// resumable marks err with the command that resumes the apply, if it has one and this is
// not a dry run (which has nothing to resume).
func (o ApplyOptions) resumable(err error) error {
	if o.Resume == "" || o.DryRun {
		return err
	}
	return &clierr.Recovery{Err: err, Command: o.Resume, To: "resume"}
}

// showPlan shows the plan on stderr, fitted to its terminal, before anything is done (in table
// format: JSON and CSV are for the results alone, and only a plan made from an incomplete
// review is noted). A dry run shows only what the plan is for: its actions are in the results.
func showPlan(env cmdutil.Env, p review.Plan, dryRun bool) error {
	if env.Format() != render.Table {
		if p.Incomplete != "" {
			env.IO.Notef("the plan was made from an %s", p.Incomplete)
		}
		return nil
	}
	width := env.Output.Width(env.IO.ErrTerminalWidth())
	v := render.View{Text: iostreams.Wrap(present.PlanTitle(p), width)}
	if !dryRun {
		v = present.Plan(p)
	}
	return render.Write(env.IO.ErrOut, render.Table, v, render.Options{Width: width})
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
			env.RecoverToken("rotate", out.Action.ObjectID, o.Yes, handover...))
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
			msg += "; applying the plan again retries the failed ones"
		}
		return &clierr.OutcomeError{Code: clierr.ExitError, Msg: msg}
	case counts[review.Changed] > 0:
		return &clierr.OutcomeError{Code: clierr.ExitFindings, Msg: fmt.Sprintf(
			"%d of %d actions skipped: their object changed since the plan; applying it again will not act on them: review the account again (audit --plan) for a plan of them",
			counts[review.Changed], total)}
	}
	return nil
}
