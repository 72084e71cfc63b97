package fake

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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

// privilegeServer is authzAccount with, besides the owner's admin token, a token for each kind
// of caller: a reader's and a writer's, whose roles manage no tokens; the token manager's (a
// writer holding the custom role token-manager); an admin's; and a token of the token manager
// that an admin once gave an inline policy.
func privilegeServer(t *testing.T) (*Server, map[string]*client, map[string]string) {
	a := authzAccount()
	a.Tokens = append(a.Tokens, api.Token{ID: "t0000000000000000000000d", OwnerID: "m03", MemberID: "m03", Name: "inline",
		InlineRole: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}}},
		Secret:     "api-00000000-0000-4000-8000-00000000000d"})
	srv, owner := newServer(t, Options{Account: a})
	callers := map[string]*client{"owner": owner, "manager": owner.as(managerSec)}
	ids := map[string]string{"owner": tokenIDOf(srv, srv.AdminSecret()), "manager": managerToken}
	for _, k := range []struct{ name, member, role string }{{"reader", "m04", "reader"}, {"writer", "m08", "writer"}, {"admin", "m02", "admin"}} {
		tok, ok := srv.IssueToken(k.member, k.role)
		require.True(t, ok)
		callers[k.name], ids[k.name] = owner.as(tok.Secret), tok.ID
	}
	return srv, callers, ids
}

// everyone names the callers of privilegeServer; admins are the two that may give anything,
// managers those whose roles let them manage their tokens.
var (
	everyone = []string{"reader", "writer", "manager", "admin", "owner"}
	admins   = []string{"admin", "owner"}
	managers = []string{"manager", "admin", "owner"}
)

// TestTokenPrivilege: only a token whose roles allow it manages tokens (LaunchDarkly: "Tokens
// can only manage other tokens, including themselves, if they have Admin role or explicit
// permission via a custom role"), and one that is not an admin's can neither create nor patch
// a token, itself included, into more access than it has (package doc, Authorization): a
// higher role, a custom role it does not hold, or an inline policy that allows anything. Each
// such request is refused with 403 in LaunchDarkly's format and changes nothing.
func TestTokenPrivilege(t *testing.T) {
	tests := []struct {
		name    string
		body    string   // the token to create, or the patch to apply
		patch   string   // "" to create; "own" to patch a reader token of the caller's; "self" the calling token
		allowed []string // the callers who may
	}{
		{"create reader", `{"role":"reader"}`, "", managers},
		{"create writer", `{"role":"writer"}`, "", managers},
		{"create admin", `{"role":"admin"}`, "", admins},
		{"create with a custom role held", `{"customRoleIds":["` + tokenManagerID + `"]}`, "", managers},
		{"create with a custom role not held", `{"customRoleIds":["` + auditorID + `"]}`, "", admins},
		{"create with a policy allowing all", `{"inlineRole":` + allowAll + `}`, "", admins},
		{"create with a narrow allowing policy", `{"role":"reader","inlineRole":` + allowNarrow + `}`, "", admins},
		{"create with a policy that only denies", `{"role":"reader","inlineRole":` + denyOnly + `}`, "", managers},

		{"patch role to writer", `[{"op":"replace","path":"/role","value":"writer"}]`, "own", managers},
		{"patch role to admin", `[{"op":"replace","path":"/role","value":"admin"}]`, "own", admins},
		{"patch in a custom role held", `[{"op":"add","path":"/customRoleIds","value":["` + tokenManagerID + `"]}]`, "own", managers},
		{"patch in a custom role not held", `[{"op":"add","path":"/customRoleIds","value":["` + auditorID + `"]}]`, "own", admins},
		{"patch in a policy allowing all", `[{"op":"add","path":"/inlineRole","value":` + allowAll + `}]`, "own", admins},
		{"patch in a policy that only denies", `[{"op":"add","path":"/inlineRole","value":` + denyOnly + `}]`, "own", managers},
		{"patch a name", `[{"op":"replace","path":"/name","value":"renamed"}]`, "own", managers},

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
					own, ok := srv.IssueToken(map[string]string{"reader": "m04", "writer": "m08", "manager": "m03", "admin": "m02", "owner": "m01"}[who], "reader")
					require.True(t, ok)
					target = own.ID
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
// be renamed by its member, who could not give that policy; changing the policy cannot.
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

// The tests below state the authorization model of the package documentation (Authorization),
// one class of escalation each. authzAccount is smallAccount with custom roles whose policies
// speak of this API's actions, a team that grants one, and tokens that hold them.
const (
	tokenManagerID = "c00000000000000000000003"
	peopleOpsID    = "c00000000000000000000004"
	denyMembersID  = "c00000000000000000000005"

	managerToken = "t0000000000000000000000e" // m03 (writer, custom role token-manager)
	peopleToken  = "t0000000000000000000000f" // m05 (reader, team people: people-ops)
	managerSec   = "api-00000000-0000-4000-8000-00000000000e"
	peopleSec    = "api-00000000-0000-4000-8000-00000000000f"
)

func authzAccount() *Account {
	a := smallAccount()
	a.CustomRoles = append(a.CustomRoles,
		CustomRole{ID: tokenManagerID, Key: "token-manager", Name: "Token manager", Policy: []api.Statement{
			{Effect: "allow", Actions: []string{"createAccessToken", "updateAccessToken*", "resetAccessToken", "deleteAccessToken"},
				Resources: []string{"member/*:token/*"}},
		}},
		CustomRole{ID: peopleOpsID, Key: "people-ops", Name: "People ops", Policy: []api.Statement{
			{Effect: "allow", Actions: []string{"createMember", "deleteMember", "updateRole", "updateCustomRole"}, Resources: []string{"member/*"}},
			{Effect: "allow", Actions: []string{"updateTeamMembers"}, Resources: []string{"team/*"}},
		}},
		CustomRole{ID: denyMembersID, Key: "deny-members", Name: "No member changes", Policy: []api.Statement{
			{Effect: "deny", Actions: []string{"*"}, Resources: []string{"member/*"}},
		}},
	)
	a.Teams = append(a.Teams, Team{Key: "people", Name: "People", CustomRoleKeys: []string{"people-ops"}})
	for i, m := range a.Members {
		switch m.ID {
		case "m03":
			a.Members[i].CustomRoles = []string{"token-manager"}
		case "m05":
			a.Members[i].Teams = []api.MemberTeamSummaryRep{{Key: "people", Name: "People", CustomRoleKeys: []string{"people-ops"}}}
		}
	}
	a.Tokens = append(a.Tokens,
		api.Token{ID: managerToken, OwnerID: "m03", MemberID: "m03", Name: "manager", Role: "writer",
			CustomRoleIDs: []string{tokenManagerID}, Secret: managerSec},
		api.Token{ID: peopleToken, OwnerID: "m05", MemberID: "m05", Name: "people", Role: "reader",
			CustomRoleIDs: []string{peopleOpsID}, Secret: peopleSec},
	)
	return a
}

// reset asks for a new secret for token id.
func reset(c *client, id string) resp { return c.do("POST", "/api/v2/tokens/"+id+"/reset", nil) }

// works reports whether a secret still authenticates.
func works(c *client, secret string) bool {
	return c.as(secret).do("GET", "/api/v2/members/me", nil).status == 200
}

// TestNoSecretBeyondTheCaller: no answer carries a secret with more access than the caller's
// own. A reset gives a secret, so it is judged as creating the token anew; a token's secret
// goes to the member who created it only: an admin, who may delete it, never sees it.
func TestNoSecretBeyondTheCaller(t *testing.T) {
	t.Run("a reader token of an admin resets the admin's admin token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		reader, _ := srv.IssueToken("m02", "reader")
		wantError(t, reset(c.as(reader.Secret), admin.ID), 403, "forbidden")
		assert.True(t, works(c, admin.Secret))
		assert.Zero(t, srv.Applied("resetToken"))
	})
	t.Run("a reader token of the owner resets the fake's admin token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		reader, _ := srv.IssueToken("m01", "reader")
		var adminID string
		for _, tok := range srv.Tokens() {
			if tok.Role == "admin" && tok.MemberID == "m01" {
				adminID = tok.ID
			}
		}
		wantError(t, reset(c.as(reader.Secret), adminID), 403, "forbidden")
		assert.True(t, works(c, srv.AdminSecret()))
	})
	t.Run("a token manager resets its own token that holds more than it", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		given, _ := srv.IssueToken("m03", "admin") // capped by the writer it belongs to, yet an admin token
		wantError(t, reset(c.as(managerSec), given.ID), 403, "forbidden")
		assert.True(t, works(c, given.Secret))
	})
	t.Run("an admin demoted to reader resets the service token it created", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		svc := createToken(t, c.as(admin.Secret), `{"name":"ci","role":"admin","serviceToken":true}`)
		require.Equal(t, 200, c.do("PATCH", "/api/v2/members/m02", `[{"op":"replace","path":"/role","value":"reader"}]`).status)
		wantError(t, reset(c.as(admin.Secret), svc.ID), 403, "forbidden")
		assert.True(t, works(c, svc.Secret))
	})
	t.Run("an admin resets the owner's personal token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		own := createToken(t, c, `{"name":"mine","role":"reader"}`)
		wantError(t, reset(c.as(admin.Secret), own.ID), 403, "forbidden")
		assert.True(t, works(c, own.Secret), "the owner is not locked out")
		// Deleting it is an admin's right; seeing its secret never is.
		assert.Equal(t, 204, c.as(admin.Secret).do("DELETE", "/api/v2/tokens/"+own.ID, nil).status)
	})
	t.Run("an admin rotates a service token another admin created, a service token does not", func(t *testing.T) {
		// A service token is the account's: rotating it is any admin's job (issue 20's rule).
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		svc := createToken(t, c, `{"name":"ci","role":"reader","serviceToken":true}`)
		other := createToken(t, c, `{"name":"deploy","role":"admin","serviceToken":true}`)
		wantError(t, reset(c.as(other.Secret), svc.ID), 403, "forbidden")
		got := reset(c.as(admin.Secret), svc.ID)
		require.Equal(t, 200, got.status, "body: %s", got.body)
		assert.False(t, works(c, svc.Secret), "the old secret stops at once without an expiry")
		assert.Equal(t, 204, c.as(admin.Secret).do("DELETE", "/api/v2/tokens/"+svc.ID, nil).status)
	})
	t.Run("what may be reset is", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		svc := createToken(t, c.as(admin.Secret), `{"name":"ci","role":"admin","serviceToken":true}`)
		mgr, _ := srv.IssueToken("m03", "writer")
		for _, tt := range []struct {
			name   string
			caller string
			id     string
		}{
			{"the owner its own admin token", srv.AdminSecret(), tokenIDOf(srv, srv.AdminSecret())},
			{"a service token itself", svc.Secret, svc.ID},
			{"an admin a service token it created", admin.Secret, svc.ID},
			{"an admin its own token", admin.Secret, admin.ID},
			{"a token manager a writer token of its own", managerSec, mgr.ID},
			{"a token manager itself", managerSec, managerToken},
		} {
			r := reset(c.as(tt.caller), tt.id)
			require.Equal(t, 200, r.status, "%s: %s", tt.name, r.body)
			assert.Len(t, decode[api.Token](t, r).Secret, len(DefaultAdminSecret), tt.name)
		}
	})
}

// tokenIDOf finds the ID of the token a secret belongs to.
func tokenIDOf(srv *Server, secret string) string {
	for _, tok := range srv.Tokens() {
		if strings.HasSuffix(secret, tok.Secret) {
			return tok.ID
		}
	}
	return ""
}

// held sends a request whose body the client holds back until the server has admitted it
// (authenticated it and started to read the body, which Expect: 100-continue makes visible),
// runs meanwhile, then sends the body: a caller losing its access in the middle of a request.
func (c *client) held(method, path, body string, meanwhile func()) resp {
	c.t.Helper()
	hr := &heldReader{body: strings.NewReader(body), reached: make(chan struct{}), release: make(chan struct{})}
	req, err := http.NewRequest(method, c.srv.URL+path, hr)
	require.NoError(c.t, err)
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	tr := c.srv.Client().Transport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = time.Hour // the body waits for the server, however long
	type result struct {
		res *http.Response
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := (&http.Client{Transport: tr}).Do(req)
		done <- result{res, err}
	}()
	var got result
	select {
	case <-hr.reached:
		meanwhile()
		close(hr.release)
		got = <-done
	case got = <-done: // answered before reading the body: meanwhile has nothing to race
		c.t.Errorf("%s %s was answered before its body was read", method, path)
	}
	require.NoError(c.t, got.err)
	defer got.res.Body.Close()
	b, err := io.ReadAll(got.res.Body)
	require.NoError(c.t, err)
	r := resp{status: got.res.StatusCode, header: got.res.Header, body: b}
	validateAnswer(c.t, req, []byte(body), r)
	return r
}

// heldReader is a request body that blocks at its first read until released.
type heldReader struct {
	body             io.Reader
	reached, release chan struct{}
	once             sync.Once
}

func (h *heldReader) Read(p []byte) (int, error) {
	h.once.Do(func() {
		close(h.reached)
		<-h.release
	})
	return h.body.Read(p)
}

// TestAuthorizedWhenApplied: a write is judged against the state at the moment it is applied,
// not when its headers arrived: access lost while the body is on its way is lost.
func TestAuthorizedWhenApplied(t *testing.T) {
	demote := func(c *client, id, role string) {
		r := c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"`+role+`"}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
	}
	t.Run("a demoted admin restores its own role", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		r := c.as(admin.Secret).held("PATCH", "/api/v2/members/me", `[{"op":"replace","path":"/role","value":"admin"}]`,
			func() { demote(c, "m02", "reader") })
		wantError(t, r, 403, "forbidden")
		m, _ := srv.Member("m02")
		assert.Equal(t, "reader", m.Role)
	})
	t.Run("a removed member creates a token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		r := c.as(admin.Secret).held("POST", "/api/v2/tokens", `{"name":"late","role":"admin"}`,
			func() { require.Equal(t, 204, c.do("DELETE", "/api/v2/members/m02", nil).status) })
		wantError(t, r, 401, "unauthorized")
		assert.Zero(t, srv.Applied("postToken"))
	})
	t.Run("a revoked token demotes a member", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		r := c.as(admin.Secret).held("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/role","value":"reader"}]`,
			func() { require.Equal(t, 204, c.do("DELETE", "/api/v2/tokens/"+admin.ID, nil).status) })
		wantError(t, r, 401, "unauthorized")
		m, _ := srv.Member("m03")
		assert.Equal(t, "writer", m.Role)
	})
	t.Run("a reset secret deletes a member", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		r := c.as(admin.Secret).held("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/role","value":"reader"}]`,
			func() { require.Equal(t, 200, reset(c.as(admin.Secret), admin.ID).status) })
		wantError(t, r, 401, "unauthorized")
		assert.Zero(t, srv.Applied("patchMember"))
	})
	t.Run("an admin demoted to no_access invites an admin", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		r := c.as(admin.Secret).held("POST", "/api/v2/members", `[{"email":"friend@acme.com","role":"admin"}]`,
			func() { demote(c, "m02", "no_access") })
		wantError(t, r, 403, "forbidden")
		assert.Zero(t, srv.Applied("postMembers"))
	})
	t.Run("a member stripped of a custom role uses it", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		r := c.as(managerSec).held("POST", "/api/v2/tokens", `{"name":"late","role":"reader"}`, func() {
			r := c.do("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/customRoles","value":[]}]`)
			require.Equal(t, 200, r.status, "body: %s", r.body)
		})
		wantError(t, r, 403, "forbidden")
		assert.Zero(t, srv.Applied("postToken"))
	})
}

// ownerToken creates a token of the owner with the given body and returns a client acting as it.
func ownerToken(t *testing.T, c *client, body string) *client {
	t.Helper()
	return c.as(createToken(t, c, body).Secret)
}

// TestInlinePolicies: a token's inline policy is evaluated as LaunchDarkly documents it: deny
// wins over allow, `*` and globs, notActions and notResources, resources scoped with `:`.
func TestInlinePolicies(t *testing.T) {
	const (
		allowAllDenyMembers = `[{"effect":"allow","actions":["*"],"resources":["*"]},{"effect":"deny","actions":["*"],"resources":["member/*"]}]`
		denyAll             = `[{"effect":"deny","actions":["*"],"resources":["*"]}]`
		denyAllButM04       = `[{"effect":"deny","actions":["deleteMember"],"notResources":["member/m04"]}]`
		allButDelete        = `[{"effect":"allow","notActions":["deleteMember"],"resources":["member/*"]}]`
		projectsOnly        = `[{"effect":"allow","actions":["*"],"resources":["proj/*:env/*"]}]`
		byEmail             = `[{"effect":"allow","actions":["delete*"],"resources":["member/rita@*"]}]`
	)
	invite := func(c *client) resp {
		return c.do("POST", "/api/v2/members", `[{"email":"new@acme.com","role":"reader"}]`)
	}
	patch := func(c *client, id string) resp {
		return c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"reader"}]`)
	}
	bulk := func(c *client, id string) resp {
		return semanticPatch(c, `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["`+id+`"]}]`)
	}
	del := func(c *client, id string) resp { return c.do("DELETE", "/api/v2/members/"+id, nil) }
	tests := []struct {
		name, token string
		do          func(*client) resp
		want        int
	}{
		{"allow all, deny member/*: patch", `{"inlineRole":` + allowAllDenyMembers + `}`, func(c *client) resp { return patch(c, "m03") }, 403},
		{"allow all, deny member/*: invite", `{"inlineRole":` + allowAllDenyMembers + `}`, invite, 403},
		{"allow all, deny member/*: delete", `{"inlineRole":` + allowAllDenyMembers + `}`, func(c *client) resp { return del(c, "m04") }, 403},
		{"allow all, deny member/*: semantic patch", `{"inlineRole":` + allowAllDenyMembers + `}`, func(c *client) resp { return bulk(c, "m03") }, 403},
		{"allow all, deny member/*: a token is no member", `{"inlineRole":` + allowAllDenyMembers + `}`,
			func(c *client) resp { return c.do("POST", "/api/v2/tokens", `{"role":"reader"}`) }, 201},
		{"admin role, deny everything: patch", `{"role":"admin","inlineRole":` + denyAll + `}`, func(c *client) resp { return patch(c, "m03") }, 403},
		{"admin role, deny everything: create a token", `{"role":"admin","inlineRole":` + denyAll + `}`,
			func(c *client) resp { return c.do("POST", "/api/v2/tokens", `{"role":"reader"}`) }, 403},
		{"deny delete but on m04: m05", `{"role":"admin","inlineRole":` + denyAllButM04 + `}`, func(c *client) resp { return del(c, "m05") }, 403},
		{"deny delete but on m04: m04", `{"role":"admin","inlineRole":` + denyAllButM04 + `}`, func(c *client) resp { return del(c, "m04") }, 204},
		{"allow all but delete: invite", `{"inlineRole":` + allButDelete + `}`, invite, 201},
		{"allow all but delete: patch", `{"inlineRole":` + allButDelete + `}`, func(c *client) resp { return patch(c, "m03") }, 200},
		{"allow all but delete: delete", `{"inlineRole":` + allButDelete + `}`, func(c *client) resp { return del(c, "m04") }, 403},
		{"projects only: delete", `{"inlineRole":` + projectsOnly + `}`, func(c *client) resp { return del(c, "m04") }, 403},
		{"a member named by email: delete", `{"inlineRole":` + byEmail + `}`, func(c *client) resp { return del(c, "m04") }, 204},
		{"a member named by email: another", `{"inlineRole":` + byEmail + `}`, func(c *client) resp { return del(c, "m05") }, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newServer(t, Options{Account: authzAccount()})
			r := tt.do(ownerToken(t, c, tt.token))
			if tt.want >= 400 {
				wantError(t, r, tt.want, "forbidden")
				return
			}
			assert.Equal(t, tt.want, r.status, "body: %s", r.body)
		})
	}
}

// TestCustomRolesOfMembersAndTeams: a member's access is its role, its own custom roles and
// those of its teams; a token's is its own, capped by its member's, as the member is now.
func TestCustomRolesOfMembersAndTeams(t *testing.T) {
	t.Run("a team's custom role grants its members", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		people := c.as(peopleSec) // m05, a reader on the team "people"
		assert.Equal(t, 201, people.do("POST", "/api/v2/members", `[{"email":"new@acme.com","role":"reader"}]`).status)
		assert.Equal(t, 204, people.do("DELETE", "/api/v2/members/m04", nil).status)
		assert.Equal(t, 1, srv.Applied("deleteMember"))
	})
	t.Run("a custom role lost is lost for every token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		mgr := c.as(managerSec)
		createToken(t, mgr, `{"name":"kept","role":"reader","customRoleIds":["`+tokenManagerID+`"]}`)
		r := c.do("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/customRoles","value":[]}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		wantError(t, mgr.do("POST", "/api/v2/tokens", `{"role":"reader","customRoleIds":["`+tokenManagerID+`"]}`), 403, "forbidden")
		wantError(t, mgr.do("POST", "/api/v2/tokens", `{"role":"reader"}`), 403, "forbidden")
		assert.Equal(t, 1, srv.Applied("postToken"))
	})
	t.Run("a team left is a role lost", func(t *testing.T) {
		a := authzAccount()
		for i := range a.Members {
			if a.Members[i].ID == "m05" {
				a.Members[i].Teams = nil
			}
		}
		_, c := newServer(t, Options{Account: a})
		wantError(t, c.as(peopleSec).do("DELETE", "/api/v2/members/m04", nil), 403, "forbidden")
	})
	t.Run("a role lost is lost for every token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		one, _ := srv.IssueToken("m02", "admin")
		two, _ := srv.IssueToken("m02", "admin")
		require.Equal(t, 200, c.do("PATCH", "/api/v2/members/m02", `[{"op":"replace","path":"/role","value":"writer"}]`).status)
		for _, tok := range []api.Token{one, two} {
			wantError(t, c.as(tok.Secret).do("DELETE", "/api/v2/members/m04", nil), 403, "forbidden")
		}
	})
}

// TestEveryOwnerIsProtected: an account loaded with two owners has both protected on every
// path: neither is removed nor has its role replaced.
func TestEveryOwnerIsProtected(t *testing.T) {
	a := authzAccount()
	a.Members = append(a.Members, mem("m09", "Second", "Owner", "second@acme.com", "owner", 100))
	for _, tt := range []struct {
		name string
		do   func(*client) resp
	}{
		{"delete", func(c *client) resp { return c.do("DELETE", "/api/v2/members/m09", nil) }},
		{"JSON Patch", func(c *client) resp {
			return c.do("PATCH", "/api/v2/members/m09", `[{"op":"replace","path":"/role","value":"reader"}]`)
		}},
		{"semantic patch", func(c *client) resp {
			return semanticPatch(c, `[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m09"]}]`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: a})
			r := tt.do(c)
			assert.Contains(t, []int{400, 403}, r.status, "body: %s", r.body)
			m, ok := srv.Member("m09")
			require.True(t, ok)
			assert.Equal(t, "owner", m.Role)
		})
	}
	t.Run("replace every role", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: a})
		r := semanticPatch(c, `[{"kind":"replaceAllMembersRoles","value":"reader"}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		for _, id := range []string{"m01", "m09"} {
			m, _ := srv.Member(id)
			assert.Equal(t, "owner", m.Role, id)
		}
	})
}

// TestEscalationPaths tries what an attacker would, beyond the classes above: each request
// would end with the caller, or someone it chose, holding access the caller was not given.
func TestEscalationPaths(t *testing.T) {
	ownerWith := func(body string) func(*testing.T, *client) *client {
		return func(t *testing.T, c *client) *client { return ownerToken(t, c, body) }
	}
	as := func(secret string) func(*testing.T, *client) *client {
		return func(_ *testing.T, c *client) *client { return c.as(secret) }
	}
	tests := []struct {
		name   string
		caller func(*testing.T, *client) *client
		method string
		path   string
		body   string
	}{
		{"invite an admin with member rights only", as(peopleSec), "POST", "/api/v2/members", `[{"email":"x@acme.com","role":"admin"}]`},
		{"invite with a custom role not held", as(peopleSec), "POST", "/api/v2/members", `[{"email":"x@acme.com","role":"reader","customRoles":["auditor"]}]`},
		{"invite into a team whose role is not held", as(peopleSec), "POST", "/api/v2/members", `[{"email":"x@acme.com","role":"reader","teamKeys":["platform"]}]`},
		{"promote oneself through me", as(peopleSec), "PATCH", "/api/v2/members/me", `[{"op":"replace","path":"/role","value":"writer"}]`},
		{"give oneself a custom role not held", as(peopleSec), "PATCH", "/api/v2/members/me", `[{"op":"add","path":"/customRoles/-","value":"token-manager"}]`},
		{"join a team whose role is not held", as(peopleSec), "POST", "/api/v2/members/me/teams", `{"teamKeys":["platform"]}`},
		{"semantic patch adds a custom role not held", as(peopleSec), "PATCH", "/api/v2/members",
			`{"instructions":[{"kind":"replaceMembersCustomRoles","values":["auditor"],"memberIDs":["m05"]}]}`},
		{"semantic patch promotes to admin", as(peopleSec), "PATCH", "/api/v2/members",
			`{"instructions":[{"kind":"replaceMembersRoles","value":"admin","memberIDs":["m04"]}]}`},
		{"a token drops its own deny", ownerWith(`{"role":"admin","inlineRole":[{"effect":"deny","actions":["*"],"resources":["member/*"]}]}`),
			"PATCH", "/api/v2/tokens/" + "SELF", `[{"op":"remove","path":"/inlineRole"}]`},
		{"a token drops a custom role that denies", ownerWith(`{"role":"admin","customRoleIds":["` + denyMembersID + `"]}`),
			"PATCH", "/api/v2/tokens/" + "SELF", `[{"op":"replace","path":"/customRoleIds","value":[]}]`},
		{"a token with a deny mints one without", ownerWith(`{"role":"admin","inlineRole":[{"effect":"deny","actions":["*"],"resources":["member/*"]}]}`),
			"POST", "/api/v2/tokens", `{"role":"admin"}`},
		{"a token with a deny mints a custom role it holds", ownerWith(`{"role":"admin","customRoleIds":["` + peopleOpsID + `"],"inlineRole":[{"effect":"deny","actions":["*"],"resources":["member/*"]}]}`),
			"POST", "/api/v2/tokens", `{"customRoleIds":["` + peopleOpsID + `"]}`},
		{"a token manager mints an admin token", as(managerSec), "POST", "/api/v2/tokens", `{"role":"admin"}`},
		{"a token manager mints an allowing policy", as(managerSec), "POST", "/api/v2/tokens", `{"inlineRole":[{"effect":"allow","actions":["*"],"resources":["member/*"]}]}`},
		{"a token manager patches itself to admin", as(managerSec), "PATCH", "/api/v2/tokens/" + managerToken, `[{"op":"replace","path":"/role","value":"admin"}]`},
		{"a token manager mints a service token", as(managerSec), "POST", "/api/v2/tokens", `{"role":"reader","serviceToken":true}`},
		{"a writer manages its own tokens without a role allowing it", func(t *testing.T, c *client) *client {
			tok, _ := c.srv.IssueToken("m08", "writer")
			return c.as(tok.Secret)
		}, "POST", "/api/v2/tokens", `{"role":"reader"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: authzAccount()})
			caller := tt.caller(t, c)
			before := grants(srv.Snapshot())
			path := tt.path
			if strings.HasSuffix(path, "SELF") {
				path = strings.TrimSuffix(path, "SELF") + tokenIDOf(srv, caller.token)
			}
			ct := []string{}
			if path == "/api/v2/members" && tt.method == "PATCH" {
				ct = []string{"Content-Type", semanticPatchType}
			}
			wantError(t, caller.do(tt.method, path, tt.body, ct...), 403, "forbidden")
			assert.Equal(t, before, grants(srv.Snapshot()), "no access was given")
		})
	}
}

// grants lists who holds what in an account: each member's role, custom roles and teams, each
// token's role, custom roles and inline policy.
func grants(a *Account) []string {
	var out []string
	for _, m := range a.Members {
		out = append(out, fmt.Sprintf("member %s %s %v %v", m.ID, m.Role, m.CustomRoles, m.Teams))
	}
	for _, t := range a.Tokens {
		out = append(out, fmt.Sprintf("token %s %s %v %v %s", t.ID, t.Role, t.CustomRoleIDs, t.InlineRole, t.Secret))
	}
	return out
}

// TestAuthorizationUnderConcurrentWrites: while one client flips a member between admin and
// reader, that member's token writes at once from several goroutines. Every answer is an
// applied write or a refusal, never an error, and the race detector watches the locking.
func TestAuthorizationUnderConcurrentWrites(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	admin, _ := srv.IssueToken("m02", "admin")
	ac := c.as(admin.Secret)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 40 {
			role := []string{"reader", "admin"}[i%2]
			r := c.do("PATCH", "/api/v2/members/m02", `[{"op":"replace","path":"/role","value":"`+role+`"}]`)
			assert.Equal(t, 200, r.status, "body: %s", r.body)
		}
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				role := []string{"reader", "writer"}[(w+i)%2]
				r := ac.do("PATCH", "/api/v2/members/m04", `[{"op":"replace","path":"/role","value":"`+role+`"}]`)
				assert.Contains(t, []int{200, 403}, r.status, "body: %s", r.body)
				r = ac.do("POST", "/api/v2/tokens", `{"role":"admin"}`)
				assert.Contains(t, []int{201, 403}, r.status, "body: %s", r.body)
				if r.status == 201 {
					id := decode[api.Token](t, r).ID
					r = ac.do("POST", "/api/v2/tokens/"+id+"/reset", nil)
					assert.Contains(t, []int{200, 403}, r.status, "body: %s", r.body)
				}
			}
		}()
	}
	wg.Wait()
	m, _ := srv.Member("m02")
	assert.Equal(t, "admin", m.Role, "the last flip")
}

// TestServiceTokensMintNoSecrets: a service token, even an admin one, receives no other
// token's secret: a token it created would act as the member who created the service token.
func TestServiceTokensMintNoSecrets(t *testing.T) {
	_, c := newServer(t, Options{Account: authzAccount()})
	svc := createToken(t, c, `{"name":"ci","role":"admin","serviceToken":true}`)
	wantError(t, c.as(svc.Secret).do("POST", "/api/v2/tokens", `{"role":"reader"}`), 403, "forbidden")
	wantError(t, c.as(svc.Secret).do("POST", "/api/v2/tokens", `{"role":"reader","serviceToken":true}`), 403, "forbidden")
	assert.Equal(t, 204, c.as(svc.Secret).do("DELETE", "/api/v2/members/m04", nil).status, "otherwise an admin")
}
