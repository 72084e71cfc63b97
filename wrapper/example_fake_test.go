package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// These examples run against the package fake, an in-memory LaunchDarkly: your own tests can
// do the same. Real programs leave out WithBaseURL, or give BaseURLEU or BaseURLFederal.

// Create a service token. Its secret is in the answer only this once: store it now.
func ExampleClient_CreateToken() {
	srv := fake.NewServer(fake.Options{})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()

	name, role, service := "deploy-bot", api.AccessTokenPostRoleWriter, true
	tok, err := c.CreateToken(ctx, api.AccessTokenPost{Name: name, Role: role, ServiceToken: service})
	if err != nil {
		log.Fatal(err)
	}
	secret := tok.Secret
	fmt.Println(tok.Name, tok.Role, tok.ServiceToken, len(secret))

	// Afterwards, reads show only the secret's last four characters.
	tok, err = c.GetToken(ctx, tok.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Secret == secret[len(secret)-4:])
	// Output:
	// deploy-bot writer true 40
	// true
}

// Invite people as writers on a team. An invitation is all or nothing: when one address
// cannot be invited, nobody is, and the error names the address.
func ExampleClient_InviteMembers() {
	srv := fake.NewServer(fake.Options{Account: fake.Seed(fake.SeedOptions{Members: 10, Seed: 1})})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()

	writer, teams := api.NewMemberFormRoleWriter, []string{"platform"}
	invited, err := c.InviteMembers(ctx,
		api.NewMemberForm{Email: "sandy@acme.com", Role: writer, TeamKeys: teams},
		api.NewMemberForm{Email: "omar@acme.com", Role: writer, TeamKeys: teams},
	)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range invited {
		fmt.Println(m.Email, m.Role, m.PendingInvite)
	}

	_, err = c.InviteMembers(ctx,
		api.NewMemberForm{Email: "noor@acme.com", Role: writer},
		api.NewMemberForm{Email: "sandy@acme.com", Role: writer}, // invited already
	)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.InvalidEmails)
	}
	// Output:
	// sandy@acme.com writer true
	// omar@acme.com writer true
	// 400 [sandy@acme.com]
}

// Promote a reader to writer, but only if nobody changed the role meanwhile: with a Test
// operation first, LaunchDarkly refuses the whole patch with a conflict rather than overwrite
// someone else's change.
func ExampleClient_PatchMember() {
	srv := fake.NewServer(fake.Options{})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()
	reader := api.NewMemberFormRoleReader
	invited, err := c.InviteMembers(ctx, api.NewMemberForm{Email: "sandy@acme.com", Role: reader})
	if err != nil {
		log.Fatal(err)
	}
	id := invited[0].ID

	m, err := c.PatchMember(ctx, id, wrapper.Test("/role", "reader"), wrapper.Replace("/role", "writer"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Email, m.Role)

	// The same patch again: the role is no longer "reader".
	_, err = c.PatchMember(ctx, id, wrapper.Test("/role", "reader"), wrapper.Replace("/role", "writer"))
	fmt.Println(errors.Is(err, wrapper.ErrConflict))
	// Output:
	// sandy@acme.com writer
	// true
}

// Every token of the account, a page of two at a time, stopping early once a service token
// turns up: the iterator requests no page after break.
func ExampleClient_Tokens() {
	srv := fake.NewServer(fake.Options{})
	defer srv.Close()
	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()
	for _, name := range []string{"ci", "terraform", "deploy-bot", "backstage", "scim"} {
		role, service := api.AccessTokenPostRoleReader, name == "deploy-bot"
		if _, err := c.CreateToken(ctx, api.AccessTokenPost{Name: name, Role: role, ServiceToken: service}); err != nil {
			log.Fatal(err)
		}
	}

	for tok, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tok.Name)
		if tok.ServiceToken {
			break
		}
	}
	// Output:
	// ldaccess fake admin
	// ci
	// terraform
	// deploy-bot
}

// Retry up to seven times, with shorter backoff than the default, and report each retry.
// LaunchDarkly's rate limits (429) are retried for every request, 502, 503 and 504 for those
// that can safely be sent twice.
func ExampleWithRetry() {
	// A fake whose first two answers to GET /api/v2/members/{id} are a 503 and a 502.
	srv := fake.NewServer(fake.Options{Faults: &fake.Faults{Script: []fake.ScriptedFault{
		{OperationID: "getMember", Nth: 1, Kind: fake.Fault503},
		{OperationID: "getMember", Nth: 2, Kind: fake.Fault502},
	}}})
	defer srv.Close()

	c, err := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL), wrapper.WithRetry(wrapper.RetryPolicy{
		MaxAttempts: 8,               // the first attempt and up to seven retries
		MaxWait:     2 * time.Minute, // a rate limit that asks for a longer wait fails at once
		BaseDelay:   10 * time.Millisecond,
		OnRetry: func(e wrapper.RetryEvent) {
			fmt.Printf("%s %s: attempt %d answered %d; retrying (%s)\n", e.Method, e.Path, e.Attempt, e.StatusCode, e.Reason)
		},
	}))
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.GetMember(context.Background(), "me")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Role)
	// Output:
	// GET /api/v2/members/me: attempt 1 answered 503; retrying (backoff)
	// GET /api/v2/members/me: attempt 2 answered 502; retrying (backoff)
	// owner
}
