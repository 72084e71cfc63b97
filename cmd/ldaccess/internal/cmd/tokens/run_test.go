package tokens

import (
	"context"
	"encoding/json"
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
	dir := t.TempDir()
	id := serviceToken(t, srv).ID // an admin may receive a service token's new secret
	require.NoError(t, rotateRun(ctx, &RotateOptions{Env: f.Env(), ID: id, Yes: true, Exec: "cat > secret.txt", ExpireOldIn: time.Hour, Dir: dir}))
	secret, err := os.ReadFile(filepath.Join(dir, "secret.txt"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(secret), "api-"))
	assert.NotContains(t, st.Out.String(), string(secret), "the secret on stdout")
	assert.Contains(t, st.Err.String(), "keeps working until 2026-06-01T13:00:00Z")

	err = rotateRun(ctx, &RotateOptions{Env: f.Env(), ID: id, Yes: true, Exec: "exit 3", Dir: dir})
	assert.ErrorContains(t, err, "the new secret is lost (--print-on-failure prints it); the old secret stopped working at once")
}
