package members

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// findingOffboard is the reason of every action of an offboarding plan.
const findingOffboard review.Finding = "offboarding"

// OffboardOptions are "members offboard"'s.
type OffboardOptions struct {
	cmdutil.Env
	Emails     []string
	PlanPath   string
	KeepTokens bool
	Apply      plans.ApplyOptions
	// Target is the account, for the plan's instance.
	Target func() (connect.Target, error)
}

// NewCmdOffboard is "members offboard". runF, when not nil, runs instead of offboardRun
// (tests).
func NewCmdOffboard(f *cmdutil.Factory, runF func(context.Context, *OffboardOptions) error) *cobra.Command {
	opts := &OffboardOptions{Env: f.Env(), Apply: plans.ApplyOptions{Dir: f.Dir}, Target: f.Target}
	var from string
	cmd := &cobra.Command{
		Use:   "offboard EMAIL... [--from FILE]",
		Short: "Remove people from the account and delete their personal tokens, as one resumable plan",
		Long: `Offboard members by email: delete the personal tokens they own (or, with --keep-tokens, only
list them) and remove them from the account. The changes are written as a plan (--plan,
default offboard.plan.json) and applied as apply does, with a journal beside it: if the run is
interrupted, "ldaccess apply PLAN" resumes it and nothing is done twice.

--from reads addresses from a CSV file: the column headed "email", or the first column.

When an identity provider manages the account's members (SCIM, or SAML with role sync),
LaunchDarkly refuses to remove them: offboard says so, and the person must be deprovisioned
in the identity provider. Their tokens are still deleted.`,
		Example: `  ldaccess members offboard yusuf.sousa@contractor.dev --yes
  ldaccess members offboard --from leavers.csv --keep-tokens --dry-run`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Apply.SetResume(cmd, opts.PlanPath) // the plan as the user named it
			opts.PlanPath = f.Path(opts.PlanPath)
			emails, err := offboardEmails(args, f.Path(from))
			if err != nil {
				return err
			}
			opts.Emails = emails
			if err := opts.Apply.CheckConfirmable(opts.Env, "members offboard"); err != nil {
				return err
			}
			if !opts.Apply.DryRun && plans.Exists(opts.PlanPath) {
				return clierr.Usagef("%s exists: choose another --plan, or resume it: %s", opts.PlanPath, opts.Apply.Resume)
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
	return cmd
}

// offboardEmails are the addresses given as arguments and in the CSV file from.
func offboardEmails(args []string, from string) ([]string, error) {
	emails := append([]string(nil), args...)
	if from != "" {
		file, err := os.Open(from)
		if err != nil {
			return nil, clierr.Usagef("--from: %v", err)
		}
		more, err := readEmails(file)
		file.Close()
		if err != nil {
			return nil, clierr.Usagef("--from %s: %v", from, err)
		}
		emails = append(emails, more...)
	}
	if len(emails) == 0 {
		return nil, clierr.Usagef("members offboard takes email addresses, or --from FILE")
	}
	for _, e := range emails {
		if !isEmail(e) || strings.ContainsAny(e, ",|") {
			return nil, clierr.Usagef("%q is not an email address", e)
		}
	}
	return emails, nil
}

// readEmails reads addresses from a CSV file: the column headed "email" if there is one,
// else the first column; blank lines and cells are skipped.
func readEmails(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	col := 0
	if len(recs) > 0 {
		for i, h := range recs[0] {
			if strings.EqualFold(strings.TrimSpace(h), "email") {
				col = i
				recs = recs[1:]
				break
			}
		}
	}
	var out []string
	for _, rec := range recs {
		if col < len(rec) && strings.TrimSpace(rec[col]) != "" {
			out = append(out, strings.TrimSpace(rec[col]))
		}
	}
	return out, nil
}

func offboardRun(ctx context.Context, opts *OffboardOptions) error {
	t, err := opts.Target()
	if err != nil {
		return err
	}
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	p, missing, kept, err := offboardPlan(ctx, c, opts.Emails, opts.KeepTokens, opts.Now())
	if err != nil {
		return err
	}
	if p.Instance, err = t.PlanInstance(); err != nil {
		return err
	}
	for _, e := range missing {
		opts.IO.Notef("no member has the address %s", e)
	}
	for _, t := range kept {
		opts.IO.Notef("kept token %s (%s) of %s (--keep-tokens)", t.ID, t.Name, present.TokenOwner(t))
	}
	if !opts.Apply.DryRun {
		if err := plans.Write(opts.IO, opts.PlanPath, p); err != nil {
			return err
		}
	}
	err = plans.Apply(ctx, opts.Env, c, p, opts.PlanPath, opts.Apply)
	if err == nil && len(missing) > 0 {
		return &clierr.OutcomeError{Code: clierr.ExitError, Msg: fmt.Sprintf("%d address%s matched no member", len(missing), cmdutil.PluralES(len(missing)))}
	}
	return err
}

// offboardPlan builds the plan of an offboarding: each member's personal tokens deleted
// (unless keepTokens), then the member removed. It returns the addresses no member has, and
// the tokens kept.
func offboardPlan(ctx context.Context, c *wrapper.Client, emails []string, keepTokens bool, now time.Time) (review.Plan, []string, []api.Token, error) {
	owner, err := accountOwner(ctx, c)
	if err != nil {
		return review.Plan{}, nil, nil, err
	}
	found, err := membersByEmail(ctx, c, emails)
	if err != nil {
		return review.Plan{}, nil, nil, err
	}
	var missing []string
	byID := map[string]api.Member{}
	for _, e := range emails {
		if m, ok := found[strings.ToLower(e)]; ok {
			byID[m.ID] = m
		} else {
			missing = append(missing, e)
		}
	}
	p := review.Plan{
		Format: review.PlanFormat, Account: review.Account{OwnerID: owner.ID, OwnerEmail: owner.Email},
		ReviewedAt: now.UTC(), Actions: []review.Action{},
	}
	kept, err := tokenActions(ctx, c, &p, byID, keepTokens)
	if err != nil {
		return review.Plan{}, nil, nil, err
	}
	for _, e := range emails {
		m, ok := found[strings.ToLower(e)]
		if !ok || slices.ContainsFunc(p.Actions, func(x review.Action) bool { return x.ObjectID == m.ID }) {
			continue
		}
		if m.Role == "owner" {
			return review.Plan{}, nil, nil, clierr.Usagef("%s is the account owner, who cannot be offboarded", m.Email)
		}
		p.Actions = append(p.Actions, review.Action{
			ID: string(review.RemoveMember) + ":" + m.ID, Kind: review.RemoveMember, Subject: "member", ObjectID: m.ID,
			Name: m.Email, Reasons: []review.Finding{findingOffboard}, State: review.MemberState(m),
		})
	}
	return p, missing, kept, nil
}

// accountOwner is the member who owns the account: the plan names the account by them.
func accountOwner(ctx context.Context, c *wrapper.Client) (api.Member, error) {
	for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"owner"}}}) {
		if err != nil {
			return api.Member{}, err
		}
		if m.Role == "owner" {
			return m, nil
		}
	}
	return api.Member{}, errors.New("the account has no owner to identify it by")
}

// membersByEmail finds the members with the addresses, by lower-cased address.
func membersByEmail(ctx context.Context, c *wrapper.Client, emails []string) (map[string]api.Member, error) {
	found := map[string]api.Member{}
	for batch := range slices.Chunk(emails, 50) {
		for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Emails: batch}}) {
			if err != nil {
				return nil, fmt.Errorf("finding the members: %w", err)
			}
			found[strings.ToLower(m.Email)] = m
		}
	}
	return found, nil
}

// tokenActions adds to p the deletion of the personal tokens the members own, or, with
// keepTokens, returns them instead.
func tokenActions(ctx context.Context, c *wrapper.Client, p *review.Plan, members map[string]api.Member, keepTokens bool) ([]api.Token, error) {
	if len(members) == 0 {
		return nil, nil
	}
	var kept []api.Token
	for t, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: true}) {
		if err != nil {
			return nil, fmt.Errorf("listing tokens: %w", err)
		}
		m, ok := members[t.OwnerID]
		if !ok || t.ServiceToken {
			continue
		}
		if keepTokens {
			kept = append(kept, review.MaskSecret(t))
			continue
		}
		p.Actions = append(p.Actions, review.Action{
			ID: string(review.DeleteToken) + ":" + t.ID, Kind: review.DeleteToken, Subject: "token", ObjectID: t.ID,
			Name: fmt.Sprintf("%s (owner %s)", t.Name, m.Email), Reasons: []review.Finding{findingOffboard},
			State: review.TokenState(t),
		})
	}
	return kept, nil
}
