package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/fake"
)

// Every optional property of every request body changes what the fake does, as every query
// parameter does (parameters_test.go): the properties are enumerated from openapi.yaml, so a
// property LaunchDarkly adds to a request fails here until the fake honours it and a case shows
// it. A required property needs no case: without it the request is refused.

// requestProperties lists the optional properties of every request body of the contract, at any
// depth, as "operation property", "postToken inlineRole[].actions". The items of a body that is
// an array are its own properties: "postMembers firstName".
func requestProperties(t testing.TB) []string {
	var out []string
	var walk func(op, at string, s *openapi3.Schema, depth int)
	walk = func(op, at string, s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		if s.Items != nil {
			walk(op, at+"[]", s.Items.Value, depth+1)
		}
		for name, ref := range s.Properties {
			p := strings.TrimPrefix(at+"."+name, "[].")
			p = strings.TrimPrefix(p, ".")
			if !slices.Contains(s.Required, name) {
				out = append(out, op+" "+p)
			}
			walk(op, p, ref.Value, depth+1)
		}
	}
	for _, op := range specOperations(t) {
		if rb := op.Op.RequestBody; rb != nil {
			for _, mt := range rb.Value.Content {
				walk(op.ID, "", mt.Schema.Value, 0)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// unobservable are the request properties whose effect no answer of the contract shows, each
// with why. The fake need not honour them; keep the list short.
var unobservable = map[string]string{
	"postMembers password": "LaunchDarkly sets the new member's password with it; no operation of the contract shows a password.",
	"patchMembers comment": "LaunchDarkly writes it to the account's audit log, which no operation of the contract reads.",
}

// answer sends a request as the admin and returns what a client sees, less what differs
// between two requests anyway (IDs, times, secrets, links, the unique emails of invitations).
func (e *contractEnv) answer(t *testing.T, method, path, contentType, body string) string {
	t.Helper()
	body = strings.ReplaceAll(body, "EMAIL", uniqueEmail())
	status, data := e.send(t, e.srv.AdminSecret(), method, path, "", contentType, body)
	var v any
	if json.Unmarshal(data, &v) != nil {
		return fmt.Sprintf("%d %s", status, data)
	}
	out, err := json.Marshal(withoutVolatile(v))
	require.NoError(t, err)
	return fmt.Sprintf("%d %s", status, out)
}

func withoutVolatile(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"_id", "id", "_links", "token", "creationDate", "lastModified", "email"} {
			delete(v, k)
		}
		for k, e := range v {
			v[k] = withoutVolatile(e)
		}
	case []any:
		for i, e := range v {
			v[i] = withoutVolatile(e)
		}
	}
	return v
}

// requestPropertyEffects show, for each optional request property, two requests that differ
// only by that property and must be answered differently.
func requestPropertyEffects(t *testing.T, e *contractEnv) map[string]func(t *testing.T) (without, with string) {
	acct := e.srv.Snapshot()
	require.NotEmpty(t, acct.CustomRoles, "the seeded account has custom roles")
	roleID, roleKey, team := acct.CustomRoles[0].ID, acct.CustomRoles[0].Key, e.teamKey(t)
	postToken := func(without, with string) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) {
			return e.answer(t, "POST", "/api/v2/tokens", "application/json", without),
				e.answer(t, "POST", "/api/v2/tokens", "application/json", with)
		}
	}
	postMembers := func(without, with string) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) {
			return e.answer(t, "POST", "/api/v2/members", "application/json", "["+without+"]"),
				e.answer(t, "POST", "/api/v2/members", "application/json", "["+with+"]")
		}
	}
	deny := func(props string) string { return `{"inlineRole":[{"effect":"deny"` + props + `}]}` }
	return map[string]func(t *testing.T) (string, string){
		"postToken name":        postToken(`{"role":"reader"}`, `{"role":"reader","name":"n"}`),
		"postToken description": postToken(`{"role":"reader"}`, `{"role":"reader","description":"d"}`),
		"postToken role": postToken(`{"customRoleIds":["`+roleID+`"]}`,
			`{"customRoleIds":["`+roleID+`"],"role":"reader"}`),
		"postToken customRoleIds": postToken(`{"role":"reader"}`, `{"role":"reader","customRoleIds":["`+roleID+`"]}`),
		"postToken inlineRole": postToken(`{"role":"reader"}`,
			`{"role":"reader","inlineRole":[{"effect":"deny","actions":["*"],"resources":["*"]}]}`),
		"postToken inlineRole[].actions":      postToken(deny(`,"resources":["*"]`), deny(`,"resources":["*"],"actions":["*"]`)),
		"postToken inlineRole[].notActions":   postToken(deny(`,"resources":["*"]`), deny(`,"resources":["*"],"notActions":["x"]`)),
		"postToken inlineRole[].resources":    postToken(deny(`,"actions":["*"]`), deny(`,"actions":["*"],"resources":["*"]`)),
		"postToken inlineRole[].notResources": postToken(deny(`,"actions":["*"]`), deny(`,"actions":["*"],"notResources":["x"]`)),
		"postToken serviceToken":              postToken(`{"role":"reader"}`, `{"role":"reader","serviceToken":true}`),
		"postToken defaultApiVersion":         postToken(`{"role":"reader"}`, `{"role":"reader","defaultApiVersion":20240415}`),

		"postMembers firstName": postMembers(`{"email":"EMAIL","role":"reader"}`, `{"email":"EMAIL","role":"reader","firstName":"F"}`),
		"postMembers lastName":  postMembers(`{"email":"EMAIL","role":"reader"}`, `{"email":"EMAIL","role":"reader","lastName":"L"}`),
		"postMembers role": postMembers(`{"email":"EMAIL","customRoles":["`+roleKey+`"]}`,
			`{"email":"EMAIL","customRoles":["`+roleKey+`"],"role":"reader"}`),
		"postMembers customRoles": postMembers(`{"email":"EMAIL","role":"reader"}`,
			`{"email":"EMAIL","role":"reader","customRoles":["`+roleKey+`"]}`),
		"postMembers teamKeys": postMembers(`{"email":"EMAIL","role":"reader"}`,
			`{"email":"EMAIL","role":"reader","teamKeys":["`+team+`"]}`),
		// Answers show role attributes only when expanded: read the member back with them.
		"postMembers roleAttributes": func(t *testing.T) (string, string) {
			inviteAndRead := func(body string) string {
				status, data := e.send(t, e.srv.AdminSecret(), "POST", "/api/v2/members", "", "application/json",
					strings.ReplaceAll("["+body+"]", "EMAIL", uniqueEmail()))
				require.Equal(t, http.StatusCreated, status, "%s", data)
				var invited struct {
					Items []struct {
						ID string `json:"_id"`
					}
				}
				require.NoError(t, json.Unmarshal(data, &invited))
				require.Len(t, invited.Items, 1)
				status, data = e.send(t, e.srv.AdminSecret(), "GET", "/api/v2/members/"+invited.Items[0].ID, "expand=roleAttributes", "", "")
				var v any
				require.NoError(t, json.Unmarshal(data, &v))
				out, err := json.Marshal(withoutVolatile(v))
				require.NoError(t, err)
				return fmt.Sprintf("%d %s", status, out)
			}
			return inviteAndRead(`{"email":"EMAIL","role":"reader"}`),
				inviteAndRead(`{"email":"EMAIL","role":"reader","roleAttributes":{"projects":["default"]}}`)
		},

		"patchToken value": func(t *testing.T) (string, string) {
			patch := func(op string) string {
				return e.answer(t, "PATCH", "/api/v2/tokens/"+e.createToken(t).ID, "application/json", op)
			}
			return patch(`[{"op":"replace","path":"/name"}]`), patch(`[{"op":"replace","path":"/name","value":"v"}]`)
		},
		"patchMember value": func(t *testing.T) (string, string) {
			patch := func(op string) string {
				return e.answer(t, "PATCH", "/api/v2/members/"+e.invite(t).ID, "application/json", op)
			}
			return patch(`[{"op":"replace","path":"/role"}]`), patch(`[{"op":"replace","path":"/role","value":"writer"}]`)
		},
	}
}

func TestContractEveryRequestPropertyMatters(t *testing.T) {
	ct := newContractTransport(t, nil)
	env := newContractEnv(t, ct, fake.Options{})
	effects := requestPropertyEffects(t, env)
	props := requestProperties(t)
	for _, key := range props {
		t.Run(key, func(t *testing.T) {
			if reason, ok := unobservable[key]; ok {
				assert.NotContains(t, effects, key, "%s has a case and is listed as unobservable (%s)", key, reason)
				return
			}
			effect, ok := effects[key]
			require.True(t, ok, "no case shows what the request property %s changes: the fake may ignore it", key)
			var without, with string
			require.NoError(t, ct.allowingInvalid(func() error { without, with = effect(t); return nil }))
			assert.NotEqual(t, without, with, "the fake answers alike with and without %s", key)
			assert.True(t, strings.HasPrefix(with, fmt.Sprint(http.StatusOK)) || strings.HasPrefix(with, fmt.Sprint(http.StatusCreated)),
				"the request with %s succeeds: %s", key, with)
		})
	}
	for key := range effects {
		assert.Contains(t, props, key, "requestPropertyEffects names %q, which the contract lacks", key)
	}
	for key := range unobservable {
		assert.Contains(t, props, key, "unobservable names %q, which the contract lacks", key)
	}
}
