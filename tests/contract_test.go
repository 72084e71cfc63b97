package tests

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// clock is a settable time source shared by a fake and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// contractEnv is a fake LaunchDarkly and the means to talk to it through the contract check.
type contractEnv struct {
	srv   *fake.Server
	ct    *contractTransport
	clock *clock
	admin *wrapper.Client
}

var emailSeq atomic.Int64

// uniqueEmail returns an address no other test has used.
func uniqueEmail() string { return fmt.Sprintf("contract-%d@example.com", emailSeq.Add(1)) }

// newContractEnv starts a seeded fake; ct may be shared by several environments.
func newContractEnv(t testing.TB, ct *contractTransport, opts fake.Options) *contractEnv {
	t.Helper()
	c := newClock()
	if opts.Account == nil {
		opts.Account = fake.Seed(fake.SeedOptions{Members: 60, Tokens: 8, Seed: 42, Now: c.Now()})
	}
	opts.Now = c.Now
	srv := fake.NewServer(opts)
	t.Cleanup(srv.Close)
	e := &contractEnv{srv: srv, ct: ct, clock: c}
	e.admin = e.client(t, srv.AdminSecret())
	return e
}

// client talks to the fake as token, sending each request once so that every answer reaches
// the test unretried.
func (e *contractEnv) client(t testing.TB, token string) *wrapper.Client {
	t.Helper()
	c, err := wrapper.New(token,
		wrapper.WithBaseURL(e.srv.URL),
		wrapper.WithHTTPClient(&http.Client{Transport: e.ct}),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}),
	)
	require.NoError(t, err)
	return c
}

// invite adds a fresh member, a reader unless role says otherwise, and returns it.
func (e *contractEnv) invite(t *testing.T, role ...api.NewMemberFormRole) api.Member {
	t.Helper()
	role = append(role, api.NewMemberFormRoleReader)
	ms, err := e.admin.InviteMembers(context.Background(), api.NewMemberForm{Email: uniqueEmail(), Role: role[0]})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	return ms[0]
}

// createToken adds a fresh writer token and returns it, secret included.
func (e *contractEnv) createToken(t testing.TB) api.Token {
	t.Helper()
	role := api.AccessTokenPostRoleWriter
	name := "contract-" + strconv.FormatInt(emailSeq.Add(1), 10)
	tok, err := e.admin.CreateToken(context.Background(), api.AccessTokenPost{Name: name, Role: role})
	require.NoError(t, err)
	return tok
}

func (e *contractEnv) teamKey(t *testing.T) string {
	t.Helper()
	teams := e.srv.Teams()
	require.NotEmpty(t, teams)
	return teams[0].Key
}

// anyCall sends each operation with plausible arguments, for statuses that do not depend on
// them (401, 403, 429, scripted faults) and for 404, since the IDs name nothing.
func anyCall(t *testing.T, e *contractEnv) map[string]func(context.Context, *wrapper.Client) error {
	const nobody = "5f0000000000000000000000"
	reader := api.NewMemberFormRoleReader
	writer := api.AccessTokenPostRoleWriter
	team := e.teamKey(t)
	return map[string]func(context.Context, *wrapper.Client) error{
		"getTokens": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.ListTokens(ctx, wrapper.TokensQuery{})
			return err
		},
		"postToken": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.CreateToken(ctx, api.AccessTokenPost{Role: writer})
			return err
		},
		"getToken": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.GetToken(ctx, nobody)
			return err
		},
		"patchToken": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.PatchToken(ctx, nobody, wrapper.Replace("/name", "x"))
			return err
		},
		"deleteToken":  func(ctx context.Context, c *wrapper.Client) error { return c.DeleteToken(ctx, nobody) },
		"deleteMember": func(ctx context.Context, c *wrapper.Client) error { return c.DeleteMember(ctx, nobody) },
		"resetToken": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.ResetToken(ctx, nobody)
			return err
		},
		"getMembers": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.ListMembers(ctx, wrapper.MembersQuery{})
			return err
		},
		"postMembers": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.InviteMembers(ctx, api.NewMemberForm{Email: uniqueEmail(), Role: reader})
			return err
		},
		"patchMembers": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.UpdateMembers(ctx, "contract", wrapper.ReplaceMembersRoles("reader", nobody))
			return err
		},
		"getMember": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.GetMember(ctx, nobody)
			return err
		},
		"patchMember": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.PatchMember(ctx, nobody, wrapper.Replace("/role", "writer"))
			return err
		},
		"postMemberTeams": func(ctx context.Context, c *wrapper.Client) error {
			_, err := c.AddMemberToTeams(ctx, nobody, team)
			return err
		},
	}
}

// statusCase provokes one documented status of one operation.
type statusCase func(t *testing.T, ctx context.Context) error

// TestContractEveryOperationAndDocumentedStatus sends, for every operation in openapi.yaml,
// its success case and every documented error status through the wrapper to the fake, with
// each request and response validated against the contract. An operation or status added to
// the contract without a case here fails the test.
func TestContractEveryOperationAndDocumentedStatus(t *testing.T) {
	ct := newContractTransport(t, nil)
	env := newContractEnv(t, ct, fake.Options{})
	calls := anyCall(t, env)

	cases := map[string]map[int]statusCase{}
	add := func(op string, status int, c statusCase) {
		if cases[op] == nil {
			cases[op] = map[int]statusCase{}
		}
		cases[op][status] = c
	}
	writer := api.AccessTokenPostRoleWriter
	reader := api.NewMemberFormRoleReader

	// 2xx: the operation does what it says.
	add("getTokens", 200, func(t *testing.T, ctx context.Context) error {
		page, err := env.admin.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true})
		if err == nil {
			assert.NotEmpty(t, page.Items)
		}
		return err
	})
	add("postToken", 201, func(t *testing.T, ctx context.Context) error {
		name := "created"
		tok, err := env.admin.CreateToken(ctx, api.AccessTokenPost{Name: name, Role: writer})
		if err == nil {
			assert.Regexp(t, `^api-[0-9a-f-]{36}$`, tok.Secret, "create shows the whole secret")
		}
		return err
	})
	add("getToken", 200, func(t *testing.T, ctx context.Context) error {
		created := env.createToken(t)
		tok, err := env.admin.GetToken(ctx, created.ID)
		if err == nil {
			assert.Equal(t, (created.Secret)[len(created.Secret)-4:], tok.Secret, "reads show the last four characters")
		}
		return err
	})
	add("patchToken", 200, func(t *testing.T, ctx context.Context) error {
		tok, err := env.admin.PatchToken(ctx, env.createToken(t).ID, wrapper.Replace("/name", "renamed"))
		if err == nil {
			assert.Equal(t, "renamed", tok.Name)
		}
		return err
	})
	add("deleteToken", 204, func(t *testing.T, ctx context.Context) error {
		return env.admin.DeleteToken(ctx, env.createToken(t).ID)
	})
	add("resetToken", 200, func(t *testing.T, ctx context.Context) error {
		old := env.createToken(t)
		tok, err := env.admin.ResetToken(ctx, old.ID, wrapper.ExpireOldKeyAt(env.clock.Now().Add(time.Hour)))
		if err == nil {
			assert.NotEqual(t, old.Secret, tok.Secret)
		}
		return err
	})
	add("getMembers", 200, func(t *testing.T, ctx context.Context) error {
		page, err := env.admin.ListMembers(ctx, wrapper.MembersQuery{PageSize: 5})
		if err == nil {
			assert.Len(t, page.Items, 5)
		}
		return err
	})
	add("postMembers", 201, func(t *testing.T, ctx context.Context) error {
		ms, err := env.admin.InviteMembers(ctx, api.NewMemberForm{Email: uniqueEmail(), Role: reader})
		if err == nil {
			assert.True(t, ms[0].PendingInvite)
		}
		return err
	})
	add("patchMembers", 200, func(t *testing.T, ctx context.Context) error {
		id := env.invite(t).ID
		rep, err := env.admin.UpdateMembers(ctx, "contract", wrapper.ReplaceMembersRoles("writer", id))
		if err == nil {
			assert.Equal(t, []string{id}, rep.Members)
		}
		return err
	})
	add("getMember", 200, func(t *testing.T, ctx context.Context) error {
		m, err := env.admin.GetMember(ctx, "me")
		if err == nil {
			assert.Equal(t, env.srv.OwnerID(), m.ID)
		}
		return err
	})
	add("patchMember", 200, func(t *testing.T, ctx context.Context) error {
		m, err := env.admin.PatchMember(ctx, env.invite(t).ID, wrapper.Replace("/role", "writer"))
		if err == nil {
			assert.Equal(t, "writer", m.Role)
		}
		return err
	})
	add("deleteMember", 204, func(t *testing.T, ctx context.Context) error {
		return env.admin.DeleteMember(ctx, env.invite(t).ID)
	})
	add("postMemberTeams", 201, func(t *testing.T, ctx context.Context) error {
		key := env.teamKey(t)
		m, err := env.admin.AddMemberToTeams(ctx, env.invite(t).ID, key)
		if err == nil && assert.NotNil(t, m.Teams) {
			assert.Equal(t, key, (m.Teams)[0].Key)
		}
		return err
	})

	// 400: requests the contract allows but LaunchDarkly's rules refuse.
	add("postToken", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.CreateToken(ctx, api.AccessTokenPost{}) // no role of any kind
		return err
	})
	add("patchToken", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.PatchToken(ctx, env.createToken(t).ID, wrapper.Replace("/role", "superuser"))
		return err
	})
	add("postMembers", 400, func(t *testing.T, ctx context.Context) error {
		email := uniqueEmail()
		_, err := env.admin.InviteMembers(ctx,
			api.NewMemberForm{Email: email, Role: reader}, api.NewMemberForm{Email: email, Role: reader})
		var apiErr *wrapper.APIError
		if errors.As(err, &apiErr) {
			assert.Equal(t, "duplicate_email", apiErr.Code)
			assert.Equal(t, []string{email}, apiErr.InvalidEmails)
		}
		return err
	})
	add("patchMembers", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.UpdateMembers(ctx, "contract", api.Instruction{"kind": "promoteEveryone"})
		return err
	})
	add("patchMember", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.PatchMember(ctx, env.invite(t).ID, wrapper.Replace("/email", "someone@example.com"))
		return err
	})
	// The reads answer 400 to a query they cannot serve, valid for the contract or not.
	add("getTokens", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.ListTokens(ctx, wrapper.TokensQuery{PageSize: 5000})
		return err
	})
	add("getMembers", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.ListMembers(ctx, wrapper.MembersQuery{PageSize: 5000})
		return err
	})
	add("getMember", 400, func(t *testing.T, ctx context.Context) error {
		return ct.allowingInvalid(func() error {
			return env.raw(t, http.MethodGet, "/api/v2/members/me", "expand=teams", "", "")
		})
	})
	add("resetToken", 400, func(t *testing.T, ctx context.Context) error {
		return ct.allowingInvalid(func() error {
			return env.raw(t, http.MethodPost, "/api/v2/tokens/"+env.createToken(t).ID+"/reset", "expiry=soon", "", "")
		})
	})
	add("postMemberTeams", 400, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.AddMemberToTeams(ctx, env.invite(t).ID, "no-such-team")
		return err
	})

	// 401, 403, 404: every operation, the same way.
	stranger := env.client(t, "api-ffffffff-ffff-4fff-bfff-ffffffffffff")
	noAccess, ok := env.srv.IssueToken(env.invite(t, api.NewMemberFormRoleNoAccess).ID, "reader")
	require.True(t, ok)
	shut := env.client(t, noAccess.Secret)
	for op, call := range calls {
		add(op, 401, func(t *testing.T, ctx context.Context) error { return call(ctx, stranger) })
		add(op, 403, func(t *testing.T, ctx context.Context) error { return call(ctx, shut) })
		add(op, 404, func(t *testing.T, ctx context.Context) error { return call(ctx, env.admin) })
	}

	// 409 on a member: a JSON Patch whose test fails, as LaunchDarkly reports a lost race.
	add("patchMember", 409, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.PatchMember(ctx, env.invite(t).ID, wrapper.Test("/role", "admin"), wrapper.Replace("/role", "writer"))
		return err
	})
	// 422 on a token: a JSON Patch whose test fails.
	add("patchToken", 422, func(t *testing.T, ctx context.Context) error {
		_, err := env.admin.PatchToken(ctx, env.createToken(t).ID, wrapper.Test("/name", "not its name"), wrapper.Replace("/name", "x"))
		return err
	})

	// Scripted: conflicts from concurrent requests, and getMembers' 404, which LaunchDarkly
	// documents without saying when.
	var faults []fake.ScriptedFault
	for _, s := range []struct {
		op     string
		status int
		kind   fake.FaultKind
	}{
		{"getMembers", 404, fake.Fault404},
		{"postMembers", 409, fake.Fault409},
		{"patchMembers", 409, fake.Fault409},
		{"deleteMember", 409, fake.Fault409},
		{"postMemberTeams", 409, fake.Fault409},
		{"patchToken", 409, fake.Fault409},
	} {
		faults = append(faults, fake.ScriptedFault{OperationID: s.op, Nth: 1, Kind: s.kind})
		op := s.op
		add(op, s.status, func(t *testing.T, ctx context.Context) error { return calls[op](ctx, scriptedEnvAdmin) })
	}
	scriptedEnv := newContractEnv(t, ct, fake.Options{Faults: &fake.Faults{Script: faults}})
	scriptedEnvAdmin = scriptedEnv.admin

	// 429: a route limit of one request a window. A first client spends the window; a second,
	// which has not seen the spent window and so does not pace itself, is refused.
	limited := newContractEnv(t, ct, fake.Options{RateLimit: &fake.RateLimit{Route: 1, Global: 1000, Window: time.Hour}})
	limitedCalls := anyCall(t, limited)
	for op, call := range limitedCalls {
		add(op, 429, func(t *testing.T, ctx context.Context) error {
			_ = call(ctx, limited.client(t, limited.srv.AdminSecret())) // spends the window, whatever it answers
			return call(ctx, limited.client(t, limited.srv.AdminSecret()))
		})
	}

	for _, op := range specOperations(t) {
		for code := range op.Op.Responses.Map() {
			status, err := strconv.Atoi(code)
			require.NoError(t, err, "%s documents a non-numeric status %q", op.ID, code)
			t.Run(fmt.Sprintf("%s/%d", op.ID, status), func(t *testing.T) {
				run, ok := cases[op.ID][status]
				require.True(t, ok, "no case provokes %s %d", op.ID, status)
				err := run(t, context.Background())
				if status < 300 {
					require.NoError(t, err)
					return
				}
				var apiErr *wrapper.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode, "%v", err)
				assert.NotEmpty(t, apiErr.Code)
				assert.NotEmpty(t, apiErr.RequestID, "every LaunchDarkly error carries a request id")
			})
		}
	}
	assert.Empty(t, ct.uncovered(t), "operation × status pairs never answered")

	produceRarerProperties(t, ct)
	assert.Empty(t, ct.unproduced(t), "response properties (and enumeration values) of the contract the fake never "+
		"produced with a value that is not zero: a property or value the contract gained that the fake does not know, "+
		"or a case below that is missing")
}

// produceRarerProperties asks for what the status cases above do not: members with every
// optional property (expanded, with grants, pending emails and excluded dashboards), a member
// an identity provider manages, a token with custom roles and a negated inline policy, and a
// semantic patch that names the caller (reported in errors).
func produceRarerProperties(t *testing.T, ct *contractTransport) {
	ctx := context.Background()
	acct := fake.Seed(fake.SeedOptions{Members: 60, Tokens: 8, Seed: 42})
	env := newContractEnv(t, ct, fake.Options{Account: acct})
	_, err := env.admin.ListMembers(ctx, wrapper.MembersQuery{PageSize: 100, Expand: api.MemberExpandValues()})
	require.NoError(t, err)

	_, err = env.admin.CreateToken(ctx, api.AccessTokenPost{
		Name: "negated", CustomRoleIDs: []string{acct.CustomRoles[0].ID},
		InlineRole: []api.StatementPost{{Effect: "deny", NotActions: []string{"viewProject"}, NotResources: []string{"proj/public"}}},
	})
	require.NoError(t, err)

	other, admin := env.invite(t), env.invite(t, api.NewMemberFormRoleAdmin)
	adminToken, ok := env.srv.IssueToken(admin.ID, "admin")
	require.True(t, ok)
	rep, err := env.client(t, adminToken.Secret).UpdateMembers(ctx, "coverage", wrapper.ReplaceMembersRoles("writer", other.ID, admin.ID))
	require.NoError(t, err)
	assert.Equal(t, []string{other.ID}, rep.Members)
	assert.Equal(t, []map[string]string{{admin.ID: "you cannot modify your own role"}}, rep.Errors)

	scim := newContractEnv(t, ct, fake.Options{SCIM: true})
	_, err = scim.admin.GetMember(ctx, "me")
	require.NoError(t, err)
}

// scriptedEnvAdmin is the admin client of the scripted-fault environment; the cases that use
// it are declared before the environment exists.
var scriptedEnvAdmin *wrapper.Client
