package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// serviceToken is one of the fake account's service tokens.
func serviceToken(t *testing.T, srv *fake.Server) api.Token {
	t.Helper()
	for _, tok := range srv.Tokens() {
		if tok.ServiceToken {
			return tok
		}
	}
	require.Fail(t, "the fake account has no service token")
	return api.Token{}
}

// Each command's run, in-process, against a fake account through the environment.

func TestListAndGetRun(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 20, 6)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	f.Output.Format = render.JSON

	require.NoError(t, listRun(ctx, &ListOptions{Env: f.Env(), All: true, Limit: 3}))
	var listed []api.Token
	require.NoError(t, json.Unmarshal(st.Out.Bytes(), &listed))
	require.Len(t, listed, 3)
	for _, tok := range listed {
		assert.LessOrEqual(t, len(tok.Secret), 4, "a secret listed")
	}

	st.Out.Reset()
	f.Output.Format = render.Table
	id := srv.Tokens()[2].ID
	require.NoError(t, getRun(ctx, &GetOptions{Env: f.Env(), ID: id}))
	assert.Contains(t, st.Out.String(), "id:")
	assert.Contains(t, st.Out.String(), id)
}

func TestDeleteRunAsksFirst(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 20, 6)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	p := &cmdtest.Prompter{}
	f.Prompter = p
	id := srv.Tokens()[2].ID

	err := deleteRun(ctx, &DeleteOptions{Env: f.Env(), ID: id})
	assert.ErrorIs(t, err, clierr.ErrDeclined)
	require.Len(t, p.Questions, 1)
	assert.Contains(t, p.Questions[0], "Delete token")
	assert.Contains(t, p.Questions[0], id)
	_, ok := srv.Token(id)
	assert.True(t, ok, "deleted though declined")

	p.Answer = true
	require.NoError(t, deleteRun(ctx, &DeleteOptions{Env: f.Env(), ID: id}))
	assert.Equal(t, "deleted token "+id+"\n", st.Out.String())
	_, ok = srv.Token(id)
	assert.False(t, ok, "not deleted")
}

func TestCreateAndResetRunShowTheSecretOnce(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 20, 6)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)

	require.NoError(t, createRun(ctx, &CreateOptions{Env: f.Env(), Token: api.AccessTokenPost{Name: "ci", Role: api.AccessTokenPostRoleReader}}))
	out := st.Out.String()
	assert.Equal(t, 1, strings.Count(out, "api-"), "the secret, once:\n%s", out)
	assert.Contains(t, st.Err.String(), "only time its secret is shown")

	var created api.Token
	for _, tok := range srv.Tokens() {
		if tok.Name == "ci" {
			created = tok
		}
	}
	require.NotEmpty(t, created.ID)
	st.Out.Reset()
	f.Output.Format = render.JSON
	require.NoError(t, resetRun(ctx, &ResetOptions{Env: f.Env(), ID: created.ID, Yes: true, ExpireOldIn: time.Hour}))
	var reset api.Token
	require.NoError(t, json.Unmarshal(st.Out.Bytes(), &reset))
	assert.True(t, strings.HasPrefix(reset.Secret, "api-"), "the new secret in JSON's token: %q", reset.Secret)
}

func TestRotateRunHandsTheSecretOver(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 15)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	f.Shell.Dir = t.TempDir()
	id := serviceToken(t, srv).ID // an admin may receive a service token's new secret
	rotate := func(exec string, expireOldIn time.Duration) error {
		return rotateRun(ctx, &RotateOptions{Env: f.Env(), ID: id, Yes: true, Exec: exec, ExpireOldIn: expireOldIn})
	}
	require.NoError(t, rotate("cat > secret.txt", review.DefaultGrace))
	secret := readSecret(t, f.Shell.Dir, "secret.txt")
	assert.NotContains(t, st.Out.String(), secret, "the secret on stdout")
	assert.Contains(t, st.Err.String(), "the old secret keeps working until 2026-06-01T13:00:00Z")

	// The hand-over fails: the token's state and the exact command that recovers it.
	err := rotate("test -e ready && cat > again.txt", review.DefaultGrace)
	var rec *clierr.Recovery
	require.ErrorAs(t, err, &rec)
	assert.ErrorContains(t, err, "handing over its new secret failed")
	assert.ErrorContains(t, err, "the old secret keeps working until 2026-06-01T13:00:00Z: rotate the token again before then")
	assert.Equal(t, "ldaccess --base-url "+srv.URL+" tokens rotate "+id+" --expire-old-in now --exec 'test -e ready && cat > again.txt' --yes", rec.Command)
	requireAuthenticates(t, srv, secret, "the old secret, after the failed hand-over")

	// The recovery, once whatever failed is put right: the old secret still works, the new one too.
	require.NoError(t, os.WriteFile(filepath.Join(f.Shell.Dir, "ready"), nil, 0o600))
	require.NoError(t, rotate("test -e ready && cat > again.txt", review.ExpireOldAtOnce))
	requireAuthenticates(t, srv, secret, "the old secret, after the recovery")
	requireAuthenticates(t, srv, readSecret(t, f.Shell.Dir, "again.txt"), "the new secret")
	assert.NotContains(t, st.Out.String()+st.Err.String(), readSecret(t, f.Shell.Dir, "again.txt")[:12], "the new secret printed")
}

// readSecret is the secret a hand-over wrote to dir/name.
func readSecret(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "api-"), "%q", b)
	return string(b)
}

// requireAuthenticates fails unless srv takes secret.
func requireAuthenticates(t *testing.T, srv *fake.Server, secret, what string) {
	t.Helper()
	c, err := wrapper.New(secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.ListMembers(context.Background(), wrapper.MembersQuery{PageSize: 1})
	require.False(t, errors.Is(err, wrapper.ErrUnauthorized), "%s no longer authenticates: %v", what, err)
}

func TestResetRunKeepsTheOldSecretAnHour(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 15)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	id := serviceToken(t, srv).ID
	require.NoError(t, resetRun(ctx, &ResetOptions{Env: f.Env(), ID: id, Yes: true, ExpireOldIn: review.DefaultGrace}))
	assert.Contains(t, st.Err.String(), "the old secret keeps working until 2026-06-01T13:00:00Z")
	st.Err.Reset()
	require.NoError(t, resetRun(ctx, &ResetOptions{Env: f.Env(), ID: id, Yes: true, ExpireOldIn: review.ExpireOldAtOnce}))
	assert.Contains(t, st.Err.String(), "the old secret stopped working at once")
}
