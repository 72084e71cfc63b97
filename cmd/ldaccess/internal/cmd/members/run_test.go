package members

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Each command's run, in-process, against a fake account through the environment.

func someone(t *testing.T, ms []api.Member, role string) api.Member {
	t.Helper()
	for _, m := range ms {
		if m.Role == role {
			return m
		}
	}
	require.Fail(t, "no member is "+role)
	return api.Member{}
}

func TestListGetInviteRuns(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 4)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	f.Output.Format = render.JSON

	require.NoError(t, listRun(ctx, &ListOptions{Env: f.Env(), Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"writer"}}}, Limit: 2}))
	var listed []api.Member
	require.NoError(t, json.Unmarshal(st.Out.Bytes(), &listed))
	require.Len(t, listed, 2)
	for _, m := range listed {
		assert.Equal(t, "writer", m.Role)
	}

	st.Out.Reset()
	writer := someone(t, srv.Members(), "writer")
	require.NoError(t, getRun(ctx, &GetOptions{Env: f.Env(), Member: writer.Email}))
	var got api.Member
	require.NoError(t, json.Unmarshal(st.Out.Bytes(), &got))
	assert.Equal(t, writer.ID, got.ID, "by email")
	assert.EqualError(t, getRun(ctx, &GetOptions{Env: f.Env(), Member: "nobody@nowhere.example"}), "no member has the email address nobody@nowhere.example")

	st.Out.Reset()
	require.NoError(t, inviteRun(ctx, &InviteOptions{Env: f.Env(), Invitees: []api.NewMemberForm{{Email: "new@invited.example", Role: "reader"}}}))
	assert.Contains(t, st.Out.String(), `"email": "new@invited.example"`)
}

func TestRemoveSetRoleAddToTeamsRuns(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 4)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	p := &cmdtest.Prompter{}
	f.Prompter = p
	reader := someone(t, srv.Members(), "reader")

	err := setRoleRun(ctx, &SetRoleOptions{Env: f.Env(), Member: reader.Email, Role: "no_access"})
	assert.ErrorIs(t, err, clierr.ErrDeclined)
	assert.Equal(t, []string{"Change the role of " + reader.Email + " (" + reader.ID + ") from reader to no_access?"}, p.Questions)
	m, _ := srv.Member(reader.ID)
	assert.Equal(t, "reader", m.Role, "changed though declined")

	require.NoError(t, setRoleRun(ctx, &SetRoleOptions{Env: f.Env(), Member: reader.ID, Role: "no_access", Yes: true}))
	m, _ = srv.Member(reader.ID)
	assert.Equal(t, "no_access", m.Role)

	require.NoError(t, addToTeamsRun(ctx, &AddToTeamsOptions{Env: f.Env(), Member: reader.Email, Teams: []string{"platform"}}))
	m, _ = srv.Member(reader.ID)
	require.NotEmpty(t, m.Teams)

	st.Out.Reset()
	require.NoError(t, removeRun(ctx, &RemoveOptions{Env: f.Env(), Member: reader.Email, Yes: true}))
	assert.Equal(t, "deleted member "+reader.ID+"\n", st.Out.String())
	_, ok := srv.Member(reader.ID)
	assert.False(t, ok, "not removed")
}

func TestOffboardRun(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 8)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	writer := someone(t, srv.Members(), "writer")
	plan := filepath.Join(t.TempDir(), "offboard.plan.json")
	opts := &OffboardOptions{Env: f.Env(), Emails: []string{writer.Email, "nobody@nowhere.example"}, PlanPath: plan, Target: f.Target}
	opts.Apply.Yes = true
	err := offboardRun(ctx, opts)
	var oe *clierr.OutcomeError
	require.ErrorAs(t, err, &oe, "an address matched no member")
	assert.Equal(t, "1 address matched no member", oe.Msg)
	assert.Contains(t, st.Err.String(), "no member has the address nobody@nowhere.example")
	assert.Regexp(t, `(?m)^applied +\d+ of \d+$`, st.Out.String())
	_, ok := srv.Member(writer.ID)
	assert.False(t, ok, "not offboarded")
	for _, tok := range srv.Tokens() {
		assert.False(t, tok.OwnerID == writer.ID && !tok.ServiceToken, "a personal token of theirs is left: %s", tok.ID)
	}
	assert.True(t, plans.Exists(plans.JournalPath(plan)), "no journal")
}
