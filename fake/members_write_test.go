package fake

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func TestGetMember(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	me := decode[api.Member](t, c.do("GET", "/api/v2/members/me", nil))
	assert.Equal(t, "m01", me.ID, "the admin token belongs to the owner")
	assert.Equal(t, srv.OwnerID(), me.ID)
	assert.Equal(t, "/api/v2/members/m01", href(me.Links, "self"))

	wantError(t, c.do("GET", "/api/v2/members/nobody", nil), 404, "not_found")

	// `me` follows the token: a writer's token resolves to the writer.
	tok, ok := srv.IssueToken("m03", "writer")
	require.True(t, ok)
	assert.Equal(t, "m03", decode[api.Member](t, c.as(tok.Secret).do("GET", "/api/v2/members/me", nil)).ID)
}

func TestInvite(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	r := c.do("POST", "/api/v2/members", []api.NewMemberForm{
		{Email: "new1@acme.com", Role: api.NewMemberFormRole("writer"), FirstName: "New", TeamKeys: []string{"PLATFORM"}},
		{Email: "new2@acme.com", CustomRoles: []string{"auditor"}, RoleAttributes: map[string]api.RoleAttributeValues{"projects": {"web"}}},
	})
	require.Equal(t, 201, r.status, "body: %s", r.body)
	got := decode[api.Members](t, r)
	require.Len(t, got.Items, 2)
	for _, m := range got.Items {
		assert.True(t, m.PendingInvite)
		assert.False(t, m.Verified)
		assert.Zero(t, m.LastSeen)
		assert.NotNil(t, m.CustomRoles)
	}
	assert.Equal(t, "writer", got.Items[0].Role)
	require.NotNil(t, got.Items[0].Teams)
	assert.Equal(t, "platform", (got.Items[0].Teams)[0].Key)
	assert.Equal(t, "no_access", got.Items[1].Role)
	assert.Equal(t, []string{"auditor"}, got.Items[1].CustomRoles)

	// Invited members are never seen, found by filter, and listed.
	assert.Contains(t, listIDs(t, c, `filter=lastSeen%3A%7B%22never%22%3Atrue%7D`), got.Items[0].ID)
	stored, ok := srv.Member(got.Items[1].ID)
	require.True(t, ok)
	assert.Equal(t, []string{"web"}, (stored.RoleAttributes)["projects"])
	assert.Equal(t, 1, srv.Applied("postMembers"))
}

func TestInviteRules(t *testing.T) {
	writer := api.NewMemberFormRole("writer")
	many := make([]api.NewMemberForm, 51)
	for i := range many {
		many[i] = api.NewMemberForm{Email: fmt.Sprintf("u%d@acme.com", i), Role: writer}
	}
	tests := []struct {
		name    string
		forms   any
		code    string
		invalid []string
	}{
		{"more than 50", many, "invalid_request", nil},
		{"none", []api.NewMemberForm{}, "invalid_request", nil},
		{"no role nor custom roles", []api.NewMemberForm{{Email: "a@acme.com"}}, "invalid_request", []string{"a@acme.com"}},
		{"bad address", []api.NewMemberForm{{Email: "not-an-address", Role: writer}}, "invalid_request", []string{"not-an-address"}},
		{"duplicate in request", []api.NewMemberForm{{Email: "d@acme.com", Role: writer}, {Email: "D@acme.com", Role: writer}}, "duplicate_email", []string{"D@acme.com"}},
		{"already a member", []api.NewMemberForm{{Email: "ok@acme.com", Role: writer}, {Email: "ADAM@acme.com", Role: writer}}, "email_already_exists_in_account", []string{"ADAM@acme.com"}},
		{"member elsewhere", []api.NewMemberForm{{Email: "taken@other.example", Role: writer}}, "email_taken_in_different_account", []string{"taken@other.example"}},
		{"unknown team", []api.NewMemberForm{{Email: "t@acme.com", Role: writer, TeamKeys: []string{"nope"}}}, "invalid_request", []string{"t@acme.com"}},
		{"unknown custom role", []api.NewMemberForm{{Email: "r@acme.com", CustomRoles: []string{"nope"}}}, "invalid_request", []string{"r@acme.com"}},
		{"role not in the contract", `[{"email":"x@acme.com","role":"owner"}]`, "invalid_request", nil},
		{"email missing", `[{"role":"reader"}]`, "invalid_request", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := smallAccount()
			a.TakenEmails = []string{"taken@other.example"}
			srv, c := newServer(t, Options{Account: a})
			e := wantError(t, c.do("POST", "/api/v2/members", tt.forms), 400, tt.code)
			if tt.invalid != nil {
				assert.Equal(t, tt.invalid, e.InvalidEmails)
			}
			assert.Len(t, srv.Members(), 8, "all or nothing")
			assert.Zero(t, srv.Applied("postMembers"))
		})
	}
}

func TestDeleteMember(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	r := c.do("DELETE", "/api/v2/members/m03", nil)
	require.Equal(t, 204, r.status, "body: %s", r.body)
	assert.Empty(t, r.body)
	_, ok := srv.Member("m03")
	assert.False(t, ok)
	wantError(t, c.do("GET", "/api/v2/members/m03", nil), 404, "not_found")
	wantError(t, c.do("DELETE", "/api/v2/members/m03", nil), 404, "not_found")
	wantError(t, c.do("DELETE", "/api/v2/members/m01", nil), 403, "forbidden")
	assert.Equal(t, 1, srv.Applied("deleteMember"))
}

func TestDeletedMembersTokensStopWorking(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tok, _ := srv.IssueToken("m02", "admin")
	require.Equal(t, 200, c.as(tok.Secret).do("GET", "/api/v2/members/me", nil).status)
	require.Equal(t, 204, c.do("DELETE", "/api/v2/members/m02", nil).status)
	wantError(t, c.as(tok.Secret).do("GET", "/api/v2/members/me", nil), 401, "unauthorized")
	_, listed := srv.Token(tok.ID)
	assert.True(t, listed, "the token stays, owned by a member who left")
}

func TestAddMemberToTeams(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	r := c.do("POST", "/api/v2/members/m02/teams", api.MemberTeamsPostInput{TeamKeys: []string{"mobile", "platform"}})
	require.Equal(t, 201, r.status, "body: %s", r.body)
	m := decode[api.Member](t, r)
	require.NotNil(t, m.Teams)
	var keys []string
	for _, tm := range m.Teams {
		keys = append(keys, tm.Key)
		assert.NotNil(t, tm.CustomRoleKeys)
	}
	assert.Equal(t, []string{"platform", "Mobile"}, keys)
	assert.Contains(t, listIDs(t, c, "filter=team%3Amobile"), "m02")
	assert.Equal(t, 1, srv.Applied("postMemberTeams"))

	// Again: nothing changes.
	require.Equal(t, 201, c.do("POST", "/api/v2/members/m02/teams", api.MemberTeamsPostInput{TeamKeys: []string{"mobile"}}).status)
	assert.Equal(t, 1, srv.Applied("postMemberTeams"))

	wantError(t, c.do("POST", "/api/v2/members/m02/teams", api.MemberTeamsPostInput{TeamKeys: []string{"mobile", "nope"}}), 400, "invalid_request")
	wantError(t, c.do("POST", "/api/v2/members/zz/teams", api.MemberTeamsPostInput{TeamKeys: []string{"mobile"}}), 404, "not_found")
	wantError(t, c.do("POST", "/api/v2/members/m02/teams", `{}`), 400, "invalid_request")
}

func TestPatchMember(t *testing.T) {
	tests := []struct {
		name, patch string
		status      int
		code        string
		role        string
		customRoles []string
	}{
		{"replace role", `[{"op":"replace","path":"/role","value":"reader"}]`, 200, "", "reader", []string{}},
		{"test then replace", `[{"op":"test","path":"/role","value":"writer"},{"op":"replace","path":"/role","value":"admin"}]`, 200, "", "admin", []string{}},
		{"add custom role at the end", `[{"op":"add","path":"/customRoles/-","value":"auditor"}]`, 200, "", "writer", []string{"auditor"}},
		{"replace custom roles", `[{"op":"replace","path":"/customRoles","value":["flag-editor","auditor"]}]`, 200, "", "writer", []string{"flag-editor", "auditor"}},
		{"test may read any field", `[{"op":"test","path":"/email","value":"wendy@ACME.io"},{"op":"replace","path":"/role","value":"reader"}]`, 200, "", "reader", []string{}},
		{"failed test", `[{"op":"test","path":"/role","value":"reader"},{"op":"replace","path":"/role","value":"admin"}]`, 409, "optimistic_locking_error", "", nil},
		{"email not editable", `[{"op":"replace","path":"/email","value":"x@acme.com"}]`, 400, "invalid_request", "", nil},
		{"_ fields not editable", `[{"op":"replace","path":"/_id","value":"x"}]`, 400, "invalid_request", "", nil},
		{"move from a field not editable", `[{"op":"move","from":"/firstName","path":"/role"}]`, 400, "invalid_request", "", nil},
		{"unknown role", `[{"op":"replace","path":"/role","value":"boss"}]`, 400, "invalid_request", "", nil},
		{"owner cannot be given", `[{"op":"replace","path":"/role","value":"owner"}]`, 400, "invalid_request", "", nil},
		{"unknown custom role", `[{"op":"add","path":"/customRoles/0","value":"nope"}]`, 400, "invalid_request", "", nil},
		{"role not a string", `[{"op":"replace","path":"/role","value":7}]`, 400, "invalid_request", "", nil},
		{"unknown op", `[{"op":"frobnicate","path":"/role","value":"reader"}]`, 400, "invalid_request", "", nil},
		{"remove missing index", `[{"op":"remove","path":"/customRoles/3"}]`, 400, "invalid_request", "", nil},
		{"not an array", `{"op":"replace"}`, 400, "invalid_request", "", nil},
		// RFC 6902 §4.6: a test names the value it compares with; without one it is malformed,
		// not a test of absence.
		{"test without a value", `[{"op":"test","path":"/role"},{"op":"replace","path":"/role","value":"admin"}]`, 400, "invalid_request", "", nil},
		{"replace without a value", `[{"op":"replace","path":"/role"}]`, 400, "invalid_request", "", nil},
		{"move without from", `[{"op":"move","path":"/role"}]`, 400, "invalid_request", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: smallAccount()})
			r := c.do("PATCH", "/api/v2/members/m03", tt.patch)
			if tt.status != 200 {
				wantError(t, r, tt.status, tt.code)
				m, _ := srv.Member("m03")
				assert.Equal(t, "writer", m.Role, "unchanged")
				assert.Zero(t, srv.Applied("patchMember"))
				return
			}
			require.Equal(t, 200, r.status, "body: %s", r.body)
			m := decode[api.Member](t, r)
			assert.Equal(t, tt.role, m.Role)
			assert.Equal(t, tt.customRoles, m.CustomRoles)
			assert.Equal(t, 1, srv.Applied("patchMember"))
		})
	}
	t.Run("owner's role is fixed", func(t *testing.T) {
		_, c := newServer(t, Options{Account: smallAccount()})
		wantError(t, c.do("PATCH", "/api/v2/members/me", `[{"op":"replace","path":"/role","value":"reader"}]`), 400, "invalid_request")
	})
}

func TestMemberWritesNeedAdmin(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tok, _ := srv.IssueToken("m03", "writer")
	w := c.as(tok.Secret)
	// Reading is fine.
	require.Equal(t, 200, w.do("GET", "/api/v2/members", nil).status)
	wantError(t, w.do("POST", "/api/v2/members", `[{"email":"x@acme.com","role":"reader"}]`), 403, "forbidden")
	wantError(t, w.do("DELETE", "/api/v2/members/m04", nil), 403, "forbidden")
	wantError(t, w.do("PATCH", "/api/v2/members/m04", `[{"op":"replace","path":"/role","value":"writer"}]`), 403, "forbidden")
	wantError(t, w.do("POST", "/api/v2/members/m04/teams", `{"teamKeys":["mobile"]}`), 403, "forbidden")
	wantError(t, w.do("PATCH", "/api/v2/members", `{"instructions":[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m04"]}]}`,
		"Content-Type", semanticPatchType), 403, "forbidden")

	// An admin token of a writer acts as a writer: personal tokens are capped by their member.
	capped, _ := srv.IssueToken("m03", "admin")
	wantError(t, c.as(capped.Secret).do("DELETE", "/api/v2/members/m04", nil), 403, "forbidden")
	assert.Len(t, srv.Members(), 8)
	assert.False(t, strings.Contains(fmt.Sprint(srv.Requests()), tok.Secret), "the log never holds a secret")
}
