// Package review is ldaccess's access review and remediation as a library, so that a
// scheduled job or a function can run the review the ldaccess command runs, without the
// command:
//
//	r, err := review.Run(ctx, client, review.Options{StaleAfter: 90 * 24 * time.Hour})
//	plan, err := review.NewPlan(r, policy)
//	j, err := review.OpenJournal(path+".journal", plan)
//	defer j.Close()
//	res, err := review.Apply(ctx, client, plan, j, review.ApplyOptions{})
//
// Run lists every member and token and returns a Report: one row per token and member with
// its Findings. NewPlan turns findings into Actions as a Policy says (nothing destructive
// unless the policy asks for it), each with the state of the object it was judged on. Apply
// carries a plan out exactly: it re-reads every object first and skips any whose state
// changed since the review, batches role changes into semantic patches, and records each
// action's intent and outcome in a Journal, so that an interrupted apply resumes where it
// stopped and never applies an action twice.
package review
