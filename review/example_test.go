package review_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// These examples run against the package fake, an in-memory LaunchDarkly. A real program
// makes its client with wrapper.New(token) alone.

// Rotate a token and hand its new secret to a secret manager. The old secret keeps working
// for an hour (DefaultGrace), so that a hand-over that fails strands nothing: the error says
// until when the old secret works and how to recover.
func ExampleRotate() {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	srv := fake.NewServer(fake.Options{Now: func() time.Time { return now }})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()
	tok, _ := c.CreateToken(ctx, api.AccessTokenPost{Name: "deploy-bot", Role: api.AccessTokenPostRoleWriter, ServiceToken: true})

	store := func(ctx context.Context, t api.Token) error {
		return errors.New("vault: permission denied") // say, a policy forgot the new path
	}
	_, err := review.Rotate(ctx, c, tok.ID, review.RotateOptions{Handover: store, Now: func() time.Time { return now }})
	var he *review.HandoverError
	if errors.As(err, &he) {
		fmt.Println("hand-over failed; old secret works until", he.OldSecretUntil.Format(time.Kitchen))
		// Recover: fix the hand-over and rotate again, ending the lost secret at once.
		store = func(ctx context.Context, t api.Token) error { return nil }
		rot, err := review.Rotate(ctx, c, tok.ID, review.RotateOptions{Handover: store, ExpireOldIn: review.ExpireOldAtOnce})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("rotated", rot.Token.Name)
	}
	// Output:
	// hand-over failed; old secret works until 1:00PM
	// rotated deploy-bot
}

// Offboard a leaver: their personal tokens deleted, the service tokens they own reported (a
// policy rule for owner-gone would act on them), then the member removed, as a plan that
// Apply carries out with a journal.
func ExampleOffboard() {
	srv := fake.NewServer(fake.Options{})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()
	invited, _ := c.InviteMembers(ctx, api.NewMemberForm{Email: "ariel@acme.com", Role: api.NewMemberFormRoleReader})
	tok, _ := srv.IssueToken(invited[0].ID, "reader")

	ob, err := review.Offboard(ctx, c, []string{"ariel@acme.com", "nobody@acme.com"}, review.OffboardOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if ob.Empty() {
		return // nobody matched: nothing to write
	}
	fmt.Println("not found:", ob.NotFound)
	for _, a := range ob.Plan.Actions {
		fmt.Println(a.Kind, a.ObjectID == tok.ID || a.ObjectID == invited[0].ID)
	}

	dir, _ := os.MkdirTemp("", "offboard")
	defer os.RemoveAll(dir)
	j, err := review.OpenJournal(filepath.Join(dir, "offboard.plan.json.journal"), ob.Plan)
	if err != nil {
		log.Fatal(err)
	}
	defer j.Close()
	res, err := review.Apply(ctx, c, ob.Plan, j, review.ApplyOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Counts())
	// Output:
	// not found: [nobody@acme.com]
	// delete-token true
	// remove-member true
	// map[applied:2]
}

// A plan only takes access away: a policy whose rule could raise someone's role is refused
// when read, naming the rule.
func ExampleReadPolicy() {
	_, err := review.ParsePolicy([]byte(`{"rules": [
  {"finding": "no-team", "action": "set-role", "role": "writer"}
]}`), "policy.json")
	fmt.Println(err)
	// Output:
	// policy.json:2:3: rule 1 (no-team → set-role writer): could raise access: a member it flags may be no_access, and writer is not lower
}

// Review an account every quarter, keep each review as evidence, and show what changed since
// the last: here a plan that deleted the stale tokens, whose journal says so.
func ExampleDiff() {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := fake.NewServer(fake.Options{Account: fake.Seed(fake.SeedOptions{Members: 200, Tokens: 20, Seed: 4, Now: now}), Now: clock})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "quarter")
	defer os.RemoveAll(dir)

	first, err := review.Run(ctx, c, review.Options{Now: clock, Version: "my-job 1.0"})
	if err != nil {
		log.Fatal(err)
	}
	evidence, _ := os.Create(filepath.Join(dir, "review-q1.json"))
	if err := review.WriteReport(evidence, first); err != nil {
		log.Fatal(err)
	}
	evidence.Close()

	plan, _ := review.NewPlan(first, review.Policy{Rules: []review.Rule{{Finding: review.TokenStale, Action: review.DeleteToken}}})
	journal := filepath.Join(dir, "plan.json.journal")
	j, _ := review.OpenJournal(journal, plan)
	if _, err := review.Apply(ctx, c, plan, j, review.ApplyOptions{}); err != nil {
		log.Fatal(err)
	}
	j.Close()

	second, _ := review.Run(ctx, c, review.Options{Now: clock})
	f, _ := os.Open(filepath.Join(dir, "review-q1.json"))
	old, err := review.ReadReport(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	changes, err := review.Diff(old, second)
	if err != nil {
		log.Fatal(err)
	}
	remedies, _ := review.ReadRemedies(journal)
	changes.Attach(remedies)
	fmt.Println("complete:", second.Incomplete() == "")
	fmt.Println("deleted:", len(plan.Actions), "tokens")
	for _, ch := range changes.Changes {
		if ch.Kind == review.ChangeResolved && ch.Finding == review.TokenStale {
			fmt.Println(ch.Kind, ch.Finding, ch.Remedy.Action, ch.Remedy.Status)
		}
	}
	fmt.Println("still open:", changes.Count(review.ChangeOpen) > 0, "new:", changes.Count(review.ChangeNew))
	// Output:
	// complete: true
	// deleted: 5 tokens
	// resolved stale delete-token applied
	// resolved stale delete-token applied
	// resolved stale delete-token applied
	// resolved stale delete-token applied
	// resolved stale delete-token applied
	// still open: true new: 0
}
