package review_test

import (
	"context"
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

// leaver returns an admin, not the owner, with the personal and service tokens it owns (two of
// them made here, so that it has both kinds).
func leaver(t *testing.T, srv *fake.Server) (m api.Member, personal, service []api.Token) {
	m = adminWithoutMFA(t, srv)
	issued, ok := srv.IssueToken(m.ID, "admin")
	require.True(t, ok)
	as, err := wrapper.New(issued.Secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = as.CreateToken(context.Background(), api.AccessTokenPost{Name: "deploy-bot", Role: "writer", ServiceToken: true})
	require.NoError(t, err)
	for _, tk := range srv.Tokens() {
		switch {
		case tk.OwnerID != m.ID:
		case tk.ServiceToken:
			service = append(service, tk)
		default:
			personal = append(personal, tk)
		}
	}
	require.NotEmpty(t, personal)
	require.NotEmpty(t, service)
	return m, personal, service
}

func ids(ts []api.Token) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func actionIDs(p review.Plan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.ID)
	}
	return out
}

func TestOffboardDeletesPersonalTokensAndReportsServiceTokens(t *testing.T) {
	srv := newServer(t, newAccount(41), nil)
	c := newClient(t, srv)
	m, personal, service := leaver(t, srv)
	ob, err := review.Offboard(context.Background(), c, []string{strings.ToUpper(m.Email), "nobody@example.com"}, review.OffboardOptions{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	require.False(t, ob.Empty())
	assert.Equal(t, []string{"nobody@example.com"}, ob.NotFound)
	assert.Equal(t, []string{m.ID}, []string{ob.Members[0].ID})
	var want []string
	for _, tk := range personal {
		want = append(want, "delete-token:"+tk.ID)
	}
	want = append(want, "remove-member:"+m.ID)
	assert.Equal(t, want, actionIDs(ob.Plan), "personal tokens first, then the member")
	assert.ElementsMatch(t, ids(service), ids(ob.ServiceTokens), "service tokens are reported, not deleted")
	for _, tk := range ob.ServiceTokens {
		assert.LessOrEqual(t, len(tk.Secret), 4, "no secret in the result")
	}
	require.NoError(t, ob.Plan.Validate())
	assert.Equal(t, srv.OwnerID(), ob.Plan.Account.OwnerID)

	res, err := review.Apply(context.Background(), c, ob.Plan, openJournal(t, t.TempDir(), ob.Plan), review.ApplyOptions{})
	require.NoError(t, err)
	for _, o := range res.Outcomes {
		assert.Equal(t, review.Applied, o.Status, "%s: %s", o.Action.ID, o.Detail)
	}
	for _, tk := range service {
		_, ok := srv.Handler.Token(tk.ID)
		assert.True(t, ok, "service token %s kept", tk.ID)
	}
}

func TestOffboardLetsThePolicyDecideServiceTokens(t *testing.T) {
	srv := newServer(t, newAccount(41), nil)
	c := newClient(t, srv)
	m, personal, service := leaver(t, srv)
	ob, err := review.Offboard(context.Background(), c, []string{m.ID}, review.OffboardOptions{
		Policy:             review.Policy{Rules: []review.Rule{{Finding: review.TokenOwnerGone, Action: review.DeleteToken}}},
		KeepPersonalTokens: true,
	})
	require.NoError(t, err)
	assert.ElementsMatch(t, ids(personal), ids(ob.KeptTokens))
	assert.Empty(t, ob.ServiceTokens)
	var want []string
	for _, tk := range service {
		want = append(want, "delete-token:"+tk.ID)
	}
	want = append(want, "remove-member:"+m.ID)
	assert.ElementsMatch(t, want, actionIDs(ob.Plan))
	for _, a := range ob.Plan.Actions {
		if a.Subject == "token" {
			assert.Equal(t, []review.Finding{review.TokenOwnerGone}, a.Reasons)
		}
	}
}

func TestOffboardMatchingNobodyIsEmpty(t *testing.T) {
	srv := newServer(t, newAccount(42), nil)
	c := newClient(t, srv)
	ob, err := review.Offboard(context.Background(), c, []string{"nobody@example.com", "0123456789abcdef01234567"}, review.OffboardOptions{})
	require.NoError(t, err)
	assert.True(t, ob.Empty())
	assert.Empty(t, ob.Plan.Actions)
	assert.Equal(t, []string{"nobody@example.com", "0123456789abcdef01234567"}, ob.NotFound)
	assert.Zero(t, srv.Applied("getTokens"), "no token listed for nobody")
}

func TestOffboardNeverPlansTheGround(t *testing.T) {
	srv := newServer(t, newAccount(43), nil)
	me, _, _ := leaver(t, srv)
	c, tok := clientAs(t, srv, me, "admin")
	owner, _ := srv.Member(srv.OwnerID())
	ob, err := review.Offboard(context.Background(), c, []string{owner.Email, me.Email}, review.OffboardOptions{})
	require.NoError(t, err)
	for _, a := range ob.Plan.Actions {
		t.Errorf("planned %s", a.ID)
	}
	why := map[string]string{}
	for _, r := range ob.Plan.Refused {
		why[r.ObjectID] = r.Why
	}
	assert.Contains(t, why[owner.ID], "account owner")
	assert.Contains(t, why[me.ID], "the member ldaccess runs as")
	assert.Contains(t, why[tok.ID], "the member ldaccess runs as", "its tokens go with it")
}

func TestOffboardRefusesWhatIsNeitherAnEmailNorAnID(t *testing.T) {
	srv := newServer(t, newAccount(44), nil)
	c := newClient(t, srv)
	for _, p := range []string{"a@x.io,b@x.io", "a@x.io|b@x.io", "x|y", "a/../b", "me", "", "a b@x.io", "a@x.io\n", "a\x1b[31m@x.io"} {
		_, err := review.Offboard(context.Background(), c, []string{p}, review.OffboardOptions{})
		assert.ErrorContains(t, err, "neither an email address nor a member ID", p)
	}
	assert.Empty(t, srv.Requests(), "refused before anything is sent")
}

func TestOffboardUnderSCIMSaysWhereToDeprovision(t *testing.T) {
	srv := newServer(t, newAccount(45), func(o *fake.Options) { o.SCIM = true })
	c := newClient(t, srv)
	m := srv.Members()[1]
	require.NotEqual(t, srv.OwnerID(), m.ID)
	ob, err := review.Offboard(context.Background(), c, []string{m.Email}, review.OffboardOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{m.Email}, ob.ManagedByIdentityProvider)
}
