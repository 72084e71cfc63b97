package tests

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// A member's life: invited, found by a filter, put on teams, given a new role, updated with
// others in one semantic patch, and removed.
func TestFlowMemberLifecycle(t *testing.T) {
	env := newContractEnv(t, newContractTransport(t, nil), fake.Options{})
	ctx := context.Background()
	c := env.admin
	reader := api.NewMemberFormRoleReader
	first, second := uniqueEmail(), uniqueEmail()

	invited, err := c.InviteMembers(ctx,
		api.NewMemberForm{Email: first, Role: reader},
		api.NewMemberForm{Email: second, Role: reader})
	require.NoError(t, err)
	require.Len(t, invited, 2)

	var found []api.Member
	for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{
		Emails: []string{first, second}, LastSeen: wrapper.NeverSeen(),
	}}) {
		require.NoError(t, err)
		found = append(found, m)
	}
	require.Len(t, found, 2)
	id := found[0].ID
	if found[0].Email != first {
		id = found[1].ID
	}

	team := env.teamKey(t)
	m, err := c.AddMemberToTeams(ctx, id, team)
	require.NoError(t, err)
	require.NotNil(t, m.Teams)
	assert.Equal(t, team, (m.Teams)[0].Key)
	onTeam, err := c.ListMembers(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{TeamKey: team, Emails: []string{first}}})
	require.NoError(t, err)
	assert.Len(t, onTeam.Items, 1)

	m, err = c.PatchMember(ctx, id, wrapper.Test("/role", "reader"), wrapper.Replace("/role", "writer"))
	require.NoError(t, err)
	assert.Equal(t, "writer", m.Role)

	rep, err := c.UpdateMembers(ctx, "promote the new hires", wrapper.ReplaceMembersRoles("admin", invited[0].ID, invited[1].ID))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{invited[0].ID, invited[1].ID}, rep.Members)
	for _, inv := range invited {
		got, err := c.GetMember(ctx, inv.ID)
		require.NoError(t, err)
		assert.Equal(t, "admin", got.Role)
	}

	require.NoError(t, c.DeleteMember(ctx, id))
	_, err = c.GetMember(ctx, id)
	assert.ErrorIs(t, err, wrapper.ErrNotFound)
	gone, err := c.ListMembers(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Emails: []string{first}}})
	require.NoError(t, err)
	assert.Empty(t, gone.Items)
}

// A token's life: created, used, reset with a grace period during which both secrets work,
// and deleted.
func TestFlowTokenRotation(t *testing.T) {
	env := newContractEnv(t, newContractTransport(t, nil), fake.Options{})
	ctx := context.Background()

	created := env.createToken(t)
	oldSecret := created.Secret
	asOld := env.client(t, oldSecret)
	me, err := asOld.GetMember(ctx, "me")
	require.NoError(t, err)
	assert.Equal(t, env.srv.OwnerID(), me.ID, "a token acts as the member who created it")

	reset, err := env.admin.ResetToken(ctx, created.ID, wrapper.ExpireOldKeyAt(env.clock.Now().Add(time.Hour)))
	require.NoError(t, err)
	newSecret := reset.Secret
	require.NotEqual(t, oldSecret, newSecret)
	asNew := env.client(t, newSecret)

	env.clock.Advance(59 * time.Minute)
	_, err = asOld.GetMember(ctx, "me")
	require.NoError(t, err, "the old secret works until its expiry")
	_, err = asNew.GetMember(ctx, "me")
	require.NoError(t, err)

	env.clock.Advance(2 * time.Minute)
	_, err = asOld.GetMember(ctx, "me")
	assert.ErrorIs(t, err, wrapper.ErrUnauthorized, "the old secret stops at its expiry")
	_, err = asNew.GetMember(ctx, "me")
	require.NoError(t, err)

	read, err := env.admin.GetToken(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, newSecret[len(newSecret)-4:], read.Secret)
	require.NotZero(t, read.LastUsed)
	assert.Equal(t, env.clock.Now().UnixMilli(), read.LastUsed)

	require.NoError(t, env.admin.DeleteToken(ctx, created.ID))
	_, err = asNew.GetMember(ctx, "me")
	assert.ErrorIs(t, err, wrapper.ErrUnauthorized, "a deleted token authenticates nothing")
	_, err = env.admin.GetToken(ctx, created.ID)
	assert.ErrorIs(t, err, wrapper.ErrNotFound)
}
