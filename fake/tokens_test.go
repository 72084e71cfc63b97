package fake

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

var secretPattern = regexp.MustCompile(`^api-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func createToken(t *testing.T, c *client, body any) api.Token {
	t.Helper()
	r := c.do("POST", "/api/v2/tokens", body)
	require.Equal(t, 201, r.status, "body: %s", r.body)
	return decode[api.Token](t, r)
}

func TestDefaultAdminSecret(t *testing.T) {
	assert.Regexp(t, secretPattern, DefaultAdminSecret)
	srv, c := newServer(t, Options{})
	assert.Equal(t, DefaultAdminSecret, srv.AdminSecret())
	assert.Len(t, srv.Members(), 1, "an account holding just its owner")
	assert.Equal(t, "owner", decode[api.Member](t, c.do("GET", "/api/v2/members/me", nil)).Role)

	custom, cc := newServer(t, Options{AdminSecret: "api-11111111-2222-4333-8444-555555555555"})
	assert.Equal(t, "api-11111111-2222-4333-8444-555555555555", custom.AdminSecret())
	assert.Equal(t, 200, cc.do("GET", "/api/v2/tokens", nil).status)
	wantError(t, cc.as(DefaultAdminSecret).do("GET", "/api/v2/tokens", nil), 401, "unauthorized")
}

func TestCreateTokenShowsSecretOnce(t *testing.T) {
	clk := newClock()
	srv, c := newServer(t, Options{Account: smallAccount(), Now: clk.Now})
	tok := createToken(t, c, api.AccessTokenPost{Name: "ci", Role: api.AccessTokenPostRole("writer")})
	secret := tok.Secret
	require.Regexp(t, secretPattern, secret)
	assert.Equal(t, "m01", tok.MemberID)
	assert.Equal(t, "m01", tok.OwnerID)
	assert.Equal(t, clk.Now().UnixMilli(), tok.CreationDate)
	assert.Zero(t, tok.LastUsed, "never used yet")

	got := decode[api.Token](t, c.do("GET", "/api/v2/tokens/"+tok.ID, nil))
	assert.Equal(t, secret[len(secret)-4:], got.Secret, "reads show the last four characters")
	require.NotZero(t, got.Member)
	assert.Equal(t, "olivia@acme.com", got.Member.Email)

	// The new token authenticates, acts as its member, and records its use.
	clk.Add(time.Minute)
	me := decode[api.Member](t, c.as(secret).do("GET", "/api/v2/members/me", nil))
	assert.Equal(t, "m01", me.ID)
	used, _ := srv.Token(tok.ID)
	assert.Equal(t, clk.Now().UnixMilli(), used.LastUsed)
	assert.Equal(t, 1, srv.Applied("postToken"))
}

func TestCreateTokenRules(t *testing.T) {
	srv, c := newServer(t, Options{Account: authzAccount()})
	reader, _ := srv.IssueToken("m04", "reader")
	tests := []struct {
		name   string
		c      *client
		body   string
		status int
		code   string
	}{
		{"no role of any kind", c, `{"name":"x"}`, 400, "invalid_request"},
		{"role not in the contract", c, `{"role":"owner"}`, 400, "invalid_request"},
		{"unknown custom role", c, `{"customRoleIds":["nope"]}`, 400, "invalid_request"},
		{"bad inline effect", c, `{"inlineRole":[{"effect":"maybe"}]}`, 400, "invalid_request"},
		{"service token needs an admin", c.as(managerSec), `{"role":"reader","serviceToken":true}`, 403, "forbidden"},
		{"no role above the creator's", c.as(managerSec), `{"role":"admin"}`, 403, "forbidden"},
		{"a reader's role manages no tokens", c.as(reader.Secret), `{"role":"reader"}`, 403, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.c.do("POST", "/api/v2/tokens", tt.body), tt.status, tt.code)
		})
	}
	okBodies := []string{
		`{"customRoleIds":["c00000000000000000000001"]}`,
		`{"inlineRole":[{"effect":"allow","actions":["*"],"resources":["proj/*"]}]}`,
		`{"role":"admin","serviceToken":true,"defaultApiVersion":20240415}`,
	}
	for _, b := range okBodies {
		createToken(t, c, b)
	}
	created := createToken(t, c.as(managerSec), `{"role":"reader"}`)
	assert.Equal(t, "m03", created.OwnerID)
}

func TestResetToken(t *testing.T) {
	clk := newClock()
	srv, c := newServer(t, Options{Account: smallAccount(), Now: clk.Now})
	tok := createToken(t, c, `{"role":"reader"}`)
	old := tok.Secret

	t.Run("with expiry the old secret works until then", func(t *testing.T) {
		expiry := clk.Now().Add(time.Hour).UnixMilli()
		r := c.do("POST", fmt.Sprintf("/api/v2/tokens/%s/reset?expiry=%d", tok.ID, expiry), nil)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		fresh := decode[api.Token](t, r).Secret
		require.Regexp(t, secretPattern, fresh)
		require.NotEqual(t, old, fresh)

		assert.Equal(t, 200, c.as(old).do("GET", "/api/v2/members/me", nil).status)
		assert.Equal(t, 200, c.as(fresh).do("GET", "/api/v2/members/me", nil).status)
		clk.Add(time.Hour)
		wantError(t, c.as(old).do("GET", "/api/v2/members/me", nil), 401, "unauthorized")
		assert.Equal(t, 200, c.as(fresh).do("GET", "/api/v2/members/me", nil).status)
		got, _ := srv.Token(tok.ID)
		assert.Equal(t, fresh[len(fresh)-4:], got.Secret)
		old = fresh
	})
	t.Run("without expiry the old secret stops at once", func(t *testing.T) {
		r := c.do("POST", "/api/v2/tokens/"+tok.ID+"/reset", nil)
		require.Equal(t, 200, r.status, "body: %s", r.body)
		wantError(t, c.as(old).do("GET", "/api/v2/members/me", nil), 401, "unauthorized")
		assert.Equal(t, 200, c.as(decode[api.Token](t, r).Secret).do("GET", "/api/v2/members/me", nil).status)
	})
	t.Run("an expiry in the past is at once", func(t *testing.T) {
		r := c.do("POST", fmt.Sprintf("/api/v2/tokens/%s/reset?expiry=%d", tok.ID, clk.Now().Add(-time.Hour).UnixMilli()), nil)
		require.Equal(t, 200, r.status)
	})
	wantError(t, c.do("POST", "/api/v2/tokens/nope/reset", nil), 404, "not_found")
	wantError(t, c.do("POST", "/api/v2/tokens/"+tok.ID+"/reset?expiry=soon", nil), 400, "invalid_request")
	assert.Equal(t, 3, srv.Applied("resetToken"))
}

func TestPatchToken(t *testing.T) {
	tests := []struct {
		name, patch string
		status      int
		code        string
		check       func(t *testing.T, tok api.Token)
	}{
		{"replace name", `[{"op":"replace","path":"/name","value":"renamed"}]`, 200, "",
			func(t *testing.T, tok api.Token) { assert.Equal(t, "renamed", tok.Name) }},
		{"replace an absent description", `[{"op":"replace","path":"/description","value":"d"}]`, 200, "",
			func(t *testing.T, tok api.Token) { assert.Equal(t, "d", tok.Description) }},
		{"test then replace role", `[{"op":"test","path":"/role","value":"reader"},{"op":"replace","path":"/role","value":"writer"}]`, 200, "",
			func(t *testing.T, tok api.Token) { assert.Equal(t, "writer", tok.Role) }},
		{"add inline role", `[{"op":"add","path":"/inlineRole","value":[{"effect":"deny","actions":["*"],"resources":["*"]}]}]`, 200, "",
			func(t *testing.T, tok api.Token) {
				require.NotNil(t, tok.InlineRole)
				assert.Equal(t, api.StatementEffect("deny"), (tok.InlineRole)[0].Effect)
			}},
		{"failed test", `[{"op":"test","path":"/role","value":"admin"},{"op":"replace","path":"/name","value":"x"}]`, 422, "patch_failed", nil},
		{"remove what is not there", `[{"op":"remove","path":"/customRoleIds/4"}]`, 422, "patch_failed", nil},
		{"_id not editable", `[{"op":"replace","path":"/_id","value":"x"}]`, 400, "invalid_request", nil},
		{"ownerId not editable", `[{"op":"replace","path":"/ownerId","value":"m02"}]`, 400, "invalid_request", nil},
		{"token not editable", `[{"op":"replace","path":"/token","value":"x"}]`, 400, "invalid_request", nil},
		{"unknown role", `[{"op":"replace","path":"/role","value":"god"}]`, 400, "invalid_request", nil},
		{"name not a string", `[{"op":"replace","path":"/name","value":5}]`, 400, "invalid_request", nil},
		{"missing path", `[{"op":"replace","value":"x"}]`, 400, "invalid_request", nil},
		{"test without a value", `[{"op":"test","path":"/description"},{"op":"replace","path":"/name","value":"x"}]`, 400, "invalid_request", nil},
		{"add without a value", `[{"op":"add","path":"/description"}]`, 400, "invalid_request", nil},
		{"test of null against an absent field", `[{"op":"test","path":"/description","value":null},{"op":"replace","path":"/name","value":"tested"}]`, 200, "",
			func(t *testing.T, tok api.Token) { assert.Equal(t, "tested", tok.Name) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newServer(t, Options{Account: smallAccount()})
			tok := createToken(t, c, `{"name":"orig","role":"reader"}`)
			r := c.do("PATCH", "/api/v2/tokens/"+tok.ID, tt.patch)
			if tt.status != 200 {
				wantError(t, r, tt.status, tt.code)
				got, _ := srv.Token(tok.ID)
				assert.Equal(t, "orig", got.Name)
				assert.Zero(t, srv.Applied("patchToken"))
				return
			}
			require.Equal(t, 200, r.status, "body: %s", r.body)
			got := decode[api.Token](t, r)
			tt.check(t, got)
			assert.Len(t, got.Secret, 4, "obfuscated")
			assert.Equal(t, 1, srv.Applied("patchToken"))
		})
	}
}

func TestDeleteToken(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	tok := createToken(t, c, `{"role":"reader"}`)
	secret := tok.Secret
	require.Equal(t, 200, c.as(secret).do("GET", "/api/v2/tokens", nil).status)
	r := c.do("DELETE", "/api/v2/tokens/"+tok.ID, nil)
	require.Equal(t, 204, r.status, "body: %s", r.body)
	wantError(t, c.as(secret).do("GET", "/api/v2/tokens", nil), 401, "unauthorized")
	wantError(t, c.do("GET", "/api/v2/tokens/"+tok.ID, nil), 404, "not_found")
	wantError(t, c.do("DELETE", "/api/v2/tokens/"+tok.ID, nil), 404, "not_found")
	assert.Equal(t, 1, srv.Applied("deleteToken"))
}

func TestTokensOfOthers(t *testing.T) {
	srv, c := newServer(t, Options{Account: smallAccount()})
	admins := createToken(t, c, `{"role":"reader"}`)
	w, _ := srv.IssueToken("m03", "writer")
	wc := c.as(w.Secret)

	// Without showAll, only the caller's own tokens.
	own := decode[api.Tokens](t, wc.do("GET", "/api/v2/tokens", nil))
	require.Len(t, own.Items, 1)
	assert.Equal(t, w.ID, own.Items[0].ID)
	wantError(t, wc.do("GET", "/api/v2/tokens?showAll=true", nil), 403, "forbidden")
	wantError(t, wc.do("GET", "/api/v2/tokens/"+admins.ID, nil), 403, "forbidden")
	wantError(t, wc.do("DELETE", "/api/v2/tokens/"+admins.ID, nil), 403, "forbidden")
	wantError(t, wc.do("POST", "/api/v2/tokens/"+admins.ID+"/reset", nil), 403, "forbidden")
	wantError(t, wc.do("PATCH", "/api/v2/tokens/"+admins.ID, `[{"op":"replace","path":"/name","value":"x"}]`), 403, "forbidden")

	// An admin sees and manages everyone's.
	all := decode[api.Tokens](t, c.do("GET", "/api/v2/tokens?showAll=true", nil))
	assert.Equal(t, 3, all.TotalCount)
	assert.Equal(t, 200, c.do("GET", "/api/v2/tokens/"+w.ID, nil).status)
}

func TestTokensPagination(t *testing.T) {
	srv, c := newServer(t, Options{Account: Seed(SeedOptions{Members: 10, Tokens: 60, Seed: 5})})
	page := decode[api.Tokens](t, c.do("GET", "/api/v2/tokens?showAll=true", nil))
	assert.Len(t, page.Items, 25, "default limit")
	assert.Equal(t, 61, page.TotalCount, "the seeded tokens and the admin token")
	links := page.Links
	assert.Equal(t, "/api/v2/tokens?limit=25&offset=0&showAll=true", href(links, "self"))
	assert.Equal(t, "/api/v2/tokens?limit=25&offset=25&showAll=true", href(links, "next"))
	assert.Equal(t, "/api/v2/tokens?limit=25&offset=50&showAll=true", href(links, "last"))
	assert.Empty(t, href(links, "prev"))

	var got []string
	for path := "/api/v2/tokens?showAll=true&limit=7"; path != ""; {
		p := decode[api.Tokens](t, c.do("GET", path, nil))
		for _, tok := range p.Items {
			got = append(got, tok.ID)
			assert.Len(t, tok.Secret, 4)
		}
		path = href(p.Links, "next")
	}
	var want []string
	for _, tok := range srv.Tokens() {
		want = append(want, tok.ID)
	}
	assert.Equal(t, want, got)
	wantError(t, c.do("GET", "/api/v2/tokens?limit=0", nil), 400, "invalid_request")
}

func TestSeededTokensAuthenticate(t *testing.T) {
	a := Seed(SeedOptions{Members: 30, Tokens: 40, Seed: 2})
	_, c := newServer(t, Options{Account: a})
	members := map[string]api.Member{}
	for _, m := range a.Members {
		members[m.ID] = m
	}
	var orphans, working int
	for _, st := range a.Tokens {
		r := c.as(st.Secret).do("GET", "/api/v2/members/me", nil)
		m, exists := members[st.MemberID]
		switch {
		case !exists:
			orphans++
			wantError(t, r, 401, "unauthorized")
		case m.Role == "no_access" && !holdsCustomRoles(a, m) && !st.ServiceToken:
			wantError(t, r, 403, "forbidden")
		default:
			working++
			require.Equal(t, 200, r.status, "body: %s", r.body)
			assert.Equal(t, st.MemberID, decode[api.Member](t, r).ID)
		}
	}
	assert.Positive(t, orphans)
	assert.Positive(t, working)
}

// holdsCustomRoles reports whether a member of account a holds a custom role, itself or through
// a team: such a member may read (package doc, Authorization).
func holdsCustomRoles(a *Account, m api.Member) bool {
	if len(m.CustomRoles) > 0 {
		return true
	}
	for _, mt := range m.Teams {
		for _, t := range a.Teams {
			if strings.EqualFold(t.Key, mt.Key) && len(t.CustomRoleKeys) > 0 {
				return true
			}
		}
	}
	return false
}
