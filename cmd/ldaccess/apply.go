package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/internal/yamljson"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// instanceName names the account's instance in plans: "fake" for --fake (an account seeded
// afresh by every command, the same for the same seed and LDACCESS_NOW), else the base URL.
func (a *app) instanceName() (string, error) {
	ts, err := a.targets()
	if err != nil {
		return "", err
	}
	return planInstance(ts[0])
}

// planInstance is the instance a plan records and apply checks: "fake", or t's base URL.
func planInstance(t target) (string, error) {
	if t.Fake {
		return "fake", nil
	}
	return resolveBaseURL(t)
}

// journalPath is where a plan's journal lives: beside it.
func journalPath(planPath string) string { return planPath + ".journal" }

// writePlanFile writes a plan, refusing to replace one that has begun to be applied. What a
// server sent (names, emails) goes through the same redaction as the command's output, and the
// file is written whole or not at all, readable by its owner only.
func (a *app) writePlanFile(path string, p review.Plan) error {
	if _, err := os.Stat(journalPath(path)); err == nil {
		return usagef("%s has a journal (%s): it is being applied; write the new plan elsewhere", path, journalPath(path))
	}
	return review.WritePlanFile(path, p, a.redacted)
}

// readPolicyFile reads --policy, or gives the default policy (no action) for "".
//
// A policy is JSON, or YAML in a file named *.yaml or *.yml: YAML is read into the same
// structure and checked as strictly, as JSON.
func readPolicyFile(path string) (review.Policy, error) {
	if path == "" {
		return review.DefaultPolicy, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return review.Policy{}, usagef("--policy: %v", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		// Converted line for line, so that the errors below point into the YAML.
		var se *yamljson.SyntaxError
		if data, err = yamljson.Convert(data); errors.As(err, &se) {
			return review.Policy{}, usagef("--policy %s:%d:%d: %s", path, se.Line, se.Column, se.Msg)
		}
	}
	p, err := review.ParsePolicy(data, path)
	if err != nil {
		return review.Policy{}, usagef("--policy %v", err)
	}
	return p, nil
}

// countsLine says what a plan holds: "3 actions: 2 delete-token, 1 set-role".
func countsLine(p review.Plan) string {
	c := p.Counts()
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", c[review.ActionKind(k)], k)
	}
	s := fmt.Sprintf("%d action%s", len(p.Actions), plural(len(p.Actions)))
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

// what says what an action changes, for people.
func what(a review.Action) string {
	switch a.Kind {
	case review.SetRole:
		s := "role " + orDash(a.State.Role) + " → " + a.Role
		if a.CustomRoles != nil {
			s += ", no custom roles"
		}
		return s
	case review.RemoveCustomRoles:
		return "custom roles " + strings.Join(a.State.CustomRoles, " ") + " → none"
	case review.ResetToken:
		if g := a.Grace(); g > 0 {
			return "old secret expires in " + review.FormatAge(g)
		}
		return "old secret stops at once"
	}
	return ""
}

// planView shows a plan: what it is for, its counts, one row per action.
func planView(p review.Plan) view {
	s := section{
		Title: fmt.Sprintf("Plan for account %s (%s) on %s, reviewed %s: %s", p.Account.OwnerEmail, p.Account.OwnerID,
			p.Instance, p.ReviewedAt.UTC().Format(time.RFC3339), countsLine(p)),
		Header: []string{"action", "subject", "id", "name", "change", "reasons"},
		Empty:  "nothing to do",
	}
	for _, a := range p.Actions {
		s.Rows = append(s.Rows, []string{string(a.Kind), a.Subject, a.ObjectID, a.Name, what(a), joinFindings(a.Reasons)})
	}
	return view{JSON: p, Sections: []section{s}}
}

// outcomesJSON is the JSON form of an apply's result.
type outcomesJSON struct {
	Counts   map[review.Status]int `json:"counts"`
	Outcomes []outcomeJSON         `json:"outcomes"`
}

type outcomeJSON struct {
	Action  string        `json:"action"`
	Status  review.Status `json:"status"`
	Detail  string        `json:"detail,omitempty"`
	Earlier bool          `json:"earlier,omitempty"`
}

// resultView shows an apply's outcomes and the summary of them.
func resultView(res review.Result, title string) view {
	counts := res.Counts()
	// The summary tells this run's outcomes from those an earlier run recorded.
	byLabel := map[string]int{}
	for _, o := range res.Outcomes {
		byLabel[outcomeLabel(o)]++
	}
	sum := section{Title: title, Header: []string{"status", "count"}}
	for _, earlier := range []bool{false, true} {
		for _, st := range []review.Status{review.Applied, review.Reconciled, review.Already, review.WouldApply, review.Changed, review.Refused, review.SecretLost, review.Failed} {
			l := outcomeLabel(review.Outcome{Status: st, Earlier: earlier})
			if byLabel[l] > 0 {
				sum.Rows = append(sum.Rows, []string{l, strconv.Itoa(byLabel[l])})
			}
		}
	}
	rows := section{Title: "Actions", Header: []string{"action", "name", "status", "detail"}, Empty: "no actions"}
	j := outcomesJSON{Counts: counts, Outcomes: []outcomeJSON{}}
	for _, o := range res.Outcomes {
		rows.Rows = append(rows.Rows, []string{o.Action.ID, o.Action.Name, outcomeLabel(o), o.Detail})
		j.Outcomes = append(j.Outcomes, outcomeJSON{Action: o.Action.ID, Status: o.Status, Detail: o.Detail, Earlier: o.Earlier})
	}
	return view{JSON: j, Sections: []section{rows, sum}}
}

// outcomeLabel is an outcome's status, marked when an earlier run decided it.
func outcomeLabel(o review.Outcome) string {
	if o.Earlier {
		return string(o.Status) + " (earlier run)"
	}
	return string(o.Status)
}

// applyFlags are the flags apply and offboard share.
type applyFlags struct {
	yes, dryRun, perMember bool
	exec                   string
}

func (f *applyFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVar(&f.dryRun, "dry-run", false, "re-read every object and show what would be sent, sending nothing")
	fl.BoolVar(&f.perMember, "per-member", false, "send role changes as one PATCH per member rather than a semantic patch per batch")
	fl.StringVar(&f.exec, "exec", "", "for reset-token actions: a shell command that receives each new secret on stdin")
}

// applyPlan shows the plan, asks once, applies it with its journal beside planPath and
// prints the outcomes. The error says how it went: nil when every action is done.
func (a *app) applyPlan(ctx context.Context, c *wrapper.Client, p review.Plan, planPath string, f applyFlags) error {
	if !f.dryRun {
		if err := a.canConfirm(f.yes, "apply"); err != nil {
			return err
		}
	}
	if a.format == formatTable {
		if err := render(a.stderr, formatTable, planView(p)); err != nil {
			return err
		}
	}
	opts := review.ApplyOptions{DryRun: f.dryRun, PerMember: f.perMember, Now: a.now}
	if f.exec != "" {
		opts.Secret = func(ctx context.Context, act review.Action, t api.Token) error {
			return a.handOver(ctx, f.exec, t)
		}
	}
	n := 0
	opts.OnOutcome = func(review.Outcome) {
		n++
		a.status.setProgress("actions", n, len(p.Actions), false)
	}
	var j *review.Journal
	if !f.dryRun {
		q := fmt.Sprintf("Apply %s to %s?", countsLine(p), p.Instance)
		if err := a.confirmDestructive(ctx, f.yes, "apply", func() (string, error) { return q, nil }); err != nil {
			return err
		}
	}
	// A dry run reads the journal of a plan already begun, so that what is done shows as done;
	// it records nothing, and creates none.
	if !f.dryRun || fileExists(journalPath(planPath)) {
		var err error
		if f.dryRun {
			j, err = review.ReadJournal(journalPath(planPath), p) // writes nothing, locks nothing
		} else {
			j, err = review.OpenJournal(journalPath(planPath), p)
		}
		switch {
		case err != nil && f.dryRun && errors.Is(err, review.ErrAnotherPlan):
			a.status.notef("%s belongs to another plan; the dry run does not use it", journalPath(planPath))
		case err != nil:
			return err
		default:
			defer j.Close()
		}
	}
	res, err := review.Apply(ctx, c, p, j, opts)
	a.status.clear()
	title := "Applied " + planPath
	if f.dryRun {
		title = "Dry run of " + planPath + " (nothing sent)"
	}
	if rerr := a.render(resultView(res, title)); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		if errors.Is(err, review.ErrWrongAccount) {
			return usagef("%v", err)
		}
		if j != nil {
			return fmt.Errorf("%w; the journal %s records how far it got: run the same command again to resume", err, j.Path())
		}
		return err
	}
	counts := res.Counts()
	problems := counts[review.Failed] + counts[review.Refused] + counts[review.SecretLost]
	switch {
	case problems > 0:
		msg := fmt.Sprintf("%d of %d actions not applied", problems, len(p.Actions))
		if slices.ContainsFunc(res.Outcomes, func(o review.Outcome) bool {
			return o.Status == review.Refused && o.Detail == review.ErrIdentityProvider.Error()
		}) {
			msg += "; " + review.ErrIdentityProvider.Error() // not for the owner, the caller or its token
		}
		if counts[review.Failed] > 0 {
			msg += "; run the same command again to retry the failed ones"
		}
		return &outcomeError{code: exitError, msg: msg}
	case counts[review.Changed] > 0:
		return &outcomeError{code: exitFindings, msg: fmt.Sprintf("%d of %d actions skipped: their object changed since the plan", counts[review.Changed], len(p.Actions))}
	}
	return nil
}

func (a *app) applyCmd() *cobra.Command {
	var f applyFlags
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
standard input (with LDACCESS_TOKEN_ID and LDACCESS_TOKEN_NAME in its environment).

Exit codes: 0 every action applied (or already done), 1 some failed or were refused (run
again to retry failures), 3 some skipped because their object changed since the plan.`,
		Example: `  ldaccess audit --plan plan.json --policy policy.json
  ldaccess apply plan.json --dry-run
  ldaccess apply plan.json --yes`,
		Args: exactArgs(1, "one plan file"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(a.path(args[0]))
			if err != nil {
				return usagef("%v", err)
			}
			p, err := review.ParsePlan(data, args[0])
			if err != nil {
				return usagef("%v", err)
			}
			inst, err := a.instanceName()
			if err != nil {
				return err
			}
			if p.Instance != "" && p.Instance != inst {
				return usagef("the plan is for %s, not %s: connect with --base-url %s (or --fake)", p.Instance, inst, p.Instance)
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			return a.applyPlan(cmd.Context(), c, p, a.path(args[0]), f)
		}),
	}
	f.register(cmd)
	return cmd
}

// planNote tells on stderr where a plan went and how to apply it.
func (a *app) planNote(path string, p review.Plan) {
	a.status.notef("wrote a plan of %s to %s; review it, then: ldaccess apply %s", countsLine(p), path, path)
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
