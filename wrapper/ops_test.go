package wrapper

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// TestOperations checks the request each of the 13 methods sends and that it decodes the answer.
func TestOperations(t *testing.T) {
	expiry := time.UnixMilli(1700000000000)
	name := "deploy-bot"
	role := api.NewMemberFormRole("writer")
	tests := []struct {
		op          string
		call        func(c *Client) (any, error)
		method      string
		path        string
		query       string
		contentType string
		body        string // JSON, compared semantically
		status      int
		reply       string
		check       func(t *testing.T, got any)
	}{
		{
			op: "getToken", method: "GET", path: "/api/v2/tokens/t1", status: 200, reply: tokenJSON,
			call:  func(c *Client) (any, error) { return c.GetToken(bg, "t1") },
			check: func(t *testing.T, got any) { assert.Equal(t, "t1", got.(api.Token).ID) },
		},
		{
			op: "getTokens", method: "GET", path: "/api/v2/tokens", query: "limit=10&offset=20&showAll=true", status: 200,
			reply: `{"items":[` + tokenJSON + `],"totalCount":21}`,
			call: func(c *Client) (any, error) {
				return c.ListTokens(bg, TokensQuery{ShowAll: true, PageSize: 10, Offset: 20})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, 21, got.(api.Tokens).TotalCount) },
		},
		{
			op: "getTokens default page", method: "GET", path: "/api/v2/tokens", query: "limit=25", status: 200, reply: `{"items":[]}`,
			call: func(c *Client) (any, error) { return c.ListTokens(bg, TokensQuery{}) },
		},
		{
			op: "postToken", method: "POST", path: "/api/v2/tokens", contentType: "application/json",
			body: `{"name":"deploy-bot"}`, status: 201, reply: tokenJSON,
			call:  func(c *Client) (any, error) { return c.CreateToken(bg, api.AccessTokenPost{Name: name}) },
			check: func(t *testing.T, got any) { assert.Equal(t, "api-new-full-secret", got.(api.Token).Secret) },
		},
		{
			op: "patchToken", method: "PATCH", path: "/api/v2/tokens/t1", contentType: "application/json",
			body:   `[{"op":"test","path":"/role","value":"reader"},{"op":"replace","path":"/role","value":"writer"}]`,
			status: 200, reply: tokenJSON,
			call: func(c *Client) (any, error) {
				return c.PatchToken(bg, "t1", Test("/role", "reader"), Replace("/role", "writer"))
			},
		},
		{
			op: "resetToken", method: "POST", path: "/api/v2/tokens/t1/reset", query: "expiry=1700000000000", status: 200, reply: tokenJSON,
			call: func(c *Client) (any, error) { return c.ResetToken(bg, "t1", ExpireOldKeyAt(expiry)) },
		},
		{
			op: "resetToken now", method: "POST", path: "/api/v2/tokens/t1/reset", status: 200, reply: tokenJSON,
			call: func(c *Client) (any, error) { return c.ResetToken(bg, "t1") },
		},
		{
			op: "deleteToken", method: "DELETE", path: "/api/v2/tokens/t1", status: 204,
			call: func(c *Client) (any, error) { return nil, c.DeleteToken(bg, "t1") },
		},
		{
			op: "getMember", method: "GET", path: "/api/v2/members/me", status: 200, reply: memberJSON,
			call:  func(c *Client) (any, error) { return c.GetMember(bg, "me") },
			check: func(t *testing.T, got any) { assert.Equal(t, "ariel@acme.com", got.(api.Member).Email) },
		},
		{
			op: "getMember expanded", method: "GET", path: "/api/v2/members/m%2F1", query: "expand=roleAttributes", status: 200, reply: memberJSON,
			call: func(c *Client) (any, error) { return c.GetMember(bg, "m/1", ExpandRoleAttributes()) },
		},
		{
			op: "getMembers", method: "GET", path: "/api/v2/members", status: 200,
			query: `expand=customRoles%2CroleAttributes&filter=query%3Aabc%2Crole%3Aadmin%7Cwriter%2ClastSeen%3A%7B%22never%22%3Atrue%7D&limit=50&offset=5&sort=displayName`,
			reply: `{"items":[` + memberJSON + `],"_links":{},"totalCount":6}`,
			call: func(c *Client) (any, error) {
				return c.ListMembers(bg, MembersQuery{
					Filter:   MemberFilter{Query: "abc", Roles: []string{"admin", "writer"}, LastSeen: NeverSeen()},
					Sort:     SortDisplayName,
					Expand:   []api.MemberExpand{api.MemberExpandCustomRoles, api.MemberExpandRoleAttributes},
					PageSize: 50, Offset: 5,
				})
			},
			check: func(t *testing.T, got any) { assert.Len(t, got.(api.Members).Items, 1) },
		},
		{
			op: "postMembers", method: "POST", path: "/api/v2/members", contentType: "application/json",
			body: `[{"email":"sandy@acme.com","role":"writer"}]`, status: 201, reply: `{"items":[` + memberJSON + `],"_links":{}}`,
			call: func(c *Client) (any, error) {
				return c.InviteMembers(bg, api.NewMemberForm{Email: "sandy@acme.com", Role: role})
			},
			check: func(t *testing.T, got any) { assert.Len(t, got.([]api.Member), 1) },
		},
		{
			op: "patchMember", method: "PATCH", path: "/api/v2/members/m1", contentType: "application/json",
			body: `[{"op":"replace","path":"/role","value":"writer"}]`, status: 200, reply: memberJSON,
			call: func(c *Client) (any, error) { return c.PatchMember(bg, "m1", Replace("/role", "writer")) },
		},
		{
			op: "deleteMember", method: "DELETE", path: "/api/v2/members/m1", status: 204,
			call: func(c *Client) (any, error) { return nil, c.DeleteMember(bg, "m1") },
		},
		{
			op: "postMemberTeams", method: "POST", path: "/api/v2/members/m1/teams", contentType: "application/json",
			body: `{"teamKeys":["platform","security"]}`, status: 201, reply: memberJSON,
			call: func(c *Client) (any, error) { return c.AddMemberToTeams(bg, "m1", "platform", "security") },
		},
		{
			op: "patchMembers", method: "PATCH", path: "/api/v2/members",
			contentType: "application/json; domain-model=launchdarkly.semanticpatch",
			body:        `{"comment":"Quarterly review","instructions":[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m1","m2"]}]}`,
			status:      200, reply: `{"members":["m1","m2"],"errors":[]}`,
			call: func(c *Client) (any, error) {
				return c.UpdateMembers(bg, "Quarterly review", ReplaceMembersRoles("reader", "m1", "m2"))
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, []string{"m1", "m2"}, got.(api.BulkEditMembersRep).Members)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			rec := &recorder{}
			var rawPath string
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				rec.record(r, body)
				rawPath = r.URL.EscapedPath()
				if tt.reply == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.reply)
			})
			got, err := tt.call(c)
			require.NoError(t, err)
			reqs := rec.Requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.path, rawPath)
			assert.Equal(t, sortedQuery(tt.query), sortedQuery(r.Query))
			assert.Equal(t, tt.contentType, r.Header.Get("Content-Type"))
			if tt.body != "" {
				assert.JSONEq(t, tt.body, r.Body)
			} else {
				assert.Empty(t, r.Body)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestOperationsRejectEmptyArguments(t *testing.T) {
	c, err := New(testToken)
	require.NoError(t, err)
	for _, call := range []func() error{
		func() error { _, err := c.GetToken(bg, ""); return err },
		func() error { _, err := c.PatchToken(bg, ""); return err },
		func() error { _, err := c.ResetToken(bg, ""); return err },
		func() error { return c.DeleteToken(bg, "") },
		func() error { _, err := c.GetMember(bg, ""); return err },
		func() error { _, err := c.PatchMember(bg, ""); return err },
		func() error { return c.DeleteMember(bg, "") },
		func() error { _, err := c.AddMemberToTeams(bg, ""); return err },
		func() error { _, err := c.InviteMembers(bg); return err },
	} {
		checkErr(t, call()) // and no request: the base URL is the real service
	}
}

func TestEmptyListsEncodeAsArrays(t *testing.T) {
	rec := &recorder{}
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.record(r, body)
		writeJSON(w, 200, memberJSON)
	})
	_, err := c.PatchMember(bg, "m1")
	require.NoError(t, err)
	_, err = c.UpdateMembers(bg, "")
	require.NoError(t, err)
	reqs := rec.Requests()
	assert.JSONEq(t, `[]`, reqs[0].Body)
	assert.JSONEq(t, `{"instructions":[]}`, reqs[1].Body)
}
