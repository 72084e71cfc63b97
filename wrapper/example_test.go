package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// launchDarkly stands in for app.launchdarkly.com in the examples: just enough of the API to
// answer them. Real programs leave out WithBaseURL.
func launchDarkly() *httptest.Server {
	member := func(id, email, role string) string {
		return `{"_id":"` + id + `","email":"` + email + `","role":"` + role + `","_links":{},"_lastSeen":0,` +
			`"_pendingInvite":false,"_verified":true,"creationDate":1500000000000,"customRoles":[],"mfa":"enabled"}`
	}
	token := `{"_id":"t1","name":"deploy-bot","_links":{},"creationDate":1500000000000,"lastModified":1500000000000,` +
		`"memberId":"m1","ownerId":"m1","token":"api-`
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v2/members/me":
			fmt.Fprint(w, member("m1", "ariel@acme.com", "owner"))
		case "GET /api/v2/members":
			if r.URL.Query().Get("filter") != "role:admin" {
				http.Error(w, `{"code":"invalid_request","message":"unsupported filter"}`, 400)
				return
			}
			if r.URL.Query().Get("offset") == "" { // two pages of admins
				fmt.Fprint(w, `{"items":[`+member("m1", "ariel@acme.com", "owner")+`],"totalCount":2,`+
					`"_links":{"next":{"href":"/api/v2/members?filter=role%3Aadmin&limit=1&offset=1"}}}`)
				return
			}
			fmt.Fprint(w, `{"items":[`+member("m2", "omar@acme.com", "admin")+`],"totalCount":2,"_links":{}}`)
		case "POST /api/v2/tokens":
			w.WriteHeader(201)
			fmt.Fprint(w, token+`0000-first"}`)
		case "POST /api/v2/tokens/t1/reset":
			fmt.Fprint(w, token+`1111-second"}`)
		default:
			http.Error(w, `{"code":"not_found","message":"Unknown resource identifier","id":"req-42"}`, 404)
		}
	}))
}

func ExampleNew() {
	srv := launchDarkly()
	defer srv.Close()

	c, err := wrapper.New("api-00000000-0000-0000-0000-000000000000",
		wrapper.WithBaseURL(srv.URL), // wrapper.BaseURL by default; BaseURLEU, BaseURLFederal
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 3, MaxWait: 10 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.GetMember(context.Background(), "me")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Email)

	// New checks what it can without a request.
	_, err = wrapper.New("Bearer api-123")
	fmt.Println(err)
	// Output:
	// ariel@acme.com
	// ldaccess: access token contains whitespace or control characters
}

func ExampleClient_GetMember() {
	srv := launchDarkly()
	defer srv.Close()
	c, _ := wrapper.New("api-00000000-0000-0000-0000-000000000000", wrapper.WithBaseURL(srv.URL))

	me, err := c.GetMember(context.Background(), "me")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Email, me.Role, wrapper.Time(me.LastSeen).IsZero())
	// Output: ariel@acme.com owner true
}

// Every admin of the account, however many pages it takes.
func ExampleClient_Members() {
	srv := launchDarkly()
	defer srv.Close()
	c, _ := wrapper.New("api-00000000-0000-0000-0000-000000000000", wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()

	admins := wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"admin"}}}
	for m, err := range c.Members(ctx, admins) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Email)
	}
	// Output:
	// ariel@acme.com
	// omar@acme.com
}

// Create a service token, then rotate its secret, keeping the old one valid for an hour so
// that its users can switch.
func ExampleClient_ResetToken() {
	srv := launchDarkly()
	defer srv.Close()
	c, _ := wrapper.New("api-00000000-0000-0000-0000-000000000000", wrapper.WithBaseURL(srv.URL))
	ctx := context.Background()

	tok, err := c.CreateToken(ctx, api.AccessTokenPost{
		Name: "deploy-bot", Role: api.AccessTokenPostRoleWriter, ServiceToken: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", tok.ID, tok.Secret) // the full secret: shown only now

	tok, err = c.ResetToken(ctx, tok.ID, wrapper.ExpireOldKeyAt(time.Now().Add(time.Hour)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reset", tok.ID, tok.Secret)
	// Output:
	// created t1 api-0000-first
	// reset t1 api-1111-second
}

func ExampleAPIError() {
	srv := launchDarkly()
	defer srv.Close()
	c, _ := wrapper.New("api-00000000-0000-0000-0000-000000000000", wrapper.WithBaseURL(srv.URL))

	_, err := c.GetMember(context.Background(), "nobody")
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) && errors.Is(err, wrapper.ErrNotFound) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// 404 not_found req-42
	// ldaccess: getMember: GET /api/v2/members/nobody: 404 Not Found (not_found): Unknown resource identifier (request id req-42)
}

func ExampleMemberFilter_String() {
	f := wrapper.MemberFilter{
		Query:    "acme",
		Roles:    []string{"admin", "writer"},
		LastSeen: wrapper.SeenBefore(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	fmt.Println(f)
	// Output: query:acme,role:admin|writer,lastSeen:{"before":1735689600000}
}

func ExampleClient_UpdateMembers() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		fmt.Fprint(w, `{"members":["m1","m2"],"errors":[]}`)
	}))
	defer srv.Close()
	c, _ := wrapper.New("api-00000000-0000-0000-0000-000000000000", wrapper.WithBaseURL(srv.URL))

	rep, err := c.UpdateMembers(context.Background(), "Quarterly access review",
		wrapper.ReplaceMembersRoles("reader", "m1", "m2"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(rep.Members, ","))
	// Output:
	// PATCH /api/v2/members application/json; domain-model=launchdarkly.semanticpatch
	// m1,m2
}
