package fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func semanticPatch(c *client, instructions string) resp {
	return c.do("PATCH", "/api/v2/members", `{"comment":"test","instructions":`+instructions+`}`,
		"Content-Type", semanticPatchType)
}

func TestSemanticPatch(t *testing.T) {
	type check struct {
		id, role    string
		customRoles []string
	}
	tests := []struct {
		name         string
		instructions string
		updated      []string
		checks       []check
	}{
		{"replaceMembersRoles",
			`[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m02","m03"]}]`,
			[]string{"m02", "m03"}, []check{{"m02", "reader", nil}, {"m03", "reader", nil}}},
		{"replaceAllMembersRoles with filters, never the owner",
			`[{"kind":"replaceAllMembersRoles","value":"no_access","filterRoles":["admin","writer"],"ignoredMemberIDs":["m08"]}]`,
			[]string{"m02", "m03"}, []check{{"m01", "owner", nil}, {"m02", "no_access", nil}, {"m03", "no_access", nil}, {"m08", "writer", nil}}},
		{"replaceAllMembersRoles by team and query",
			`[{"kind":"replaceAllMembersRoles","value":"admin","filterTeamKey":"MOBILE","filterQuery":"zed"}]`,
			[]string{"m08"}, []check{{"m08", "admin", nil}, {"m03", "writer", nil}}},
		{"replaceAllMembersRoles by last seen",
			`[{"kind":"replaceAllMembersRoles","value":"writer","filterLastSeen":{"never":true}}]`,
			[]string{"m04", "m05"}, []check{{"m04", "writer", nil}, {"m05", "writer", nil}}},
		{"replaceMembersCustomRoles",
			`[{"kind":"replaceMembersCustomRoles","values":["auditor"],"memberIDs":["m07"]}]`,
			[]string{"m07"}, []check{{"m07", "no_access", []string{"auditor"}}}},
		{"replaceAllMembersCustomRoles",
			`[{"kind":"replaceAllMembersCustomRoles","values":["flag-editor"],"filterTeamKey":"platform"}]`,
			[]string{"m02", "m03"}, []check{{"m02", "admin", []string{"flag-editor"}}, {"m03", "writer", []string{"flag-editor"}}}},
		{"several instructions in order",
			`[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m03"]},{"kind":"replaceMembersRoles","value":"admin","memberIDs":["m03","m08"]}]`,
			[]string{"m03", "m08"}, []check{{"m03", "admin", nil}, {"m08", "admin", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: smallAccount()})
			r := semanticPatch(c, tt.instructions)
			require.Equal(t, 200, r.status, "body: %s", r.body)
			rep := decode[api.BulkEditMembersRep](t, r)
			assert.ElementsMatch(t, tt.updated, rep.Members)
			assert.Empty(t, rep.Errors)
			for _, ck := range tt.checks {
				m, _ := srv.Member(ck.id)
				assert.Equal(t, ck.role, m.Role, ck.id)
				if ck.customRoles != nil {
					assert.Equal(t, ck.customRoles, m.CustomRoles, ck.id)
				}
			}
			assert.Equal(t, 1, srv.Applied("patchMembers"))
		})
	}
}

func TestSemanticPatchRoleAttributes(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	r := semanticPatch(c, `[{"kind":"replaceMembersRoleAttributes","value":{"projects":["web","mobile"]},"memberIDs":["m03"]}]`)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	m, _ := srv.Member("m03")
	require.NotNil(t, m.RoleAttributes)
	assert.Equal(t, []string{"web", "mobile"}, (m.RoleAttributes)["projects"])
	got := decode[api.Member](t, c.do("GET", "/api/v2/members/m03?expand=roleAttributes", nil))
	assert.Equal(t, []string{"web", "mobile"}, (got.RoleAttributes)["projects"])
}

func TestSemanticPatchAllOrNothing(t *testing.T) {
	bad := []struct{ name, instructions string }{
		{"unknown member after a good one", `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m03"]},{"kind":"replaceMembersRoles","value":"reader","memberIDs":["nope"]}]`},
		{"unknown kind", `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m03"]},{"kind":"deleteEveryone"}]`},
		{"missing kind", `[{"value":"reader","memberIDs":["m03"]}]`},
		{"bad role", `[{"kind":"replaceMembersRoles","value":"boss","memberIDs":["m03"]}]`},
		{"owner's role", `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m01","m03"]}]`},
		{"no memberIDs", `[{"kind":"replaceMembersRoles","value":"reader"}]`},
		{"unknown custom role", `[{"kind":"replaceMembersCustomRoles","values":["nope"],"memberIDs":["m03"]}]`},
		{"missing values", `[{"kind":"replaceAllMembersCustomRoles"}]`},
		{"bad filterLastSeen", `[{"kind":"replaceAllMembersRoles","value":"reader","filterLastSeen":{"later":1}}]`},
		{"bad role attributes", `[{"kind":"replaceMembersRoleAttributes","value":"x","memberIDs":["m03"]}]`},
		{"unknown argument", `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m03"],"force":true}]`},
		{"no instructions", `[]`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: smallAccount()})
			before := srv.Members()
			wantError(t, semanticPatch(c, tt.instructions), 400, "invalid_request")
			assert.Equal(t, before, srv.Members())
			assert.Zero(t, srv.Applied("patchMembers"))
		})
	}
}

func TestSemanticPatchContentType(t *testing.T) {
	_, c := newServer(t, Options{Account: smallAccount()})
	body := `{"instructions":[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m03"]}]}`
	wantError(t, c.do("PATCH", "/api/v2/members", body), 400, "invalid_request")
	wantError(t, c.do("PATCH", "/api/v2/members", body, "Content-Type", "text/plain"), 400, "invalid_request")
	// Another spelling of the same media type is accepted.
	r := c.do("PATCH", "/api/v2/members", body, "Content-Type", "application/json;domain-model=LaunchDarkly.SemanticPatch")
	assert.Equal(t, 200, r.status, "body: %s", r.body)
}
