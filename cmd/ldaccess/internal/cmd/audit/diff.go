package audit

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/review"
)

// DiffOptions are audit diff's.
type DiffOptions struct {
	cmdutil.Env
	Old, New string
	// Journal, when set, is the journal of the plan applied between the two reviews.
	Journal string
	// FailOn: exit 3 when a new finding of this risk or higher appeared ("" never).
	FailOn string
	// AllowPartial accepts a comparison in which either review could not see every token or
	// member (else exit 4).
	AllowPartial bool
}

const diffLong = `Compare two reviews of one account, each written by "ldaccess audit --format json", and list
every finding of either: resolved (in the old, not in the new), new (in the new only), still
open (in both), and, when the new review could not see every token or member, unreviewed (the
new review did not see the object, so the finding may well be open). Tokens and members are
matched by ID, so a renamed token is the same token; a token or member that the new review no
longer lists at all is marked gone.

--journal attaches the record of what was remediated in between: the journal "ldaccess apply"
kept beside the plan it applied (plan.json.journal). Each finding of an object the plan acted
on shows the action and its outcome ("delete-token applied 2026-05-02T10:00:00Z").

Reviews of different accounts, or given newest first, are refused. When the two reviews used
different thresholds, the comparison says so. When either could not see every token or member,
every format says "incomplete comparison: …" and the command ends with exit status 4 unless
--allow-partial accepts it, as audit does.

"ldaccess audit --since OLD.json" reviews the account now and shows the same comparison.
With --fail-on RISK, either exits with status 3 when a new finding of that risk or higher
appeared: a scheduled job that fails on what is new, not on what was already known.`

// NewCmdDiff is "ldaccess audit diff". runF, when not nil, runs instead of diffRun (tests).
func NewCmdDiff(f *cmdutil.Factory, runF func(context.Context, *DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "What changed between two reviews: findings resolved, new and still open",
		Long:  diffLong,
		Example: `  ldaccess audit --format json > review-q1.json
  ldaccess audit --format json > review-q2.json
  ldaccess audit diff review-q1.json review-q2.json
  ldaccess audit diff review-q1.json review-q2.json --format html > changes.html
  ldaccess audit diff review-q1.json review-q2.json --format csv > changes.csv
  ldaccess audit diff review-q1.json review-q2.json --fail-on high`,
		Args:        cmdutil.ExactArgs(2, "two reviews: OLD.json NEW.json"),
		Annotations: map[string]string{"html": "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New, opts.Journal = f.Path(args[0]), f.Path(args[1]), f.Path(opts.Journal)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return diffRun(cmd.Context(), opts)
		},
	}
	cmdutil.EnumFlag(cmd, &opts.FailOn, "fail-on", "", "", cmdutil.Enum{Values: Risks()},
		"exit with status 3 if a new finding of this risk or higher appeared")
	cmd.Flags().BoolVar(&opts.AllowPartial, "allow-partial", false, "accept a comparison in which either review could not see every token or member (else exit status 4)")
	cmd.Flags().StringVar(&opts.Journal, "journal", "", "the journal of the plan applied between the two reviews: the record of what was remediated")
	return cmd
}

func diffRun(_ context.Context, opts *DiffOptions) error {
	old, err := readReview(opts.Old, "OLD")
	if err != nil {
		return err
	}
	new, err := readReview(opts.New, "NEW")
	if err != nil {
		return err
	}
	c, err := compare(old, new, opts.Journal)
	if err != nil {
		return err
	}
	if err := showChanges(opts.Env, c); err != nil {
		return err
	}
	if s := c.Incomplete(); s != "" && opts.AllowPartial {
		opts.IO.Notef("%s", s) // without --allow-partial, diff ends saying so
	}
	return ending(opts.AllowPartial, c.Incomplete(), newAtLeast(c, opts.FailOn), opts.FailOn, true)
}

// since is audit --since: the comparison of the earlier review with the one just made.
func since(opts *Options, rs []review.Report) error {
	if len(rs) > 1 {
		return clierr.Usagef("--since compares one account's reviews: give one --profile, not several or --all-profiles")
	}
	old, err := readReview(opts.Since, "--since")
	if err != nil {
		return err
	}
	c, err := compare(old, rs[0], opts.Journal)
	if err != nil {
		return err
	}
	if err := showChanges(opts.Env, c); err != nil {
		return err
	}
	return ending(opts.AllowPartial, c.Incomplete(), newAtLeast(c, opts.FailOn), opts.FailOn, true)
}

// maxReview is the most a review read for a comparison may hold: a review of 100,000 members
// is about 100 MB.
const maxReview = 1 << 30

// readReview reads one account's review from a file audit --format json wrote.
func readReview(path, what string) (review.Report, error) {
	data, err := safefile.ReadFile(path, maxReview)
	if err != nil {
		return review.Report{}, clierr.Usagef("%s: %v", what, err)
	}
	rs, err := review.ParseReports(data, path)
	if err != nil {
		return review.Report{}, err
	}
	if len(rs) != 1 {
		return review.Report{}, clierr.Usagef("%s holds the reviews of %d accounts; compare one account's (audit --profile NAME --format json)", path, len(rs))
	}
	return rs[0], nil
}

// compare diffs two reviews and attaches a journal's remedies.
func compare(old, new review.Report, journal string) (review.Changes, error) {
	c, err := review.Diff(old, new)
	if err != nil {
		return review.Changes{}, err
	}
	if journal != "" {
		remedies, err := review.ReadRemedies(journal)
		if err != nil {
			return review.Changes{}, err
		}
		c.Attach(remedies)
	}
	return c, nil
}

// showChanges prints a comparison in the format asked for.
func showChanges(env cmdutil.Env, c review.Changes) error {
	if env.Format() == render.HTML {
		return present.WriteChangesHTML(env.IO.Out, c)
	}
	return env.Print(present.Changes(c, env.Format()))
}

// newAtLeast counts the new findings of risk failOn or higher (none when failOn is "").
func newAtLeast(c review.Changes, failOn string) int {
	if failOn == "" {
		return 0
	}
	risk, _ := review.ParseRisk(failOn)
	n := 0
	for _, ch := range c.Changes {
		if ch.Kind == review.ChangeNew && ch.Risk >= risk {
			n++
		}
	}
	return n
}
