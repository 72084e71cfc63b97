package members

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
)

// OffboardOptions are "members offboard"'s.
type OffboardOptions struct {
	cmdutil.Env
	Emails     []string
	PlanPath   string
	KeepTokens bool
	// Policy decides what becomes of the people's service tokens (its owner-gone rules).
	Policy review.Policy
	Apply  plans.ApplyOptions
	// Target is the account, for the plan's instance.
	Target func() (connect.Target, error)
}

// NewCmdOffboard is "members offboard". runF, when not nil, runs instead of offboardRun
// (tests).
func NewCmdOffboard(f *cmdutil.Factory, runF func(context.Context, *OffboardOptions) error) *cobra.Command {
	opts := &OffboardOptions{Env: f.Env(), Target: f.Target}
	var from, policyPath string
	cmd := &cobra.Command{
		Use:   "offboard EMAIL... [--from FILE]",
		Short: "Remove people from the account and delete their personal tokens, as one resumable plan",
		Long: `Offboard members by email: delete the personal tokens they own (or, with --keep-tokens, only
list them) and remove them from the account. The changes are written as a plan (--plan,
default offboard.plan.json) and applied as apply does, with a journal beside it: if the run is
interrupted, "ldaccess apply PLAN" resumes it and nothing is done twice.

The service tokens they own outlive them (owner-gone once they leave): by default they are
listed, not deleted, for someone to decide what becomes of them. A --policy with an owner-gone
rule (delete-token, or reset-token with --exec) acts on them instead, and its "never" list
spares some.

Nothing is written when no address matches a member. A plan already at --plan that is not
finished is never replaced (resume it with apply); a finished one is kept, with its journal,
under a name with its date, and the new plan takes its place. The account owner, and the member
and token ldaccess runs as, are never acted on: they are listed as refused.

--from reads addresses from a CSV file: the column headed "email", or the first column.

When an identity provider manages the account's members (SCIM, or SAML with role sync),
LaunchDarkly refuses to remove them: offboard says so, and the person must be deprovisioned
in the identity provider. Their tokens are still deleted.`,
		Example: `  ldaccess members offboard yusuf.sousa@contractor.dev --yes
  ldaccess members offboard --from leavers.csv --keep-tokens --dry-run
  ldaccess members offboard ariel.ziegler@acme.com --policy offboard-policy.json --plan ariel.plan.json --yes`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Apply.SetResume(cmd, opts.PlanPath) // the plan as the user named it
			opts.PlanPath = f.Path(opts.PlanPath)
			emails, err := offboardEmails(args, f.Path(from))
			if err != nil {
				return err
			}
			opts.Emails = emails
			if opts.Policy, err = plans.ReadPolicy(f.Path(policyPath)); err != nil {
				return err
			}
			if err := opts.Apply.CheckConfirmable(opts.Env, "members offboard"); err != nil {
				return err
			}
			if err := checkPreviousPlan(opts.PlanPath, opts.Apply.DryRun, opts.Apply.Resume); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return offboardRun(cmd.Context(), opts)
		},
	}
	opts.Apply.AddFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", "read email addresses from this CSV file")
	fl.StringVar(&opts.PlanPath, "plan", "offboard.plan.json", "where to write the plan (its journal goes beside it)")
	fl.BoolVar(&opts.KeepTokens, "keep-tokens", false, "list the members' personal tokens instead of deleting them")
	fl.StringVar(&policyPath, "policy", "", "a policy whose owner-gone rules act on the members' service tokens (default: they are listed, not deleted)")
	return cmd
}

// checkPreviousPlan refuses to offboard over a plan that is not finished: it would be lost
// half done. A finished one is kept aside when the new plan is written (plans.Write).
func checkPreviousPlan(path string, dryRun bool, resume string) error {
	if dryRun || !plans.Exists(path) {
		return nil
	}
	finished, err := plans.Finished(path)
	switch {
	case err != nil:
		return clierr.Usagef("%s exists and is not a finished plan (%v): choose another --plan", path, err)
	case !finished:
		return clierr.Usagef("%s exists and is not finished: choose another --plan, or resume it: %s", path, resume)
	}
	return nil
}

// offboardEmails are the addresses given as arguments and in the CSV file from.
func offboardEmails(args []string, from string) ([]string, error) {
	for _, e := range args {
		if err := checkEmail(e); err != nil {
			return nil, clierr.Usagef("%q %v", e, err)
		}
	}
	emails := append([]string(nil), args...)
	if from != "" {
		data, err := cmdutil.ReadFile(from)
		if err != nil {
			return nil, clierr.Usagef("--from: %v", err)
		}
		more, err := readEmails(bytes.NewReader(data))
		if err != nil {
			return nil, clierr.Usagef("--from %s: %v", from, err)
		}
		emails = append(emails, more...)
	}
	if len(emails) == 0 {
		return nil, clierr.Usagef("members offboard takes email addresses, or --from FILE")
	}
	return emails, nil
}

// checkEmail refuses what is not one email address (no @, or a list's separators).
func checkEmail(e string) error {
	if !isEmail(e) || strings.ContainsAny(e, ",|") {
		return errors.New("is not an email address")
	}
	return nil
}

// readEmails reads addresses from a CSV file: the column headed "email" if there is one,
// else the first column; blank lines and cells are skipped. A cell that is not an address is
// an error that names its line and quotes nothing: a file named by mistake (a .env) is not
// printed back.
func readEmails(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	col := 0
	var out []string
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(rec, isEmailHeader); first && i >= 0 {
			col = i
			continue
		}
		if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
			continue
		}
		e := strings.TrimSpace(rec[col])
		if err := checkEmail(e); err != nil {
			line, _ := cr.FieldPos(col)
			return nil, fmt.Errorf("line %d, column %d: the cell %v", line, col+1, err)
		}
		out = append(out, e)
	}
}

func isEmailHeader(h string) bool { return strings.EqualFold(strings.TrimSpace(h), "email") }

func offboardRun(ctx context.Context, opts *OffboardOptions) error {
	t, err := opts.Target()
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	ob, err := review.Offboard(ctx, c, opts.Emails, review.OffboardOptions{Policy: opts.Policy, KeepPersonalTokens: opts.KeepTokens, Now: opts.Now})
	if err != nil {
		return err
	}
	if ob.Plan.Instance, err = t.PlanInstance(); err != nil {
		return err
	}
	noteOffboarding(opts, ob)
	missing := len(ob.NotFound)
	notMatched := &clierr.OutcomeError{Code: clierr.ExitError, Msg: fmt.Sprintf("%d address%s matched no member", missing, cmdutil.PluralES(missing))}
	switch {
	case ob.Empty():
		opts.IO.Notef("no address matched a member: nothing to offboard, and no plan written")
		return notMatched
	case len(ob.Plan.Actions) == 0:
		opts.IO.Notef("nothing to do for the members found: no plan written")
		if len(ob.Plan.Refused) > 0 {
			return &clierr.OutcomeError{Code: clierr.ExitError, Msg: fmt.Sprintf("%d refused", len(ob.Plan.Refused))}
		}
		return nil
	}
	if !opts.Apply.DryRun {
		if err := plans.Write(opts.Env, opts.PlanPath, ob.Plan); err != nil {
			return err
		}
	}
	err = plans.Apply(ctx, opts.Env, c, ob.Plan, opts.PlanPath, opts.Apply)
	if err == nil && missing > 0 {
		return notMatched
	}
	return err
}

// noteOffboarding says on stderr what the offboarding found that the plan does not carry
// out: addresses no member has, tokens it leaves in place and why, members an identity
// provider manages, and what it refuses.
func noteOffboarding(opts *OffboardOptions, ob review.Offboarding) {
	for _, e := range ob.NotFound {
		opts.IO.Notef("no member has the address %s", e)
	}
	for _, t := range ob.KeptTokens {
		opts.IO.Notef("kept personal token %s (%s) of %s (--keep-tokens)", t.ID, t.Name, present.TokenOwner(t))
	}
	for _, t := range ob.ServiceTokens {
		opts.IO.Notef("kept service token %s (%s) of %s: it outlives its owner (owner-gone once they leave), and no owner-gone rule "+
			"of the policy acts on it, so it is listed, not deleted: decide what becomes of it (a --policy rule "+
			`{"finding": "owner-gone", "action": "delete-token"} deletes such tokens)`, t.ID, t.Name, owner(t, ob.Members))
	}
	for _, e := range ob.ManagedByIdentityProvider {
		opts.IO.Notef("%s is managed by an identity provider (SCIM or SAML): LaunchDarkly will refuse to remove them; deprovision them there (their tokens are still deleted)", e)
	}
	plans.NoteRefused(opts.IO, ob.Plan, "not in the plan")
}

// owner names a token's owner among the members being offboarded.
func owner(t api.Token, members []api.Member) string {
	for _, m := range members {
		if m.ID == t.OwnerID {
			return m.Email
		}
	}
	return present.TokenOwner(t)
}
