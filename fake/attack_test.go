package fake

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// The tests below attack the authorization model (package documentation, Authorization) along
// paths the privilege tests do not take: secrets in answers, secrets in their grace period,
// bodies read two ways, resource names that smuggle a scope, chains of requests, JSON Patch
// operations on policies, semantic patches, owners, and writes racing a demotion. Each ends
// with no caller holding access it was not given.

const tokenAdminID = "c00000000000000000000006"

// attackAccount is authzAccount with a "token admin" role, which allows every action on every
// personal token and nothing else, held by m08 (a writer), and a member whose email holds a
// resource separator.
func attackAccount() *Account {
	a := authzAccount()
	a.CustomRoles = append(a.CustomRoles, CustomRole{ID: tokenAdminID, Key: "token-admin", Name: "Token admin",
		Policy: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"member/*:token/*"}}}})
	a.Members = append(a.Members, mem("m09", "Colon", "Member", `"c:token/x"@acme.com`, "reader", 100))
	for i := range a.Members {
		if a.Members[i].ID == "m08" {
			a.Members[i].CustomRoles = []string{"token-admin"}
		}
	}
	a.Tokens = append(a.Tokens, api.Token{ID: "t00000000000000000000010", OwnerID: "m08", MemberID: "m08", Name: "token admin",
		Role: "writer", CustomRoleIDs: []string{tokenAdminID}, Secret: tokenAdminSec})
	return a
}

const tokenAdminSec = "api-00000000-0000-4000-8000-000000000010"

// TestAttackShortSecretsAreNotShown: reads show a secret's last four characters, which must
// leave most of it hidden: a short secret (Options.AdminSecret or an Account's token) is not
// shown at all, in any answer or in the request log.
func TestAttackShortSecretsAreNotShown(t *testing.T) {
	for _, secret := range []string{"ab12", "abcdefgh"} {
		t.Run(secret, func(t *testing.T) {
			a := authzAccount()
			a.Tokens = append(a.Tokens, api.Token{ID: "t00000000000000000000011", OwnerID: "m02", MemberID: "m02",
				Role: "admin", Name: "short", Secret: "m02s" + secret})
			srv, c := newServer(t, Options{AdminSecret: secret, Account: a})
			admin, _ := srv.IssueToken("m02", "admin")
			ac := c.as(admin.Secret)
			answers := []resp{
				ac.do("GET", "/api/v2/tokens?showAll=true", nil),
				ac.do("GET", "/api/v2/tokens/"+tokenIDOf(srv, admin.Secret), nil),
				c.do("GET", "/api/v2/tokens", nil),
				c.as("m02s"+secret).do("GET", "/api/v2/tokens", nil),
			}
			for _, tok := range srv.Tokens() {
				answers = append(answers, ac.do("GET", "/api/v2/tokens/"+tok.ID, nil))
			}
			for _, r := range answers {
				require.Equal(t, 200, r.status, "body: %s", r.body)
				assert.NotContains(t, string(r.body), `"token":"`+secret+`"`)
				assert.NotContains(t, string(r.body), "m02s"+secret)
			}
			for _, id := range []string{tokenIDOf(srv, secret), "t00000000000000000000011"} {
				tok, _ := srv.Token(id)
				assert.Empty(t, tok.Secret, id)
			}
			for _, req := range srv.Requests() {
				assert.NotContains(t, req.Header.Get("Authorization"), secret)
			}
		})
	}
}

// TestAttackNoSecretInAnyAnswer: the admin secret appears in no answer of any kind — list,
// get, patch, error, links, headers — to any caller, whatever it tries with the token.
func TestAttackNoSecretInAnyAnswer(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	secret := srv.AdminSecret()
	id := tokenIDOf(srv, secret)
	admin, _ := srv.IssueToken("m02", "admin")
	var answers []resp
	for _, caller := range []*client{c.as(admin.Secret), c.as(managerSec), c.as(peopleSec), c} {
		answers = append(answers,
			caller.do("GET", "/api/v2/tokens?showAll=true", nil),
			caller.do("GET", "/api/v2/tokens/"+id, nil),
			caller.do("PATCH", "/api/v2/tokens/"+id, `[{"op":"copy","from":"/token","path":"/name"}]`),
			caller.do("PATCH", "/api/v2/tokens/"+id, `[{"op":"test","path":"/token","value":"`+secret+`"}]`),
			caller.do("PATCH", "/api/v2/tokens/"+id, `[{"op":"move","from":"/token","path":"/description"}]`),
			caller.do("GET", "/api/v2/members/m01", nil),
		)
		if caller != c {
			answers = append(answers, reset(caller, id))
		}
	}
	for _, r := range answers {
		assert.NotContains(t, string(r.body), secret[4:], "status %d", r.status)
		for k, vs := range r.header {
			for _, v := range vs {
				assert.NotContains(t, v, secret[4:], k)
			}
		}
	}
	assert.True(t, works(c, secret), "only the owner may reset its own token, and it did not")
}

// TestAttackGraceSecret: a secret kept working after a reset (its grace period) is the token
// until it expires, no longer: it may not reset the token, nor create a token, which would
// give it a secret that outlives it. Expiry is exact to the millisecond, and a second reset
// does not extend the first one's grace.
func TestAttackGraceSecret(t *testing.T) {
	clk := newClock()
	srv, c := newServer(t, Options{Account: authzAccount(), Now: clk.Now})
	old := srv.AdminSecret()
	id := tokenIDOf(srv, old)
	expiry := clk.Now().Add(time.Hour).UnixMilli()
	r := c.do("POST", fmt.Sprintf("/api/v2/tokens/%s/reset?expiry=%d", id, expiry), nil)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	current := decode[api.Token](t, r).Secret

	wantError(t, reset(c.as(old), id), 403, "forbidden")
	wantError(t, c.as(old).do("POST", "/api/v2/tokens", `{"role":"admin"}`), 403, "forbidden")
	wantError(t, c.as(old).do("POST", "/api/v2/tokens", `{"role":"reader","serviceToken":true}`), 403, "forbidden")
	assert.Equal(t, 1, srv.Applied("resetToken"))
	assert.Zero(t, srv.Applied("postToken"))
	assert.True(t, works(c, current), "the current secret is untouched")
	assert.Equal(t, 200, c.as(old).do("PATCH", "/api/v2/members/m04", `[{"op":"replace","path":"/role","value":"writer"}]`).status,
		"otherwise the token, until its expiry")

	// The current secret resets again, with a long grace: the first old secret keeps its own.
	r = c.as(current).do("POST", fmt.Sprintf("/api/v2/tokens/%s/reset?expiry=%d", id, clk.Now().Add(24*time.Hour).UnixMilli()), nil)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	clk.Add(time.Hour - time.Millisecond)
	assert.True(t, works(c, old), "a millisecond before its expiry")
	clk.Add(time.Millisecond)
	assert.False(t, works(c, old), "at its expiry")
	assert.True(t, works(c, current), "the second old secret has its own day")
}

// TestAttackAmbiguousBodies: a JSON body means one thing. A field named twice, in any case,
// or named in another case than the contract's, is refused, not read one way by the contract
// check and another by the operation (which gave an admin an owner it could never remove).
func TestAttackAmbiguousBodies(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		ct                       string
	}{
		{"invite an owner in another case", "POST", "/api/v2/members", `[{"email":"x@acme.com","role":"reader","Role":"owner"}]`, ""},
		{"invite an owner alone in another case", "POST", "/api/v2/members", `[{"email":"x@acme.com","ROLE":"owner"}]`, ""},
		{"invite with a role twice", "POST", "/api/v2/members", `[{"email":"x@acme.com","role":"owner","role":"reader"}]`, ""},
		{"an owner token", "POST", "/api/v2/tokens", `{"role":"reader","Role":"owner"}`, ""},
		{"an allowing effect in another case", "POST", "/api/v2/tokens", `{"inlineRole":[{"effect":"deny","Effect":"allow","actions":["*"],"resources":["*"]}]}`, ""},
		{"a team key twice", "POST", "/api/v2/members/m04/teams", `{"teamKeys":["Mobile"],"teamkeys":["platform"]}`, ""},
		{"a patch path twice", "PATCH", "/api/v2/members/m04", `[{"op":"replace","path":"/role","PATH":"/_id","value":"writer"}]`, ""},
		{"instructions twice", "PATCH", "/api/v2/members", `{"instructions":[{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m04"]}],"Instructions":[]}`, semanticPatchType},
		{"an instruction kind twice", "PATCH", "/api/v2/members", `{"instructions":[{"kind":"replaceMembersRoles","Kind":"replaceMembersCustomRoles","value":"reader","values":[],"memberIDs":["m04"]}]}`, semanticPatchType},
		{"a kind spelt with the Kelvin sign", "PATCH", "/api/v2/members", `{"instructions":[{"kind":"replaceMembersRoles","\u212aind":"replaceMembersCustomRoles","value":"reader","values":[],"memberIDs":["m04"]}]}`, semanticPatchType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: authzAccount()})
			admin, _ := srv.IssueToken("m02", "admin")
			before := grants(srv.Snapshot())
			var headers []string
			if tt.ct != "" {
				headers = []string{"Content-Type", tt.ct}
			}
			wantError(t, c.as(admin.Secret).do(tt.method, tt.path, tt.body, headers...), 400, "invalid_request")
			assert.Equal(t, before, grants(srv.Snapshot()))
			for _, m := range srv.Members() {
				assert.True(t, m.Role != "owner" || m.ID == "m01", "a second owner: %s", m.ID)
			}
		})
	}
}

// TestAttackDeepBodies: a body nested a million deep is answered at once, on an operation
// that takes a body (the contract check refuses it) and on one that does not (nothing reads
// it), without the one-reading check following it down.
func TestAttackDeepBodies(t *testing.T) {
	_, c := newServer(t, Options{})
	deep := strings.Repeat("[", maxBody-1)
	assert.Equal(t, 200, c.do("GET", "/api/v2/members", deep).status)
	wantError(t, c.do("POST", "/api/v2/tokens", deep), 400, "invalid_request")
	wantError(t, c.do("POST", "/api/v2/tokens", strings.Repeat(`{"name":`, maxDepth+10)), 400, "invalid_request")
}

// TestAttackBodiesNoOperationTakes: a body sent to an operation that takes none is not read,
// whatever its size, and changes nothing in the answer: every status the fake answers is one
// the operation documents (getToken, deleteToken and deleteMember document no 400).
func TestAttackBodiesNoOperationTakes(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	tok, _ := srv.IssueToken("m04", "reader")
	big := strings.Repeat(`{"role":"owner"}`, maxBody/16+1)
	assert.Equal(t, 200, c.do("GET", "/api/v2/tokens/"+tok.ID, big).status)
	assert.Equal(t, 200, c.do("GET", "/api/v2/members/m04", big).status)
	assert.Equal(t, 204, c.do("DELETE", "/api/v2/tokens/"+tok.ID, big).status)
	assert.Equal(t, 204, c.do("DELETE", "/api/v2/members/m04", big).status)
	wantError(t, c.do("DELETE", "/api/v2/members/m04", big), 404, "not_found")
	wantError(t, c.do("POST", "/api/v2/tokens", big), 400, "invalid_request")
}

// TestAttackWritesThatChangeNothing: a JSON Patch asks the action of every field it writes,
// whether or not the value changes, as a write LaunchDarkly refuses is refused here too: a
// reader writing a member's role to the role it has, or its token's name to the name it has,
// is refused, not answered 200.
func TestAttackWritesThatChangeNothing(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	reader, _ := srv.IssueToken("m04", "reader")
	rc := c.as(reader.Secret)
	wantError(t, rc.do("PATCH", "/api/v2/members/m05", `[{"op":"replace","path":"/role","value":"reader"}]`), 403, "forbidden")
	wantError(t, rc.do("PATCH", "/api/v2/members/m05", `[{"op":"replace","path":"/customRoles","value":[]}]`), 403, "forbidden")
	wantError(t, rc.do("PATCH", "/api/v2/tokens/"+reader.ID, `[{"op":"replace","path":"/name","value":"`+reader.Name+`"}]`), 403, "forbidden")
	wantError(t, rc.do("PATCH", "/api/v2/tokens/"+reader.ID, `[{"op":"replace","path":"/role","value":"reader"}]`), 403, "forbidden")
	wantError(t, rc.do("POST", "/api/v2/members/m05/teams", `{"teamKeys":[]}`), 403, "forbidden")
	// A patch that only tests writes nothing and asks nothing beyond seeing its target.
	assert.Equal(t, 200, rc.do("PATCH", "/api/v2/tokens/"+reader.ID, `[{"op":"test","path":"/role","value":"reader"}]`).status)
	// Whoever may write the field may write it unchanged.
	assert.Equal(t, 200, c.as(peopleSec).do("PATCH", "/api/v2/members/m04", `[{"op":"replace","path":"/role","value":"reader"}]`).status)
	assert.Zero(t, srv.Applied("patchMember")+srv.Applied("patchToken"))
}

// TestAttackOddNames: a member or token is reached by its ID or `me`, spelt exactly; no other
// spelling (case, padding, an email, an escaped separator) reaches it or another one.
func TestAttackOddNames(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	tok, _ := srv.IssueToken("m04", "reader")
	people := c.as(peopleSec) // m05
	for _, path := range []string{"M04", "m04%20", "%20m04", "rita@example.org", "m04%00", "m04%2F..", "..%2Fm04", "ME", "me%20", "*"} {
		r := c.do("DELETE", "/api/v2/members/"+path, nil)
		assert.Contains(t, []int{400, 404}, r.status, "%s: %s", path, r.body)
	}
	for _, path := range []string{strings.ToUpper(tok.ID), tok.ID + "%2Freset", tok.ID + "%20"} {
		r := c.do("DELETE", "/api/v2/tokens/"+path, nil)
		assert.Contains(t, []int{400, 404}, r.status, "%s: %s", path, r.body)
	}
	assert.Zero(t, srv.Applied("deleteMember")+srv.Applied("deleteToken"))
	// Its own ID is `me`: the same rules, not another way round them.
	wantError(t, people.do("PATCH", "/api/v2/members/m05", `[{"op":"replace","path":"/role","value":"writer"}]`), 403, "forbidden")
	wantError(t, people.do("PATCH", "/api/v2/members/%6De", `[{"op":"replace","path":"/role","value":"writer"}]`), 403, "forbidden")
	m, _ := srv.Member("m05")
	assert.Equal(t, "reader", m.Role)
}

// TestAttackResourceNames: a member is named member/<id> and member/<email>, one scope each,
// however its email is spelt: an email holding ":" does not make a member look like a token to
// a policy, and an invited member is named by the address it has, never a comment around it.
func TestAttackResourceNames(t *testing.T) {
	tokenAdmin := func(c *client) *client { return c.as(tokenAdminSec) }
	t.Run("a token admin invites a member whose email looks like a token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: attackAccount()})
		r := tokenAdmin(c).do("POST", "/api/v2/members", `[{"email":"\"a:token/b\"@acme.com","role":"writer"}]`)
		assert.Contains(t, []int{400, 403}, r.status, "body: %s", r.body)
		assert.Zero(t, srv.Applied("postMembers"))
	})
	t.Run("a token admin removes a member whose email looks like a token", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: attackAccount()})
		wantError(t, tokenAdmin(c).do("DELETE", "/api/v2/members/m09", nil), 403, "forbidden")
		wantError(t, tokenAdmin(c).do("PATCH", "/api/v2/members/m09", `[{"op":"replace","path":"/role","value":"no_access"}]`), 403, "forbidden")
		assert.Zero(t, srv.Writes("m09"))
	})
	t.Run("a token admin still manages that member's tokens", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: attackAccount()})
		tok, _ := srv.IssueToken("m09", "reader")
		assert.Equal(t, 204, tokenAdmin(c).do("DELETE", "/api/v2/tokens/"+tok.ID, nil).status)
	})
	t.Run("an inviter of one domain invites another behind a comment", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		inviter := ownerToken(t, c, `{"inlineRole":[{"effect":"allow","actions":["createMember"],"resources":["member/*@acme.com"]}]}`)
		for _, email := range []string{`x@evil.com(@acme.com)`, `"x@evil.com"@acme.com`, `x@evil.com (y@acme.com)`} {
			r := inviter.do("POST", "/api/v2/members", `[{"email":`+fmt.Sprintf("%q", email)+`,"role":"reader"}]`)
			assert.Contains(t, []int{400, 403}, r.status, "%s: %s", email, r.body)
		}
		assert.Zero(t, srv.Applied("postMembers"))
		assert.Equal(t, 201, inviter.do("POST", "/api/v2/members", `[{"email":"ok@ACME.com","role":"reader"}]`).status)
	})
}

// TestAttackChains: what one request may not give, a chain of them may not either.
func TestAttackChains(t *testing.T) {
	demote := func(t *testing.T, c *client, id, role string) {
		r := c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"`+role+`"}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
	}
	t.Run("create, patch up, be demoted, reset", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		mgr := c.as(managerSec) // m03: writer, token-manager
		tok := createToken(t, mgr, `{"name":"mine","role":"reader"}`)
		require.Equal(t, 200, mgr.do("PATCH", "/api/v2/tokens/"+tok.ID, `[{"op":"replace","path":"/role","value":"writer"}]`).status)
		demote(t, c, "m03", "reader")
		wantError(t, reset(mgr, tok.ID), 403, "forbidden")
		assert.True(t, works(c, tok.Secret), "the token keeps its old secret")
		assert.Zero(t, srv.Applied("resetToken"))
	})
	t.Run("create with a custom role, lose it, reset", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		mgr := c.as(managerSec)
		tok := createToken(t, mgr, `{"name":"mine","role":"reader","customRoleIds":["`+tokenManagerID+`"]}`)
		// m03 keeps token-manager through a team it joins, then loses its own: still held.
		r := c.do("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/customRoles","value":[]}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		wantError(t, reset(mgr, tok.ID), 403, "forbidden")
		assert.Zero(t, srv.Applied("resetToken"))
	})
	t.Run("an admin's token, capped by demotion, mints or resets nothing above", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		svc := createToken(t, c.as(admin.Secret), `{"name":"ci","role":"reader","serviceToken":true}`)
		demote(t, c, "m02", "writer")
		ac := c.as(admin.Secret)
		wantError(t, ac.do("POST", "/api/v2/tokens", `{"role":"reader"}`), 403, "forbidden")
		wantError(t, reset(ac, admin.ID), 403, "forbidden")
		wantError(t, reset(ac, svc.ID), 403, "forbidden")
		wantError(t, ac.do("POST", "/api/v2/members", `[{"email":"new@acme.com","role":"reader"}]`), 403, "forbidden")
		wantError(t, ac.do("PATCH", "/api/v2/members/me", `[{"op":"replace","path":"/role","value":"admin"}]`), 403, "forbidden")
	})
	t.Run("invite a helper into a team, then act through it", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		people := c.as(peopleSec) // m05: reader, people-ops through the team "people"
		r := people.do("POST", "/api/v2/members", `[{"email":"helper@acme.com","role":"reader","teamKeys":["people"]}]`)
		require.Equal(t, 201, r.status, "body: %s", r.body)
		helper := decode[api.Members](t, r).Items[0].ID
		// The helper holds what m05 holds, no more: it may not be made a writer or get flag-editor.
		wantError(t, people.do("PATCH", "/api/v2/members/"+helper, `[{"op":"replace","path":"/role","value":"writer"}]`), 403, "forbidden")
		wantError(t, people.do("POST", "/api/v2/members/"+helper+"/teams", `{"teamKeys":["platform"]}`), 403, "forbidden")
		wantError(t, people.do("PATCH", "/api/v2/members/"+helper, `[{"op":"add","path":"/customRoles/-","value":"auditor"}]`), 403, "forbidden")
		m, _ := srv.Member(helper)
		assert.Equal(t, "reader", m.Role)
	})
	t.Run("a token admin gives another member's token its own role, and the member uses it", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: attackAccount()})
		tok, _ := srv.IssueToken("m04", "reader") // m04: reader
		r := c.as(tokenAdminSec).do("PATCH", "/api/v2/tokens/"+tok.ID, `[{"op":"add","path":"/customRoleIds","value":["`+tokenAdminID+`"]}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		// m04 does not hold token-admin: its token may not use it.
		wantError(t, c.as(tok.Secret).do("POST", "/api/v2/tokens", `{"role":"reader"}`), 403, "forbidden")
	})
	t.Run("a service token rotates itself, and mints nothing else", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		svc := createToken(t, c, `{"name":"ci","role":"admin","serviceToken":true}`)
		r := reset(c.as(svc.Secret), svc.ID)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		fresh := decode[api.Token](t, r).Secret
		wantError(t, c.as(fresh).do("POST", "/api/v2/tokens", `{"role":"reader","serviceToken":true}`), 403, "forbidden")
		wantError(t, reset(c.as(fresh), tokenIDOf(srv, srv.AdminSecret())), 403, "forbidden")
		assert.Equal(t, 1, srv.Applied("resetToken"))
	})
	t.Run("a service token outlives its member's demotion, not its loss of all access", func(t *testing.T) {
		a := authzAccount()
		for i := range a.Members {
			if a.Members[i].ID == "m02" {
				a.Members[i].Teams = nil // platform's flag-editor would keep it a reader
			}
		}
		srv, c := newServer(t, Options{Account: a})
		admin, _ := srv.IssueToken("m02", "admin")
		svc := createToken(t, c.as(admin.Secret), `{"name":"ci","role":"admin","serviceToken":true}`)
		demote(t, c, "m02", "reader")
		assert.Equal(t, 204, c.as(svc.Secret).do("DELETE", "/api/v2/members/m06", nil).status, "not capped by its member")
		demote(t, c, "m02", "no_access")
		wantError(t, c.as(svc.Secret).do("DELETE", "/api/v2/members/m03", nil), 403, "forbidden")
		wantError(t, c.as(svc.Secret).do("POST", "/api/v2/members", `[{"email":"z@acme.com","role":"admin"}]`), 403, "forbidden")
		wantError(t, reset(c.as(svc.Secret), svc.ID), 403, "forbidden")
		assert.Equal(t, 1, srv.Applied("deleteMember"))
		assert.Zero(t, srv.Applied("postMembers")+srv.Applied("resetToken"))
	})
	t.Run("invite with role attributes, without the action that sets them", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		r := c.as(peopleSec).do("POST", "/api/v2/members", `[{"email":"attr@acme.com","role":"reader","roleAttributes":{"projects":["*"]}}]`)
		wantError(t, r, 403, "forbidden")
		assert.Zero(t, srv.Applied("postMembers"))
		assert.Equal(t, 201, c.as(peopleSec).do("POST", "/api/v2/members", `[{"email":"attr@acme.com","role":"reader"}]`).status)
	})
	t.Run("a removed member's tokens stay dead after it is invited again", func(t *testing.T) {
		srv, c := newServer(t, Options{Account: authzAccount()})
		admin, _ := srv.IssueToken("m02", "admin")
		require.Equal(t, 204, c.do("DELETE", "/api/v2/members/m02", nil).status)
		require.Equal(t, 201, c.do("POST", "/api/v2/members", `[{"email":"adam@acme.com","role":"admin"}]`).status)
		assert.False(t, works(c, admin.Secret))
	})
}

// TestAttackTokenPolicyPatches: a token holding a deny (given by an admin) cannot lose or
// narrow it by any JSON Patch operation, nor turn it into an allow, nor widen what it allows;
// the change is judged on the token the patch produces, however the patch is spelt.
func TestAttackTokenPolicyPatches(t *testing.T) {
	const givenToken, givenSec = "t00000000000000000000012", "api-00000000-0000-4000-8000-000000000012"
	// An admin gave m03 (writer, token-manager) a token with denies.
	given := func() *Account {
		a := authzAccount()
		a.Tokens = append(a.Tokens, api.Token{ID: givenToken, OwnerID: "m03", MemberID: "m03", Name: "given", Role: "writer",
			CustomRoleIDs: []string{tokenManagerID}, Secret: givenSec, InlineRole: []api.Statement{
				{Effect: "deny", Actions: []string{"*"}, Resources: []string{"member/*:token/*"}},
				{Effect: "deny", Actions: []string{"deleteMember"}, Resources: []string{"member/*"}},
			}})
		return a
	}
	patches := []struct{ name, patch string }{
		{"remove the policy", `[{"op":"remove","path":"/inlineRole"}]`},
		{"remove one deny", `[{"op":"remove","path":"/inlineRole/0"}]`},
		{"replace a deny with a narrower one", `[{"op":"replace","path":"/inlineRole/0/resources","value":["proj/none"]}]`},
		{"add a notResources to a deny", `[{"op":"add","path":"/inlineRole/0/notResources","value":["member/*:token/*"]}]`},
		{"turn a deny into an allow", `[{"op":"replace","path":"/inlineRole/1/effect","value":"allow"}]`},
		{"move a deny's resource away", `[{"op":"move","from":"/inlineRole/0/resources/0","path":"/name"}]`},
		{"remove a deny, duplicate the other", `[{"op":"remove","path":"/inlineRole/0"},{"op":"copy","from":"/inlineRole/0","path":"/inlineRole/-"}]`},
		{"copy an allow over a deny", `[{"op":"add","path":"/inlineRole/-","value":{"effect":"allow","actions":["*"],"resources":["*"]}},{"op":"copy","from":"/inlineRole/2","path":"/inlineRole/0"}]`},
		{"move the role name into the role", `[{"op":"replace","path":"/name","value":"admin"},{"op":"move","from":"/name","path":"/role"}]`},
		{"a custom role by ID it does not hold", `[{"op":"add","path":"/customRoleIds/-","value":"` + peopleOpsID + `"}]`},
		{"a path in another case", `[{"op":"replace","path":"/Role","value":"admin"}]`},
		{"an escaped path", `[{"op":"replace","path":"/inline~1Role","value":[]}]`},
	}
	for _, p := range patches {
		t.Run(p.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: given()})
			before := grants(srv.Snapshot())
			for _, caller := range []*client{c.as(givenSec), c.as(managerSec)} {
				r := caller.do("PATCH", "/api/v2/tokens/"+givenToken, p.patch)
				assert.Contains(t, []int{400, 403, 422}, r.status, "body: %s", r.body)
			}
			assert.Equal(t, before, grants(srv.Snapshot()))
			assert.Zero(t, srv.Applied("patchToken"))
		})
	}
}

// TestAttackPolicyShapes: statements with notActions and notResources, wildcards over scopes,
// resource types that are not members, and names in other cases reach what LaunchDarkly's
// documentation says, no more.
func TestAttackPolicyShapes(t *testing.T) {
	del := func(id string) func(*client) resp {
		return func(c *client) resp { return c.do("DELETE", "/api/v2/members/"+id, nil) }
	}
	patch := func(id string) func(*client) resp {
		return func(c *client) resp {
			return c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"no_access"}]`)
		}
	}
	newToken := func(c *client) resp { return c.do("POST", "/api/v2/tokens", `{"role":"reader"}`) }
	tests := []struct {
		name, policy string
		do           func(*client) resp
		want         int
	}{
		{"notActions and notResources: excluded action", `[{"effect":"allow","notActions":["deleteMember"],"notResources":["member/m04"]}]`, del("m05"), 403},
		{"notActions and notResources: excluded resource", `[{"effect":"allow","notActions":["deleteMember"],"notResources":["member/m04"]}]`, patch("m04"), 403},
		{"notActions and notResources: neither", `[{"effect":"allow","notActions":["deleteMember"],"notResources":["member/m04"]}]`, patch("m05"), 200},
		{"member/*:token/* reaches no member", `[{"effect":"allow","actions":["*"],"resources":["member/*:token/*"]}]`, del("m04"), 403},
		{"member/*:token/* reaches no service token", `[{"effect":"allow","actions":["*"],"resources":["member/*:token/*"]}]`,
			func(c *client) resp { return c.do("POST", "/api/v2/tokens", `{"role":"reader","serviceToken":true}`) }, 403},
		{"member/* reaches no token", `[{"effect":"allow","actions":["*"],"resources":["member/*"]}]`, newToken, 403},
		{"proj/* reaches no member", `[{"effect":"allow","actions":["*"],"resources":["proj/*"]}]`, del("m04"), 403},
		{"*:* reaches no member", `[{"effect":"allow","actions":["*"],"resources":["*:*"]}]`, del("m04"), 403},
		{"a deny by email in another case", `[{"effect":"allow","actions":["*"],"resources":["member/*"]},{"effect":"deny","actions":["*"],"resources":["member/RITA@EXAMPLE.ORG"]}]`, del("m04"), 403},
		{"a deny of tokens by the member's email", `[{"effect":"allow","actions":["*"],"resources":["member/*:token/*"]},{"effect":"deny","actions":["*"],"resources":["member/olivia@acme.com:token/*"]}]`, newToken, 403},
		{"an allow of a member with a space", `[{"effect":"allow","actions":["*"],"resources":[" member/m04"]}]`, del("m04"), 403},
		{"an allow of another member's tokens", `[{"effect":"allow","actions":["*"],"resources":["member/m02:token/*"]}]`, newToken, 403},
		// notActions spelt in another case may name the action: it is out of an allow's reach, and
		// in a deny's.
		{"an allow's notActions in another case", `[{"effect":"allow","notActions":["DeleteMember"],"resources":["member/*"]}]`, del("m04"), 403},
		{"a deny's notActions in another case", `[{"effect":"allow","actions":["*"],"resources":["member/*"]},{"effect":"deny","notActions":["DELETEMEMBER"],"resources":["member/*"]}]`, del("m04"), 403},
		{"a deny whose resource type is a placeholder", `[{"effect":"allow","actions":["*"],"resources":["*"]},{"effect":"deny","actions":["*"],"resources":["${roleAttribute/kind}/*"]}]`, del("m04"), 403},
		{"a deny of everything with tags", `[{"effect":"allow","actions":["*"],"resources":["*"]},{"effect":"deny","actions":["*"],"resources":["*;admins"]}]`, newToken, 403},
		{"a deny's notActions in the same case", `[{"effect":"allow","actions":["*"],"resources":["member/*"]},{"effect":"deny","notActions":["deleteMember"],"resources":["member/*"]}]`, del("m04"), 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newServer(t, Options{Account: authzAccount()})
			r := tt.do(ownerToken(t, c, `{"inlineRole":`+tt.policy+`}`))
			assert.Equal(t, tt.want, r.status, "body: %s", r.body)
		})
	}
}

// TestAttackSemanticPatch: every instruction kind asks its action on each member it selects
// and gives no more than the caller holds; filters select no owner for a role change, and the
// caller's own member is never changed.
func TestAttackSemanticPatch(t *testing.T) {
	people := func(c *client) *client { return c.as(peopleSec) } // m05: reader, people-ops through its team
	tests := []struct {
		name, instructions string
		caller             func(*client) *client
		want               int
	}{
		{"every reader made a writer", `[{"kind":"replaceAllMembersRoles","value":"writer","filterRoles":["reader"]}]`, people, 403},
		{"every member of a team made an admin", `[{"kind":"replaceAllMembersRoles","value":"admin","filterTeamKey":"platform"}]`, people, 403},
		{"every member given a custom role not held", `[{"kind":"replaceAllMembersCustomRoles","values":["auditor"]}]`, people, 403},
		{"the listed given a custom role not held", `[{"kind":"replaceMembersCustomRoles","values":["token-manager"],"memberIDs":["m04"]}]`, people, 403},
		{"a harmless instruction then a bad one", `[{"kind":"replaceMembersRoles","value":"no_access","memberIDs":["m04"]},{"kind":"replaceMembersRoles","value":"admin","memberIDs":["m06"]}]`, people, 403},
		{"role attributes without the action", `[{"kind":"replaceMembersRoleAttributes","value":{"projects":["*"]},"memberIDs":["m04"]}]`, people, 403},
		{"an instruction kind the fake does not know", `[{"kind":"addCustomRoles","values":["auditor"],"memberIDs":["m05"]}]`, people, 400},
		{"a team instruction", `[{"kind":"addMembersToTeam","teamKey":"platform","memberIDs":["m05"]}]`, people, 400},
		{"a filter that selects no one asks member/*", `[{"kind":"replaceAllMembersRoles","value":"reader","filterQuery":"nobody-at-all"}]`,
			func(c *client) *client { return c.as(tokenAdminSec) }, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: attackAccount()})
			before := grants(srv.Snapshot())
			code := map[int]string{400: "invalid_request", 403: "forbidden"}[tt.want]
			wantError(t, semanticPatch(tt.caller(c), tt.instructions), tt.want, code)
			assert.Equal(t, before, grants(srv.Snapshot()))
		})
	}
	t.Run("an admin demoting everyone keeps the owners and itself", func(t *testing.T) {
		a := attackAccount()
		a.Members = append(a.Members, mem("m10", "Second", "Owner", "second@acme.com", "owner", 100))
		srv, c := newServer(t, Options{Account: a})
		admin, _ := srv.IssueToken("m02", "admin")
		r := semanticPatch(c.as(admin.Secret), `[{"kind":"replaceAllMembersRoles","value":"no_access","filterRoles":["owner","admin"]}]`)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		for id, role := range map[string]string{"m01": "owner", "m10": "owner", "m02": "admin"} {
			m, _ := srv.Member(id)
			assert.Equal(t, role, m.Role, id)
		}
	})
}

// TestAttackRolesThatDoNotExist: a member is granted only the custom roles the account has; a
// key naming none (on the member or on one of its teams) grants nothing, not even reading.
func TestAttackRolesThatDoNotExist(t *testing.T) {
	a := authzAccount()
	a.Teams = append(a.Teams, Team{Key: "ghosts", CustomRoleKeys: []string{"no-such-role"}})
	for i := range a.Members {
		if a.Members[i].ID == "m06" { // no_access
			a.Members[i].Teams = []api.MemberTeamSummaryRep{{Key: "ghosts", CustomRoleKeys: []string{"no-such-role"}}}
			a.Members[i].CustomRoles = []string{"Token-Manager"} // token-manager's key, in another case
		}
	}
	srv, c := newServer(t, Options{Account: a})
	tok, ok := srv.IssueToken("m06", "admin")
	require.True(t, ok)
	wantError(t, c.as(tok.Secret).do("GET", "/api/v2/members", nil), 403, "forbidden")
	wantError(t, c.as(tok.Secret).do("POST", "/api/v2/tokens", `{"role":"reader"}`), 403, "forbidden")
}

// TestAttackOwnersAndAdmins: the owners stay however the admins go, and a member that removes
// itself takes its tokens with it.
func TestAttackOwnersAndAdmins(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	admin, _ := srv.IssueToken("m02", "admin")
	ac := c.as(admin.Secret)
	wantError(t, ac.do("DELETE", "/api/v2/members/m01", nil), 403, "forbidden")
	wantError(t, c.do("DELETE", "/api/v2/members/me", nil), 403, "forbidden")
	r := c.do("PATCH", "/api/v2/members/me", `[{"op":"replace","path":"/role","value":"admin"}]`)
	wantError(t, r, 400, "invalid_request")
	assert.Equal(t, 204, ac.do("DELETE", "/api/v2/members/me", nil).status, "an admin may leave")
	assert.False(t, works(c, admin.Secret), "and its tokens with it")
	m, _ := srv.Member("m01")
	assert.Equal(t, "owner", m.Role)
	assert.True(t, works(c, srv.AdminSecret()))
}

// TestAttackWritesRacingDemotion: an admin's token writes from several goroutines while the
// owner demotes the admin once. Every write is applied (201, 204) or refused (403), and one
// sent after the demotion was answered is refused; the race detector watches the locking.
func TestAttackWritesRacingDemotion(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	admin, _ := srv.IssueToken("m02", "admin")
	ac := c.as(admin.Secret)
	var demoted atomic.Bool
	var wg sync.WaitGroup
	var late atomic.Int64
	var applied [3]atomic.Int64 // by kind of write: invites, tokens created, tokens deleted
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				after := demoted.Load()
				var r resp
				switch i % 3 {
				case 0:
					r = ac.do("POST", "/api/v2/members", fmt.Sprintf(`[{"email":"w%d-%d@race.test","role":"admin"}]`, w, i))
				case 1:
					r = ac.do("POST", "/api/v2/tokens", `{"role":"admin"}`)
				default:
					tok, _ := srv.IssueToken("m06", "reader")
					r = ac.do("DELETE", "/api/v2/tokens/"+tok.ID, nil)
				}
				if r.status < 300 {
					applied[i%3].Add(1)
					if after {
						late.Add(1)
					}
				}
				assert.Contains(t, []int{201, 204, 403}, r.status, "body: %s", r.body)
			}
		}()
	}
	r := c.do("PATCH", "/api/v2/members/m02", `[{"op":"replace","path":"/role","value":"reader"}]`)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	demoted.Store(true)
	wg.Wait()
	assert.Zero(t, late.Load(), "writes sent after the demotion was answered")
	assert.Equal(t, applied[0].Load(), int64(srv.Applied("postMembers")), "every invite answered 201 was applied, once")
	assert.Equal(t, applied[1].Load(), int64(srv.Applied("postToken")))
	assert.Equal(t, applied[2].Load(), int64(srv.Applied("deleteToken")))
	for _, m := range srv.Members() {
		if strings.HasSuffix(m.Email, "@race.test") {
			assert.Equal(t, "admin", m.Role)
		}
	}
}
