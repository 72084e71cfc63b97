package review_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

var seededAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// testPolicy deletes unused tokens, removes long-inactive members, demotes admins without MFA
// and takes custom roles from members on no team.
var testPolicy = review.Policy{Rules: []review.Rule{
	{Finding: review.TokenStale, Action: review.DeleteToken},
	{Finding: review.TokenNeverUsed, Action: review.DeleteToken},
	{Finding: review.MemberInactive, Action: review.RemoveMember, OlderThan: review.Age(180 * 24 * time.Hour)},
	{Finding: review.MemberAdminNoMFA, Action: review.SetRole, Role: "reader"},
	{Finding: review.MemberNoTeam, Action: review.RemoveCustomRoles},
}}

func newAccount(seed int64) *fake.Account {
	return fake.Seed(fake.SeedOptions{Members: 300, Tokens: 30, Seed: seed, Now: seededAt})
}

func newServer(t testing.TB, acct *fake.Account, mod func(*fake.Options)) *fake.Server {
	o := fake.Options{Account: acct, Now: func() time.Time { return seededAt }}
	if mod != nil {
		mod(&o)
	}
	srv := fake.NewServer(o)
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t testing.TB, srv *fake.Server, opts ...wrapper.Option) *wrapper.Client {
	opts = append([]wrapper.Option{wrapper.WithBaseURL(srv.URL),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})}, opts...)
	c, err := wrapper.New(srv.AdminSecret(), opts...)
	require.NoError(t, err)
	return c
}

// makePlan reviews the server's account and plans with testPolicy.
func makePlan(t testing.TB, c *wrapper.Client) review.Plan {
	r, err := review.Run(context.Background(), c, review.Options{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	p, err := review.NewPlan(r, testPolicy)
	require.NoError(t, err)
	return p
}

func openJournal(t testing.TB, dir string, p review.Plan) *review.Journal {
	j, err := review.OpenJournal(filepath.Join(dir, "plan.json.journal"), p)
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	return j
}

// writeCount is how many requests that change something the fake has answered.
func writeCount(srv *fake.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func statuses(res review.Result) map[review.Status]int { return res.Counts() }

func TestApplyChangesExactlyThePlannedObjects(t *testing.T) {
	srv := newServer(t, newAccount(3), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	counts := plan.Counts()
	require.NotZero(t, counts[review.DeleteToken], "the seeded account has stale tokens")
	require.NotZero(t, counts[review.RemoveMember], "the seeded account has long-inactive members")
	require.NotZero(t, counts[review.SetRole], "the seeded account has admins without MFA")
	require.NotZero(t, counts[review.RemoveCustomRoles], "the seeded account has members on no team")

	before := map[string]bool{}
	for _, m := range srv.Members() {
		before[m.ID] = true
	}
	for _, tk := range srv.Tokens() {
		before[tk.ID] = true
	}
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	require.Len(t, res.Outcomes, len(plan.Actions))

	planned := map[string]review.Outcome{}
	for _, o := range res.Outcomes {
		planned[o.Action.ObjectID] = o
		assert.Contains(t, []review.Status{review.Applied, review.Already}, o.Status, "%s: %s", o.Action.ID, o.Detail)
	}
	for id := range before {
		want := 0
		if o, ok := planned[id]; ok && o.Status == review.Applied {
			want = 1
		}
		assert.Equal(t, want, srv.Writes(id), "writes to %s", id)
	}
	for _, o := range res.Outcomes {
		a := o.Action
		switch a.Kind {
		case review.DeleteToken:
			_, ok := srv.Handler.Token(a.ObjectID)
			assert.False(t, ok, "token %s deleted", a.ObjectID)
		case review.RemoveMember:
			_, ok := srv.Member(a.ObjectID)
			assert.False(t, ok, "member %s removed", a.ObjectID)
		case review.SetRole:
			m, _ := srv.Member(a.ObjectID)
			assert.Equal(t, a.Role, m.Role)
			if a.CustomRoles != nil {
				assert.Empty(t, m.CustomRoles)
			}
		case review.RemoveCustomRoles:
			m, _ := srv.Member(a.ObjectID)
			assert.Empty(t, m.CustomRoles)
		}
	}
	// All the role changes of a batch went as one semantic patch.
	assert.Zero(t, srv.Applied("patchMember"))
	assert.LessOrEqual(t, srv.Applied("patchMembers"), 2*((counts[review.SetRole]+counts[review.RemoveCustomRoles])/100+1))
}

func TestApplyTwiceChangesNothingTheSecondTime(t *testing.T) {
	srv := newServer(t, newAccount(4), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	dir := t.TempDir()
	j := openJournal(t, dir, plan)
	_, err := review.Apply(context.Background(), c, plan, j, review.ApplyOptions{})
	require.NoError(t, err)
	require.NoError(t, j.Close())
	writes := writeCount(srv)

	t.Run("same journal", func(t *testing.T) {
		j, err := review.OpenJournal(filepath.Join(dir, "plan.json.journal"), plan)
		require.NoError(t, err)
		defer j.Close()
		res, err := review.Apply(context.Background(), c, plan, j, review.ApplyOptions{})
		require.NoError(t, err)
		for _, o := range res.Outcomes {
			assert.True(t, o.Earlier, "%s decided again", o.Action.ID)
		}
		assert.Equal(t, writes, writeCount(srv), "no request that changes anything")
	})
	t.Run("fresh journal", func(t *testing.T) {
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
		require.NoError(t, err)
		for _, o := range res.Outcomes {
			assert.Equal(t, review.Already, o.Status, "%s: %s", o.Action.ID, o.Detail)
		}
		assert.Equal(t, writes, writeCount(srv), "no request that changes anything")
	})
}

func TestApplySkipsWhatChangedSinceThePlan(t *testing.T) {
	acct := newAccount(5)
	srv := newServer(t, acct, nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	// A token that still authenticates: its member is still in the account.
	live := map[string]bool{}
	for _, m := range acct.Members {
		live[m.ID] = true
	}
	tokenMember := map[string]string{}
	for _, st := range acct.Tokens {
		tokenMember[st.ID] = st.MemberID
	}
	var removal, deletion review.Action
	for _, a := range plan.Actions {
		switch {
		case a.Kind == review.RemoveMember && removal.ID == "":
			removal = a
		case a.Kind == review.DeleteToken && deletion.ID == "" && live[tokenMember[a.ObjectID]]:
			deletion = a
		}
	}
	require.NotEmpty(t, removal.ID)
	require.NotEmpty(t, deletion.ID)

	// The member logs in, and someone uses the token, after the review.
	require.True(t, srv.SeeMember(removal.ObjectID, seededAt.Add(-time.Minute)))
	var secret string
	for _, st := range acct.Tokens {
		if st.ID == deletion.ObjectID {
			secret = st.Secret
		}
	}
	require.NotEmpty(t, secret)
	user, err := wrapper.New(secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = user.GetMember(context.Background(), "me")
	require.NoError(t, err)

	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	for _, o := range res.Outcomes {
		switch o.Action.ID {
		case removal.ID:
			assert.Equal(t, review.Changed, o.Status)
			assert.Contains(t, o.Detail, "last seen")
		case deletion.ID:
			assert.Equal(t, review.Changed, o.Status)
			assert.Contains(t, o.Detail, "last used")
		default:
			assert.Equal(t, review.Applied, o.Status, "%s: %s", o.Action.ID, o.Detail)
		}
	}
	_, ok := srv.Member(removal.ObjectID)
	assert.True(t, ok, "the active member stays")
	_, ok = srv.Handler.Token(deletion.ObjectID)
	assert.True(t, ok, "the used token stays")
	assert.Zero(t, srv.Writes(removal.ObjectID))
}

func TestApplyUnderSCIMIsRefused(t *testing.T) {
	srv := newServer(t, newAccount(6), func(o *fake.Options) { o.SCIM = true })
	c := newClient(t, srv)
	plan := makePlan(t, c)
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	members := 0
	for _, o := range res.Outcomes {
		if o.Action.Subject != "member" {
			continue
		}
		members++
		assert.Equal(t, review.Refused, o.Status)
		assert.Contains(t, o.Detail, "identity provider")
		assert.Zero(t, srv.Writes(o.Action.ObjectID))
	}
	require.NotZero(t, members)
}

func TestApplyRecognisesTheSCIMRefusal(t *testing.T) {
	// Without _integrationMetadata to go by, LaunchDarkly's refusal itself says so.
	srv := newServer(t, newAccount(6), func(o *fake.Options) { o.SCIM = true })
	c := newClient(t, srv)
	err := c.DeleteMember(context.Background(), srv.Members()[1].ID)
	require.Error(t, err)
	assert.ErrorIs(t, err, wrapper.ErrForbidden)
	assert.Contains(t, err.Error(), "SCIM")
}

func TestApplyDryRunSendsNothing(t *testing.T) {
	srv := newServer(t, newAccount(7), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	res, err := review.Apply(context.Background(), c, plan, nil, review.ApplyOptions{DryRun: true})
	require.NoError(t, err)
	for _, o := range res.Outcomes {
		if o.Status != review.Already {
			assert.Equal(t, review.WouldApply, o.Status)
		}
	}
	assert.Zero(t, writeCount(srv))
}

func TestApplyRefusesAnotherAccount(t *testing.T) {
	srv := newServer(t, newAccount(8), nil)
	plan := makePlan(t, newClient(t, srv))
	other := newServer(t, newAccount(9), nil)
	_, err := review.Apply(context.Background(), newClient(t, other), plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.ErrorIs(t, err, review.ErrWrongAccount)
}

// cancelAfter is a transport that cancels a context once n requests that change something
// have had their answer, as if the process were killed right after a write and before
// recording its outcome.
type cancelAfter struct {
	base   http.RoundTripper
	n      int64
	seen   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if r.Method != http.MethodGet && c.seen.Add(1) == c.n {
		c.cancel()
	}
	return resp, err
}

// TestApplyInterruptedResumesExactlyOnce applies a plan against a fake that drops
// connections after applying writes (and fails in other ways), interrupting the apply after a
// random number of writes, and applies again until done: every action must end applied
// exactly once, as the fake's per-object write counts show.
func TestApplyInterruptedResumesExactlyOnce(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			clean := newServer(t, fake.Seed(fake.SeedOptions{Members: 120, Tokens: 20, Seed: seed, Now: seededAt}), nil)
			plan := makePlan(t, newClient(t, clean))
			require.NotEmpty(t, plan.Actions)
			srv := newServer(t, clean.Snapshot(), func(o *fake.Options) {
				o.Faults = &fake.Faults{Seed: seed, Rate: 0.25, Kinds: []fake.FaultKind{
					fake.FaultDropAfterHeaders, fake.FaultTruncatedBody, fake.FaultDropBeforeHeaders,
					fake.Fault502, fake.Fault503, fake.Fault500,
				}}
			})
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			dir := t.TempDir()
			var res review.Result
			done, runs, reconciled := false, 0, 0
			for ; runs < 60 && !done; runs++ {
				ctx, cancel := context.WithCancel(context.Background())
				tr := &cancelAfter{base: http.DefaultTransport, n: 1 + rng.Int64N(6), cancel: cancel}
				c := newClient(t, srv, wrapper.WithHTTPClient(&http.Client{Transport: tr}),
					wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
				j, err := review.OpenJournal(filepath.Join(dir, "plan.json.journal"), plan)
				require.NoError(t, err)
				res, err = review.Apply(ctx, c, plan, j, review.ApplyOptions{BatchSize: 25})
				require.NoError(t, j.Close())
				cancel()
				done = err == nil && len(res.Outcomes) == len(plan.Actions) && res.Counts()[review.Failed] == 0
				reconciled += res.Counts()[review.Reconciled]
			}
			t.Logf("%d actions, done after %d runs, %d reconciled", len(plan.Actions), runs, reconciled)
			require.True(t, done, "not done after 60 runs: %v", res.Counts())
			for _, o := range res.Outcomes {
				require.Contains(t, []review.Status{review.Applied, review.Reconciled, review.Already}, o.Status, "%s: %s", o.Action.ID, o.Detail)
				want := 1
				if o.Status == review.Already {
					want = 0
				}
				assert.Equal(t, want, srv.Writes(o.Action.ObjectID), "%s (%s) written %d times", o.Action.ID, o.Status, srv.Writes(o.Action.ObjectID))
			}
			// Nothing outside the plan was touched.
			planned := map[string]bool{}
			for _, a := range plan.Actions {
				planned[a.ObjectID] = true
			}
			for _, m := range srv.Members() {
				if !planned[m.ID] {
					assert.Zero(t, srv.Writes(m.ID), "member %s is not in the plan", m.ID)
				}
			}
		})
	}
}

func TestJournalDropsACutShortLineAndRefusesAnotherPlan(t *testing.T) {
	srv := newServer(t, newAccount(10), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	j, err := review.OpenJournal(path, plan)
	require.NoError(t, err)
	_, err = review.Apply(context.Background(), c, plan, j, review.ApplyOptions{})
	require.NoError(t, err)
	require.NoError(t, j.Close())

	// A crash in the middle of writing a record leaves half a line.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"time":"2026-06-01T12:00:00Z","action":"del`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	j, err = review.OpenJournal(path, plan)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(data), "}\n"), "the half line is gone")

	// One apply at a time.
	j, err = review.OpenJournal(path, plan)
	require.NoError(t, err)
	_, err = review.OpenJournal(path, plan)
	require.ErrorContains(t, err, "another apply of this plan is running")
	require.NoError(t, j.Close())

	other := plan
	other.Actions = other.Actions[1:]
	_, err = review.OpenJournal(path, other)
	require.ErrorContains(t, err, "another plan")
}

func TestApplyResetTokenHandsOverTheSecret(t *testing.T) {
	srv := newServer(t, newAccount(11), nil)
	// LaunchDarkly gives a reset's new secret only to the member who created the token: an admin
	// rotates the tokens it created, reviewed 100 days after they were.
	me := adminWithoutMFA(t, srv)
	c, _ := clientAs(t, srv, me, "admin")
	for range 3 {
		_, ok := srv.IssueToken(me.ID, "writer")
		require.True(t, ok)
	}
	later := seededAt.Add(100 * 24 * time.Hour)
	r, err := review.Run(context.Background(), c, review.Options{Now: func() time.Time { return later }, RotateAfter: 30 * 24 * time.Hour})
	require.NoError(t, err)
	plan, err := review.NewPlan(r, review.Policy{Rules: []review.Rule{
		{Finding: review.TokenRotationDue, Action: review.ResetToken, ExpireOldIn: new(review.Age(time.Hour))},
	}})
	require.NoError(t, err)
	// An admin receives the new secrets of the tokens it created and of service tokens, never
	// of another member's personal token (LaunchDarkly refuses that reset): those are refused
	// when planned, with the reason.
	mine := map[string]bool{}
	for _, tk := range srv.Tokens() {
		mine[tk.ID] = tk.MemberID == me.ID && tk.ID != r.Caller.TokenIDs[0]
	}
	service := map[string]bool{}
	for _, row := range r.Tokens {
		service[row.Token.ID] = row.Token.ServiceToken
	}
	planned := 0
	for _, a := range plan.Actions {
		assert.True(t, mine[a.ObjectID] || service[a.ObjectID], "%s is another member's personal token", a.ObjectID)
		if mine[a.ObjectID] {
			planned++
		}
	}
	assert.Equal(t, 3, planned, "the three tokens it created, not the one it runs with")
	refused := map[string]int{}
	for _, x := range plan.Refused {
		switch {
		case strings.Contains(x.Why, "the token ldaccess runs with"):
			refused["self"]++
		case strings.Contains(x.Why, "only the member who created a personal token"):
			refused["others'"]++
			assert.False(t, service[x.ObjectID])
		}
	}
	assert.Equal(t, 1, refused["self"])
	assert.NotZero(t, refused["others'"], "others' personal tokens are refused, with the reason")
	require.GreaterOrEqual(t, len(plan.Actions), 3)

	t.Run("without a secret handler nothing is sent", func(t *testing.T) {
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
		require.NoError(t, err)
		for _, o := range res.Outcomes {
			assert.Equal(t, review.Failed, o.Status)
			assert.Contains(t, o.Detail, "not sent")
		}
		assert.Zero(t, srv.Applied("resetToken"))
	})
	t.Run("each new secret goes to the handler; a failure reports the grace period", func(t *testing.T) {
		got := map[string]string{}
		fail := plan.Actions[0].ObjectID
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{
			Now: func() time.Time { return seededAt },
			Secret: func(_ context.Context, a review.Action, tok api.Token) error {
				if a.ObjectID == fail {
					return errors.New("vault is sealed")
				}
				got[a.ObjectID] = tok.Secret
				return nil
			},
		})
		require.NoError(t, err)
		for _, o := range res.Outcomes {
			if o.Action.ObjectID == fail {
				assert.Equal(t, review.SecretLost, o.Status)
				assert.Contains(t, o.Detail, "vault is sealed")
				assert.Contains(t, o.Detail, "the old secret keeps working until 2026-06-01T13:00:00Z")
				continue
			}
			assert.Equal(t, review.Applied, o.Status)
			assert.True(t, strings.HasPrefix(got[o.Action.ObjectID], "api-"), "a full secret")
		}
		assert.Equal(t, len(plan.Actions), srv.Applied("resetToken"))
	})
}

// Removals go one at a time under the rate limits, seconds after their batch was re-read: a
// member who logs in meanwhile is still not removed.
func TestApplySkipsAMemberActiveSinceTheBatchWasRead(t *testing.T) {
	srv := newServer(t, newAccount(5), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	var removals []review.Action
	for _, a := range plan.Actions {
		if a.Kind == review.RemoveMember {
			removals = append(removals, a)
		}
	}
	require.GreaterOrEqual(t, len(removals), 2)
	first, second := removals[0], removals[1]
	seen := false
	o := review.ApplyOptions{OnOutcome: func(out review.Outcome) {
		if out.Action.ID == first.ID && !seen {
			seen = true // the second member logs in while the first is being removed
			require.True(t, srv.SeeMember(second.ObjectID, seededAt.Add(-time.Minute)))
		}
	}}
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), o)
	require.NoError(t, err)
	for _, out := range res.Outcomes {
		switch out.Action.ID {
		case first.ID:
			assert.Equal(t, review.Applied, out.Status, out.Detail)
		case second.ID:
			assert.Equal(t, review.Changed, out.Status, out.Detail)
			assert.Contains(t, out.Detail, "last seen")
		}
	}
	_, ok := srv.Member(second.ObjectID)
	assert.True(t, ok, "the member active since the batch was read stays")
	assert.Zero(t, srv.Writes(second.ObjectID))
}
