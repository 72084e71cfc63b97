package review_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// groundPolicy would delete every admin token and remove every admin without MFA: the caller
// itself, were it not for the ground rule.
var groundPolicy = review.Policy{Rules: []review.Rule{
	{Finding: review.TokenOverPrivileged, Action: review.DeleteToken},
	{Finding: review.MemberAdminNoMFA, Action: review.SetRole, Role: "reader"},
}}

// adminWithoutMFA returns a seeded admin, not the owner, with MFA off: someone groundPolicy
// flags.
func adminWithoutMFA(t *testing.T, srv *fake.Server) api.Member {
	for _, m := range srv.Members() {
		if m.Role == "admin" && m.MFA != "enabled" && !m.PendingInvite {
			return m
		}
	}
	t.Fatal("the seeded account has no admin without MFA")
	return api.Member{}
}

// clientAs returns a client acting as the member, through a new token of its own with the role.
func clientAs(t *testing.T, srv *fake.Server, m api.Member, role string) (*wrapper.Client, api.Token) {
	tok, ok := srv.IssueToken(m.ID, role)
	require.True(t, ok)
	c, err := wrapper.New(tok.Secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return c, review.MaskSecret(tok)
}

func TestAPlanNeverActsOnTheGroundItStandsOn(t *testing.T) {
	srv := newServer(t, newAccount(21), nil)
	me := adminWithoutMFA(t, srv)
	c, tok := clientAs(t, srv, me, "admin")
	r, err := review.Run(context.Background(), c, review.Options{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	assert.Equal(t, review.Caller{MemberID: me.ID, Email: me.Email, TokenIDs: []string{tok.ID}, TokenName: tok.Name}, r.Caller)

	plan, err := review.NewPlan(r, groundPolicy)
	require.NoError(t, err)
	assert.Equal(t, r.Caller, plan.Caller, "the plan records who made it")
	require.NotEmpty(t, plan.Actions, "other admin tokens and admins are planned for")
	for _, a := range plan.Actions {
		assert.NotEqual(t, me.ID, a.ObjectID, "the caller's member")
		assert.NotEqual(t, tok.ID, a.ObjectID, "the caller's token")
		assert.NotEqual(t, srv.OwnerID(), a.ObjectID, "the owner")
	}
	why := map[string]string{}
	for _, x := range plan.Refused {
		why[x.ObjectID] = x.Why
	}
	assert.Contains(t, why[me.ID], "the member ldaccess runs as")
	assert.Contains(t, why[tok.ID], "the token ldaccess runs with")

	// Written, read back and edited by hand to act on them: refused.
	for _, edit := range []review.Action{
		{ID: "delete-token:" + tok.ID, Kind: review.DeleteToken, Subject: "token", ObjectID: tok.ID},
		{ID: "remove-member:" + me.ID, Kind: review.RemoveMember, Subject: "member", ObjectID: me.ID},
		{ID: "remove-member:" + srv.OwnerID(), Kind: review.RemoveMember, Subject: "member", ObjectID: srv.OwnerID()},
	} {
		p := plan
		p.Actions = append(slices.Clone(plan.Actions), edit)
		var buf bytes.Buffer
		require.NoError(t, review.WritePlan(&buf, p))
		_, err := review.ReadPlan(&buf)
		assert.ErrorContains(t, err, "refused", edit.ID)
	}
}

// TestApplyNeverActsOnItsOwnMemberOrToken applies a plan someone else made (the owner's review,
// which demotes every admin without MFA and deletes every admin token) as one of the admins it
// acts on: the actions on that member and on the token apply runs with are refused, not sent,
// and the rest goes on with the token still working.
func TestApplyNeverActsOnItsOwnMemberOrToken(t *testing.T) {
	srv := newServer(t, newAccount(22), nil)
	me := adminWithoutMFA(t, srv)
	c, tok := clientAs(t, srv, me, "admin")
	_, err := c.GetMember(context.Background(), "me") // used before the review: its state holds at apply
	require.NoError(t, err)
	owner := newClient(t, srv)
	r, err := review.Run(context.Background(), owner, review.Options{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	plan, err := review.NewPlan(r, groundPolicy)
	require.NoError(t, err)
	planned := map[string]bool{}
	for _, a := range plan.Actions {
		planned[a.ObjectID] = true
	}
	require.True(t, planned[tok.ID] && planned[me.ID], "the owner's plan acts on the applier's token and member")

	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	for _, o := range res.Outcomes {
		switch o.Action.ObjectID {
		case tok.ID:
			assert.Equal(t, review.Refused, o.Status)
			assert.Contains(t, o.Detail, "the token ldaccess runs with")
		case me.ID:
			assert.Equal(t, review.Refused, o.Status)
			assert.Contains(t, o.Detail, "the member ldaccess runs as")
		default:
			assert.Equal(t, review.Applied, o.Status, "%s: %s", o.Action.ID, o.Detail)
		}
	}
	assert.Zero(t, srv.Writes(tok.ID))
	assert.Zero(t, srv.Writes(me.ID))
}

func TestApplyNeverActsOnAMemberThatReadsAsTheOwner(t *testing.T) {
	srv := newServer(t, newAccount(23), nil)
	plan := makePlan(t, newClient(t, srv))
	// A hostile (or surprising) server: every member a list or a read returns, but the caller,
	// comes back as the account owner.
	c := hostileClient(t, srv.AdminSecret(), srv.URL, rewrite{
		match: func(r *http.Request) bool {
			return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v2/members") && r.URL.Path != "/api/v2/members/me"
		},
		edit: func(d map[string]any) { d["role"] = "owner" },
	})
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	members := 0
	for _, o := range res.Outcomes {
		if o.Action.Subject != "member" {
			continue
		}
		members++
		assert.Equal(t, review.Refused, o.Status, "%s: %s", o.Action.ID, o.Detail)
		assert.Zero(t, srv.Writes(o.Action.ObjectID))
	}
	require.NotZero(t, members)
}

func TestApplyRefusesAHandEditedPlanBeforeSendingAnything(t *testing.T) {
	srv := newServer(t, newAccount(24), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	for _, bad := range []string{"me", "x|y", "a/../b", srv.OwnerID()} {
		p := plan
		p.Actions = append(slices.Clone(plan.Actions), review.Action{ID: "remove-member:" + bad, Kind: review.RemoveMember, Subject: "member", ObjectID: bad})
		dir := t.TempDir()
		res, err := review.Apply(context.Background(), c, p, openJournal(t, dir, p), review.ApplyOptions{})
		require.Error(t, err, bad)
		assert.Empty(t, res.Outcomes, "nothing recorded as done")
	}
	assert.Zero(t, writeCount(srv))
}
