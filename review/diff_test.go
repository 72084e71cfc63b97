package review_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
)

const day = 24 * time.Hour

func ago(d time.Duration) int64 { return seededAt.Add(-d).UnixMilli() }

// small reviews: an owner with MFA on a team, and whatever else a case adds.
func reviewOf(at time.Time, members []api.Member, tokens []api.Token) review.Report {
	owner := api.Member{ID: "owner", Email: "owner@acme.io", Role: "owner", MFA: "enabled", LastSeen: ago(day),
		Teams: []api.MemberTeamSummaryRep{{Key: "platform"}}}
	return review.BuildReport(append([]api.Member{owner}, members...), tokens, at, review.Options{})
}

type change struct {
	kind    review.ChangeKind
	id      string
	finding review.Finding
}

func changesOf(c review.Changes) []change {
	var out []change
	for _, ch := range c.Changes {
		out = append(out, change{ch.Kind, ch.ObjectID, ch.Finding})
	}
	return out
}

func TestDiffTellsResolvedNewAndOpenByID(t *testing.T) {
	later := seededAt.Add(90 * day)
	active := api.Member{ID: "m1", Email: "ana@acme.io", Role: "reader", LastSeen: ago(day), Teams: []api.MemberTeamSummaryRep{{Key: "a"}}}
	staleTok := api.Token{ID: "t1", Name: "deploy-bot", OwnerID: "owner", Role: "reader", LastUsed: ago(200 * day)}
	adminTok := api.Token{ID: "t2", Name: "ci", OwnerID: "owner", Role: "admin", LastUsed: ago(day)}

	old := reviewOf(seededAt, []api.Member{active}, []api.Token{staleTok, adminTok})
	// Since: t1 deleted; t2 renamed (same ID) and still admin; m1 left the team.
	renamed := adminTok
	renamed.Name = "ci-renamed"
	renamed.LastUsed = later.Add(-day).UnixMilli()
	renamed.CreationDate = later.Add(-day).UnixMilli()
	teamless := active
	teamless.Teams = nil
	teamless.LastSeen = later.Add(-day).UnixMilli()
	ownerStill := api.Member{ID: "owner", Email: "owner@acme.io", Role: "owner", MFA: "enabled", LastSeen: later.Add(-day).UnixMilli(),
		Teams: []api.MemberTeamSummaryRep{{Key: "platform"}}}
	new := review.BuildReport([]api.Member{ownerStill, teamless}, []api.Token{renamed}, later, review.Options{})

	c, err := review.Diff(old, new)
	require.NoError(t, err)
	assert.Equal(t, []change{
		{review.ChangeResolved, "t1", review.TokenStale},
		{review.ChangeNew, "m1", review.MemberNoTeam},
		{review.ChangeOpen, "t2", review.TokenOverPrivileged},
	}, changesOf(c))
	assert.True(t, c.Changes[0].Gone, "t1 is gone: the new review lists every token")
	assert.Equal(t, "ci-renamed", c.Changes[2].Name, "the name the new review has")
	assert.Equal(t, "ci", c.Changes[2].OldName, "and the old one")
	assert.Equal(t, review.RiskHigh, c.Changes[2].Risk)
	assert.Equal(t, 1, c.Count(review.ChangeResolved))
	assert.Empty(t, c.Notes)
	assert.Empty(t, c.Incomplete(), "both reviews saw everything")
	assert.Equal(t, old.Account, c.Account)
}

// TestDiffDoesNotCallUnseenResolved: when the new review could not list every token, a token
// it did not see is not resolved but unreviewed, and the comparison says why.
func TestDiffDoesNotCallUnseenResolved(t *testing.T) {
	tok := api.Token{ID: "t1", Name: "deploy-bot", OwnerID: "owner", Role: "admin", LastUsed: ago(day)}
	old := reviewOf(seededAt, nil, []api.Token{tok})
	new := reviewOf(seededAt.Add(day), nil, nil)
	new.Coverage.AllTokens = false
	c, err := review.Diff(old, new)
	require.NoError(t, err)
	assert.Equal(t, []change{{review.ChangeUnreviewed, "t1", review.TokenOverPrivileged}}, changesOf(c))
	require.Len(t, c.Notes, 1)
	assert.Contains(t, c.Notes[0], "the new review is incomplete: only")
	assert.Contains(t, c.New.Incomplete, "incomplete review:")
	assert.Equal(t, "incomplete comparison: the new review: only its own member's 0 tokens were reviewed, "+
		"not every token of the account (listing every token needs an admin token)", c.Incomplete())

	old.Coverage.AllMembers = false
	c, err = review.Diff(old, new)
	require.NoError(t, err)
	assert.Regexp(t, `^incomplete comparison: the old review: only \d+ members were reviewed, not every member of the account; `+
		`the new review: only `, c.Incomplete(), "either review's gaps, old first")
}

// TestDiffOfARowsWithFindingsReview: a review that lists only rows with findings does not say
// an object is gone, only that its finding is.
func TestDiffOfARowsWithFindingsReview(t *testing.T) {
	tok := api.Token{ID: "t1", Name: "deploy-bot", OwnerID: "owner", Role: "admin", LastUsed: ago(day)}
	old := reviewOf(seededAt, nil, []api.Token{tok})
	tok.Role = "reader"
	new := reviewOf(seededAt.Add(day), nil, []api.Token{tok}).OnlyFindings()
	c, err := review.Diff(old, new)
	require.NoError(t, err)
	require.Equal(t, []change{{review.ChangeResolved, "t1", review.TokenOverPrivileged}}, changesOf(c))
	assert.False(t, c.Changes[0].Gone)
}

func TestDiffRefusesWhatCannotBeCompared(t *testing.T) {
	a := reviewOf(seededAt, nil, nil)
	b := reviewOf(seededAt.Add(day), nil, nil)
	other := review.BuildReport([]api.Member{{ID: "boss", Email: "boss@else.io", Role: "owner"}}, nil, seededAt.Add(day), review.Options{})
	_, err := review.Diff(a, other)
	assert.ErrorIs(t, err, review.ErrWrongAccount)
	assert.ErrorContains(t, err, "boss@else.io")
	_, err = review.Diff(b, a)
	assert.ErrorContains(t, err, "give the older first")

	thirty := review.BuildReport(nil, nil, seededAt.Add(day), review.Options{StaleAfter: 30 * day})
	c, err := review.Diff(a, thirty)
	require.NoError(t, err)
	require.Len(t, c.Notes, 1)
	assert.Contains(t, c.Notes[0], "different thresholds (stale after 90 days → 30 days")
}

// TestReviewRemediateReviewAgain is the quarter's loop as a library user runs it: a review,
// a plan applied with a journal, a second review; the comparison shows what the plan fixed as
// resolved with the journal's record of the action, and the rest as still open.
func TestReviewRemediateReviewAgain(t *testing.T) {
	srv := newServer(t, newAccount(11), nil)
	c := newClient(t, srv)
	ctx := context.Background()
	first := runReview(t, c, review.Options{})
	var evidence bytes.Buffer
	require.NoError(t, review.WriteReport(&evidence, first))

	policy := review.Policy{Rules: []review.Rule{{Finding: review.TokenStale, Action: review.DeleteToken}}}
	plan, err := review.NewPlan(first, policy)
	require.NoError(t, err)
	require.NotEmpty(t, plan.Actions)
	dir := t.TempDir()
	journal := filepath.Join(dir, "plan.json.journal")
	j, err := review.OpenJournal(journal, plan)
	require.NoError(t, err)
	_, err = review.Apply(ctx, c, plan, j, review.ApplyOptions{})
	require.NoError(t, err)
	require.NoError(t, j.Close())

	second := runReview(t, c, review.Options{Now: func() time.Time { return seededAt.Add(time.Hour) }})
	old, err := review.ReadReport(&evidence)
	require.NoError(t, err)
	changes, err := review.Diff(old, second)
	require.NoError(t, err)
	remedies, err := review.ReadRemedies(journal)
	require.NoError(t, err)
	require.Len(t, remedies, len(plan.Actions))
	changes.Attach(remedies)

	deleted := map[string]bool{}
	for _, a := range plan.Actions {
		deleted[a.ObjectID] = true
	}
	resolved := 0
	for _, ch := range changes.Changes {
		if deleted[ch.ObjectID] {
			assert.Equal(t, review.ChangeResolved, ch.Kind, "%s %s", ch.ObjectID, ch.Finding)
			assert.True(t, ch.Gone, ch.ObjectID)
			require.NotNil(t, ch.Remedy, ch.ObjectID)
			assert.Equal(t, review.DeleteToken, ch.Remedy.Action)
			assert.Equal(t, review.Applied, ch.Remedy.Status)
			assert.True(t, ch.Remedy.Done())
			resolved++
			continue
		}
		assert.Equal(t, review.ChangeOpen, ch.Kind, "%s %s %s: only the plan's objects changed", ch.Subject, ch.ObjectID, ch.Finding)
		assert.Nil(t, ch.Remedy)
	}
	assert.Equal(t, changes.Count(review.ChangeResolved), resolved)
	assert.Positive(t, changes.Count(review.ChangeOpen))
	assert.Zero(t, changes.Count(review.ChangeNew))
}

func TestReadRemediesRefusesWhatIsNotAJournal(t *testing.T) {
	dir := t.TempDir()
	notJournal := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notJournal, []byte("hello\n"), 0o600))
	_, err := review.ReadRemedies(notJournal)
	assert.ErrorContains(t, err, "does not start with a journal's header")

	link := filepath.Join(dir, "plan.json.journal")
	require.NoError(t, os.Symlink(notJournal, link))
	_, err = review.ReadRemedies(link)
	assert.Error(t, err, "a symbolic link is not followed")

	odd := filepath.Join(dir, "odd.journal")
	require.NoError(t, os.WriteFile(odd, []byte(`{"journal":1,"plan":"x","started":"2026-01-01T00:00:00Z"}`+"\n"+
		`{"time":"2026-01-01T00:00:00Z","action":"delete-token:a/../b","event":"outcome","status":"applied"}`+"\n"), 0o600))
	_, err = review.ReadRemedies(odd)
	assert.ErrorContains(t, err, "is not kind:objectId")
}
