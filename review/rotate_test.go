package review_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// clock is a settable clock shared by the fake and the code under test.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock    { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// rotationSetup is a fake on a settable clock, an admin who is not the owner, a client acting
// as that member and a token it created, with the secret that works today: LaunchDarkly gives a
// reset's new secret only to the member who created the token.
func rotationSetup(t *testing.T) (srv *fake.Server, c *wrapper.Client, clk *clock, tok api.Token) {
	clk = newClock(seededAt)
	srv = newServer(t, newAccount(31), func(o *fake.Options) { o.Now = clk.now })
	m := adminWithoutMFA(t, srv)
	c, _ = clientAs(t, srv, m, "admin")
	tok, ok := srv.IssueToken(m.ID, "writer")
	require.True(t, ok)
	return srv, c, clk, tok
}

// works reports whether secret authenticates now.
func works(t *testing.T, srv *fake.Server, secret string) bool {
	t.Helper()
	u, err := wrapper.New(secret, wrapper.WithBaseURL(srv.URL), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = u.GetMember(context.Background(), "me")
	if err != nil && !errors.Is(err, wrapper.ErrUnauthorized) {
		t.Fatalf("unexpected error: %v", err)
	}
	return err == nil
}

func TestRotateKeepsTheOldSecretAnHourByDefault(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	var got string
	rot, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		Now:      clk.now,
		Handover: func(_ context.Context, t api.Token) error { got = t.Secret; return nil },
	})
	require.NoError(t, err)
	assert.Equal(t, seededAt.Add(time.Hour), rot.OldSecretUntil)
	assert.Len(t, rot.Token.Secret, 4, "the result holds no secret")
	assert.True(t, works(t, srv, got), "the new secret")
	assert.True(t, works(t, srv, tok.Secret), "the old secret, within the grace")
	clk.add(time.Hour)
	assert.False(t, works(t, srv, tok.Secret), "the old secret, after the grace")
}

func TestRotateAtOnceIsExplicit(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	rot, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: review.ExpireOldAtOnce, Now: clk.now,
		Handover: func(context.Context, api.Token) error { return nil },
	})
	require.NoError(t, err)
	assert.True(t, rot.OldSecretUntil.IsZero())
	assert.False(t, works(t, srv, tok.Secret))
}

// TestAFailedHandoverStrandsNothing: the hand-over fails after the reset. The error says the
// old secret works until T, and it does; the recovery it names (rotate again, ending the lost
// secret at once) leaves the old secret working until T, and hands over a working secret.
func TestAFailedHandoverStrandsNothing(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	var lost string
	_, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: 2 * time.Hour, Now: clk.now,
		Handover: func(_ context.Context, t api.Token) error {
			lost = t.Secret
			return errors.New("vault: permission denied")
		},
	})
	var he *review.HandoverError
	require.ErrorAs(t, err, &he)
	until := seededAt.Add(2 * time.Hour)
	assert.Equal(t, until, he.OldSecretUntil)
	assert.Contains(t, err.Error(), "vault: permission denied")
	assert.Contains(t, err.Error(), "the old secret keeps working until 2026-06-01T14:00:00Z")
	assert.Contains(t, err.Error(), "rotate the token again before then")

	clk.add(30 * time.Minute)
	assert.True(t, works(t, srv, tok.Secret), "the old secret works, as the error says")

	// The recovery, as the error describes it.
	var handed string
	_, err = review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: review.ExpireOldAtOnce, Now: clk.now,
		Handover: func(_ context.Context, t api.Token) error { handed = t.Secret; return nil },
	})
	require.NoError(t, err)
	assert.False(t, works(t, srv, lost), "the lost secret is ended")
	assert.True(t, works(t, srv, handed), "the new secret works")
	clk.add(time.Hour)
	assert.True(t, works(t, srv, tok.Secret), "the old secret still works until its end, after the second reset")
	clk.add(30 * time.Minute)
	assert.False(t, works(t, srv, tok.Secret), "and stops then")
}

func TestRotateNeedsAHandover(t *testing.T) {
	srv, c, _, tok := rotationSetup(t)
	_, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{})
	require.ErrorIs(t, err, review.ErrNoHandover)
	assert.Zero(t, srv.Applied("resetToken"), "nothing reset")
}

// TestAHandlerErrorQuotingTheSecretIsRedacted: a secret handler that fails with the new secret
// in its message (a command echoing its input) must not put it in the journal or the outcome.
func TestAHandlerErrorQuotingTheSecretIsRedacted(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	plan := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: srv.OwnerID()}, Actions: []review.Action{{
		ID: "reset-token:" + tok.ID, Kind: review.ResetToken, Subject: "token", ObjectID: tok.ID,
		State: review.TokenState(tok),
	}}}
	dir := t.TempDir()
	var secret string
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, dir, plan), review.ApplyOptions{
		Now: clk.now,
		Secret: func(_ context.Context, _ review.Action, t api.Token) error {
			secret = t.Secret
			return fmt.Errorf("vault rejected %q: %s", t.Secret, t.Secret)
		},
	})
	require.NoError(t, err)
	require.Len(t, res.Outcomes, 1)
	out := res.Outcomes[0]
	require.NotEmpty(t, secret)
	assert.Equal(t, review.SecretLost, out.Status)
	assert.Contains(t, out.Detail, "vault rejected")
	assert.Contains(t, out.Detail, "[REDACTED]")
	assert.Contains(t, out.Detail, "keeps working until 2026-06-01T13:00:00Z", "apply's reset-token has rotation's default grace")
	journal, err := os.ReadFile(filepath.Join(dir, "plan.json.journal"))
	require.NoError(t, err)
	for i := 0; i+8 <= len(secret); i++ {
		run := secret[i : i+8]
		assert.NotContains(t, out.Detail, run)
		assert.NotContains(t, string(journal), run)
	}
	assert.True(t, works(t, srv, tok.Secret), "the old secret still works")
}

// An old secret kept for months works as if the token had never been rotated: Rotate, a policy
// and a plan (edited by hand or not) each refuse a grace longer than MaxGrace, and nothing is
// sent.
func TestAGraceLongerThanAWeekIsRefusedEverywhere(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	_, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: review.MaxGrace + time.Hour, Now: clk.now,
		Handover: func(context.Context, api.Token) error { return nil },
	})
	require.ErrorIs(t, err, review.ErrGraceTooLong)
	assert.Zero(t, srv.Applied("resetToken"), "nothing is sent")
	_, err = review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: review.MaxGrace, Now: clk.now,
		Handover: func(context.Context, api.Token) error { return nil },
	})
	require.NoError(t, err, "a week is allowed")

	_, err = review.ParsePolicy([]byte(`{"rules":[{"finding":"rotation-due","action":"reset-token","expireOldIn":"8d"}]}`), "policy.json")
	require.ErrorIs(t, err, review.ErrGraceTooLong)
	assert.ErrorContains(t, err, "policy.json:1:")

	plan := `{"format":1,"account":{"ownerId":"o"},"reviewedAt":"2026-06-01T12:00:00Z","staleAfter":"90d","rotateAfter":"90d","policy":{"rules":[]},` +
		`"actions":[{"id":"reset-token:6a1d7440fa4e000000000009","kind":"reset-token","subject":"token","objectId":"6a1d7440fa4e000000000009","reasons":["rotation-due"],"expireOldIn":"3650d","state":{}}]}`
	_, err = review.ParsePlan([]byte(plan), "plan.json")
	require.ErrorIs(t, err, review.ErrGraceTooLong)
}

// TestAGraceShorterThanTheAPIsResolutionIsNotAStopAtOnce: LaunchDarkly dates the old secret's
// end in milliseconds. A grace shorter than one (--expire-old-in 1ns) was rounded down to the
// reset's own moment: the old secret stopped at once while the result said it kept working
// until then. The end is rounded up instead: the old secret works until the moment stated.
func TestAGraceShorterThanTheAPIsResolutionIsNotAStopAtOnce(t *testing.T) {
	srv, c, clk, tok := rotationSetup(t)
	rot, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{
		ExpireOldIn: time.Nanosecond, Now: clk.now,
		Handover: func(context.Context, api.Token) error { return nil },
	})
	require.NoError(t, err)
	assert.True(t, rot.OldSecretUntil.After(seededAt), "the end stated is after the reset: %s", rot.OldSecretUntil)
	assert.True(t, works(t, srv, tok.Secret), "the old secret works until the end stated")
}
