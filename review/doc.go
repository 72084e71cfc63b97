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
// its Findings, and who ran the review. NewPlan turns findings into Actions as a Policy says
// (nothing destructive unless the policy asks for it), each with the state of the object it
// was judged on. Apply carries a plan out exactly: it re-reads every object first and skips
// any whose state changed since the review, batches role changes into semantic patches, and
// records each action's intent and outcome in a Journal, so that an interrupted apply resumes
// where it stopped and never applies an action twice. Rotate resets one token and hands its new
// secret over; Offboard plans people's departure.
//
// A Report says what it covered (Coverage; Incomplete words what a token that is not an
// admin's could not see) and who ran it where (Caller, Account, Instance, BaseURL), ranks its
// findings by one rule (Finding.Risk), and is written as versioned JSON evidence a row at a
// time (WriteReport, ReadReport); Diff compares two reviews of an account by object ID, and
// ReadRemedies attaches what an applied plan's journal records. Run keeps a few hundred bytes
// per member (Member), so that a review of 100,000 members peaks at about 90 MB.
//
// Whatever a policy or a hand-edited plan says, three rules hold, each decided in one place:
//
//   - A plan only takes access away: every action leaves its object with strictly less access
//     by RoleOrder (reset-token: the same), checked when a policy is read, when a plan is made
//     and read, and just before each change on the object as it is then.
//   - A plan never acts on the ground it stands on: the account owner, the member the client
//     acts as (for a service token, the member the token belongs to), or the token it runs
//     with (Caller); they are refused at plan time with the reason (Plan.Refused) and again
//     by Apply.
//   - Plans and journals are files opened one safe way: no symbolic link followed, never a
//     file that is not theirs, 0600 from the first byte, the directory synced; a dry run
//     (ReadJournal) writes and locks nothing.
package review
