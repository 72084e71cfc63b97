package tests

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// observe sends a request as the admin and returns what a client sees: status and body.
func (e *contractEnv) observe(t *testing.T, method, path, query string) string {
	t.Helper()
	status, body := e.send(t, e.srv.AdminSecret(), method, path, query, "", "")
	return fmt.Sprintf("%d %s", status, body)
}

// parameterEffects show, for each query parameter of each operation, two requests that differ
// only by that parameter and must be answered differently: a parameter the fake ignores
// answers both alike.
var parameterEffects = map[string]func(t *testing.T, e *contractEnv) (without, with string){
	"getTokens showAll": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/tokens", ""), e.observe(t, "GET", "/api/v2/tokens", "showAll=true")
	},
	"getTokens limit": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/tokens", "showAll=true"), e.observe(t, "GET", "/api/v2/tokens", "showAll=true&limit=1")
	},
	"getTokens offset": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/tokens", "showAll=true"), e.observe(t, "GET", "/api/v2/tokens", "showAll=true&offset=1")
	},
	"resetToken expiry": func(t *testing.T, e *contractEnv) (string, string) {
		// The old secret works until expiry, or stops at once without it.
		oldSecretAfterReset := func(query string) string {
			tok := e.createToken(t)
			e.observe(t, "POST", "/api/v2/tokens/"+tok.ID+"/reset", query)
			status, _ := e.send(t, tok.Secret, "GET", "/api/v2/members/me", "", "", "")
			return strconv.Itoa(status)
		}
		inAnHour := e.clock.Now().Add(time.Hour).UnixMilli()
		return oldSecretAfterReset(""), oldSecretAfterReset("expiry=" + strconv.FormatInt(inAnHour, 10))
	},
	"getMembers limit": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/members", ""), e.observe(t, "GET", "/api/v2/members", "limit=1")
	},
	"getMembers offset": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/members", ""), e.observe(t, "GET", "/api/v2/members", "offset=1")
	},
	"getMembers filter": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/members", ""), e.observe(t, "GET", "/api/v2/members", "filter=role:admin")
	},
	"getMembers sort": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/members", ""), e.observe(t, "GET", "/api/v2/members", "sort=-lastSeen")
	},
	"getMembers expand": func(t *testing.T, e *contractEnv) (string, string) {
		return e.observe(t, "GET", "/api/v2/members", "limit=100"), e.observe(t, "GET", "/api/v2/members", "limit=100&expand=roleAttributes")
	},
	"getMember expand": func(t *testing.T, e *contractEnv) (string, string) {
		id := ""
		for _, m := range e.srv.Members() {
			if len(m.RoleAttributes) > 0 {
				id = m.ID
			}
		}
		require.NotEmpty(t, id, "the seeded account has a member with role attributes")
		return e.observe(t, "GET", "/api/v2/members/"+id, ""), e.observe(t, "GET", "/api/v2/members/"+id, "expand=roleAttributes")
	},
}

// Every query parameter of every operation changes what the fake returns in some case: the
// operations and their parameters are enumerated from openapi.yaml, so a parameter the contract
// gains fails here until the fake honours it and a case shows it.
func TestContractEveryQueryParameterMatters(t *testing.T) {
	env := newContractEnv(t, newContractTransport(t, nil), fake.Options{})
	for _, op := range specOperations(t) {
		for _, p := range op.parameters() {
			if p.Value.In != openapi3.ParameterInQuery {
				continue
			}
			key := op.ID + " " + p.Value.Name
			t.Run(key, func(t *testing.T) {
				effect, ok := parameterEffects[key]
				require.True(t, ok, "no case shows what %s changes", key)
				without, with := effect(t, env)
				assert.NotEqual(t, without, with, "the fake answers alike with and without %s", p.Value.Name)
			})
		}
	}
	for key := range parameterEffects {
		assert.True(t, hasQueryParameter(t, key), "parameterEffects names %q, which the contract lacks", key)
	}
}

func hasQueryParameter(t *testing.T, key string) bool {
	for _, op := range specOperations(t) {
		for _, p := range op.parameters() {
			if p.Value.In == openapi3.ParameterInQuery && op.ID+" "+p.Value.Name == key {
				return true
			}
		}
	}
	return false
}

// Every filter field of the contract (api.MembersFilterField) can be asked for through the
// wrapper's MemberFilter: a field LaunchDarkly adds fails here until the wrapper has it.
func TestWrapperFilterReachesEveryFilterField(t *testing.T) {
	noTeam := true
	f := wrapper.MemberFilter{
		Query: "a", Roles: []string{"admin"}, IDs: []string{"x"}, Emails: []string{"a@example.com"},
		TeamKey: "t", NoTeam: &noTeam, LastSeen: wrapper.NeverSeen(),
	}
	v := reflect.ValueOf(f)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "set MemberFilter.%s here too", v.Type().Field(i).Name)
	}
	var got []string
	depth, start, s := 0, 0, f.String()
	for i := 0; i <= len(s); i++ {
		switch {
		case i < len(s) && s[i] == '{':
			depth++
		case i < len(s) && s[i] == '}':
			depth--
		case i == len(s) || (s[i] == ',' && depth == 0):
			field, _, _ := strings.Cut(s[start:i], ":")
			got = append(got, field)
			start = i + 1
		}
	}
	for _, field := range api.MembersFilterFieldValues() {
		assert.Contains(t, got, string(field), "the contract's filter field %s has no field in wrapper.MemberFilter", field)
	}
}
