package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// findingOffboard is the reason of every action of an offboarding plan.
const findingOffboard review.Finding = "offboarding"

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

// offboardPlan builds the plan of an offboarding: each member's personal tokens deleted
// (unless keepTokens), then the member removed. It returns the addresses no member has, and
// the tokens kept.
func (a *app) offboardPlan(ctx context.Context, c *wrapper.Client, emails []string, keepTokens bool) (review.Plan, []string, []api.Token, error) {
	var owners []api.Member
	for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"owner"}}}) {
		if err != nil {
			return review.Plan{}, nil, nil, err
		}
		if m.Role == "owner" {
			owners = append(owners, m)
		}
	}
	if len(owners) == 0 {
		return review.Plan{}, nil, nil, errors.New("the account has no owner to identify it by")
	}
	found := map[string]api.Member{}
	for batch := range slices.Chunk(emails, 50) {
		for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Emails: batch}}) {
			if err != nil {
				return review.Plan{}, nil, nil, fmt.Errorf("finding the members: %w", err)
			}
			found[strings.ToLower(m.Email)] = m
		}
	}
	var missing []string
	byID := map[string]api.Member{}
	for _, e := range emails {
		m, ok := found[strings.ToLower(e)]
		if !ok {
			missing = append(missing, e)
			continue
		}
		byID[m.ID] = m
	}
	p := review.Plan{
		Format: review.PlanFormat, Account: review.Account{OwnerID: owners[0].ID, OwnerEmail: owners[0].Email},
		ReviewedAt: a.now().UTC(), Actions: []review.Action{},
	}
	var kept []api.Token
	if len(byID) > 0 {
		for t, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: true}) {
			if err != nil {
				return review.Plan{}, nil, nil, fmt.Errorf("listing tokens: %w", err)
			}
			m, ok := byID[t.OwnerID]
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
	}
	for _, e := range emails {
		m, ok := found[strings.ToLower(e)]
		if !ok || slices.ContainsFunc(p.Actions, func(x review.Action) bool { return x.ObjectID == m.ID }) {
			continue
		}
		if m.Role == "owner" {
			return review.Plan{}, nil, nil, usagef("%s is the account owner, who cannot be offboarded", m.Email)
		}
		p.Actions = append(p.Actions, review.Action{
			ID: string(review.RemoveMember) + ":" + m.ID, Kind: review.RemoveMember, Subject: "member", ObjectID: m.ID,
			Name: m.Email, Reasons: []review.Finding{findingOffboard}, State: review.MemberState(m),
		})
	}
	return p, missing, kept, nil
}

func (a *app) membersOffboardCmd() *cobra.Command {
	var f applyFlags
	var from, planPath string
	var keepTokens bool
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
		Example: `  ldaccess members offboard ariel@example.com --yes
  ldaccess members offboard --from leavers.csv --keep-tokens --dry-run`,
		Args: cobra.ArbitraryArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			from, planPath := a.path(from), a.path(planPath)
			emails := append([]string(nil), args...)
			if from != "" {
				file, err := os.Open(from)
				if err != nil {
					return usagef("--from: %v", err)
				}
				more, err := readEmails(file)
				file.Close()
				if err != nil {
					return usagef("--from %s: %v", from, err)
				}
				emails = append(emails, more...)
			}
			if len(emails) == 0 {
				return usagef("members offboard takes email addresses, or --from FILE")
			}
			for _, e := range emails {
				if !strings.Contains(e, "@") || strings.ContainsAny(e, ",|") {
					return usagef("%q is not an email address", e)
				}
			}
			if !f.dryRun {
				if err := a.canConfirm(f.yes, "members offboard"); err != nil {
					return err
				}
				if fileExists(planPath) {
					return usagef("%s exists: resume it with 'ldaccess apply %s', or choose another --plan", planPath, planPath)
				}
			}
			c, err := a.connect(ctx)
			if err != nil {
				return err
			}
			p, missing, kept, err := a.offboardPlan(ctx, c, emails, keepTokens)
			if err != nil {
				return err
			}
			if p.Instance, err = a.instanceName(); err != nil {
				return err
			}
			for _, e := range missing {
				a.status.notef("no member has the address %s", e)
			}
			for _, t := range kept {
				a.status.notef("kept token %s (%s) of %s (--keep-tokens)", t.ID, t.Name, tokenOwner(t))
			}
			if !f.dryRun {
				if err := a.writePlanFile(planPath, p); err != nil {
					return err
				}
			}
			err = a.applyPlan(ctx, c, p, planPath, f)
			if err == nil && len(missing) > 0 {
				return &outcomeError{code: exitError, msg: fmt.Sprintf("%d address%s matched no member", len(missing), pluralES(len(missing)))}
			}
			return err
		}),
	}
	f.register(cmd)
	cmd.Flags().StringVar(&from, "from", "", "read email addresses from this CSV file")
	cmd.Flags().StringVar(&planPath, "plan", "offboard.plan.json", "where to write the plan (its journal goes beside it)")
	cmd.Flags().BoolVar(&keepTokens, "keep-tokens", false, "list the members' personal tokens instead of deleting them")
	return cmd
}
