package fake

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

const (
	flagEditorID = "c00000000000000000000001" // smallAccount's custom roles
	auditorID    = "c00000000000000000000002"
	allowAll     = `[{"effect":"allow","actions":["*"],"resources":["*"]}]`
	allowNarrow  = `[{"effect":"allow","actions":["viewProject"],"resources":["proj/*"]}]`
	denyOnly     = `[{"effect":"deny","actions":["*"],"resources":["proj/secret"]}]`
)

// privilegeServer is smallAccount with, besides the owner's admin token, a token for each
// kind of caller: built-in roles, one holding the flag-editor custom role, and a writer's
// token that an admin once gave an inline policy.
func privilegeServer(t *testing.T) (*Server, map[string]*client, map[string]string) {
	a := smallAccount()
	a.Tokens = []api.Token{
		{ID: "t0000000000000000000000c", OwnerID: "m03", MemberID: "m03", Name: "custom",
			CustomRoleIDs: []string{flagEditorID}, Secret: "api-00000000-0000-4000-8000-00000000000c"},
		{ID: "t0000000000000000000000d", OwnerID: "m03", MemberID: "m03", Name: "inline",
			InlineRole: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}}},
			Secret:     "api-00000000-0000-4000-8000-00000000000d"},
	}
	srv, owner := newServer(t, Options{Account: a})
	callers, ids := map[string]*client{"owner": owner}, map[string]string{"custom": a.Tokens[0].ID}
	for _, tok := range srv.Tokens() {
		if tok.MemberID == srv.OwnerID() {
			ids["owner"] = tok.ID
		}
	}
	for _, k := range []struct{ name, member, role string }{{"reader", "m04", "reader"}, {"writer", "m03", "writer"}, {"admin", "m02", "admin"}} {
		tok, ok := srv.IssueToken(k.member, k.role)
		require.True(t, ok)
		callers[k.name], ids[k.name] = owner.as(tok.Secret), tok.ID
	}
	callers["custom"] = owner.as(a.Tokens[0].Secret)
	return srv, callers, ids
}

// everyone names the callers of privilegeServer; admins are the two that may give anything.
var (
	everyone = []string{"reader", "writer", "custom", "admin", "owner"}
	admins   = []string{"admin", "owner"}
)

// TestTokenPrivilege: a token that is not an admin's can neither create nor patch a token,
// itself included, into more access than it has (package doc, Authorization): a higher role,
// a custom role it does not hold, or an inline policy that allows anything. Each such request
// is refused with 403 in LaunchDarkly's format and changes nothing.
func TestTokenPrivilege(t *testing.T) {
	tests := []struct {
		name    string
		body    string   // the token to create, or the patch to apply
		patch   string   // "" to create; "own" to patch a reader token the caller made; "self" the calling token
		allowed []string // the callers who may
	}{
		{"create reader", `{"role":"reader"}`, "", everyone},
		{"create writer", `{"role":"writer"}`, "", []string{"writer", "admin", "owner"}},
		{"create admin", `{"role":"admin"}`, "", admins},
		{"create with a custom role held", `{"customRoleIds":["` + flagEditorID + `"]}`, "", []string{"custom", "admin", "owner"}},
		{"create with a custom role not held", `{"customRoleIds":["` + auditorID + `"]}`, "", admins},
		{"create with a policy allowing all", `{"inlineRole":` + allowAll + `}`, "", admins},
		{"create with a narrow allowing policy", `{"role":"reader","inlineRole":` + allowNarrow + `}`, "", admins},
		{"create with a policy that only denies", `{"role":"reader","inlineRole":` + denyOnly + `}`, "", everyone},

		{"patch role to writer", `[{"op":"replace","path":"/role","value":"writer"}]`, "own", []string{"writer", "admin", "owner"}},
		{"patch role to admin", `[{"op":"replace","path":"/role","value":"admin"}]`, "own", admins},
		{"patch in a custom role held", `[{"op":"add","path":"/customRoleIds","value":["` + flagEditorID + `"]}]`, "own", []string{"custom", "admin", "owner"}},
		{"patch in a custom role not held", `[{"op":"add","path":"/customRoleIds","value":["` + auditorID + `"]}]`, "own", admins},
		{"patch in a policy allowing all", `[{"op":"add","path":"/inlineRole","value":` + allowAll + `}]`, "own", admins},
		{"patch in a policy that only denies", `[{"op":"add","path":"/inlineRole","value":` + denyOnly + `}]`, "own", everyone},
		{"patch a name", `[{"op":"replace","path":"/name","value":"renamed"}]`, "own", everyone},

		{"patch itself to admin", `[{"op":"replace","path":"/role","value":"admin"}]`, "self", admins},
		{"patch itself a custom role not held", `[{"op":"add","path":"/customRoleIds","value":["` + auditorID + `"]}]`, "self", admins},
		{"patch itself a policy allowing all", `[{"op":"add","path":"/inlineRole","value":` + allowAll + `}]`, "self", admins},
	}
	for _, tt := range tests {
		for _, who := range everyone {
			t.Run(tt.name+"/"+who, func(t *testing.T) {
				srv, callers, ids := privilegeServer(t)
				c := callers[who]
				var r resp
				target := ""
				switch tt.patch {
				case "":
					r = c.do("POST", "/api/v2/tokens", tt.body)
				case "own":
					target = createToken(t, c, `{"name":"own","role":"reader"}`).ID
					r = c.do("PATCH", "/api/v2/tokens/"+target, tt.body)
				case "self":
					target = ids[who]
					r = c.do("PATCH", "/api/v2/tokens/"+target, tt.body)
				}
				if !slices.Contains(tt.allowed, who) {
					e := wantError(t, r, 403, "forbidden")
					assert.NotEmpty(t, e.Message)
					assert.Zero(t, srv.Applied("patchToken"))
					if tt.patch == "" {
						assert.Zero(t, srv.Applied("postToken"))
					}
					return
				}
				want := 201
				if tt.patch != "" {
					want = 200
				}
				assert.Equal(t, want, r.status, "body: %s", r.body)
			})
		}
	}
}

// TestTokenPrivilegeKeepsWhatIsThere: a token that an admin gave an inline policy can still
// be renamed by its writer, who could not give that policy; changing the policy cannot.
func TestTokenPrivilegeKeepsWhatIsThere(t *testing.T) {
	srv, callers, _ := privilegeServer(t)
	inline := callers["owner"].as("api-00000000-0000-4000-8000-00000000000d")
	const id = "t0000000000000000000000d"
	r := inline.do("PATCH", "/api/v2/tokens/"+id, `[{"op":"replace","path":"/name","value":"renamed"}]`)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	assert.Equal(t, "renamed", decode[api.Token](t, r).Name)
	wantError(t, inline.do("PATCH", "/api/v2/tokens/"+id, `[{"op":"replace","path":"/inlineRole","value":`+allowNarrow+`}]`), 403, "forbidden")
	got, _ := srv.Handler.Token(id)
	assert.Equal(t, "*", ((got.InlineRole)[0].Actions)[0])
}
