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
