package apply

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/plans"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

func TestNewCmdApply(t *testing.T) {
	got, err := cmdtest.Parse(t, NewCmdApply, false, "plan.json", "--yes", "--per-member", "--exec", "cat > /dev/null")
	require.NoError(t, err)
	assert.Equal(t, "plan.json", got.PlanPath)
	assert.Equal(t, plans.ApplyOptions{Yes: true, PerMember: true, Exec: "cat > /dev/null",
		Resume: "ldaccess apply plan.json --per-member --exec 'cat > /dev/null' --yes"}, got.Apply, "the command that resumes it, as given")

	got, err = cmdtest.Parse(t, NewCmdApply, false, "plan.json", "--dry-run")
	require.NoError(t, err, "a dry run needs no confirmation")
	assert.True(t, got.Apply.DryRun)
	assert.Equal(t, "ldaccess apply plan.json", got.Apply.Resume, "a dry run's resume is the plain apply, but it prints none")

	_, err = cmdtest.Parse(t, NewCmdApply, false, "plan.json")
	assert.EqualError(t, err, "apply needs confirmation, and stdin is not a terminal: pass --yes to go ahead")
	_, err = cmdtest.Parse(t, NewCmdApply, true, "plan.json")
	assert.NoError(t, err, "asked on a terminal")
	_, err = cmdtest.Parse(t, NewCmdApply, false)
	assert.EqualError(t, err, "apply takes one plan file (got 0 arguments)")
}

// A plan that resets tokens needs --exec, which receives the new secrets: without it, apply
// refuses before anything is sent, rather than failing every action.
func TestApplyRunRefusesResetsWithoutExec(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 15)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	var tok api.Token
	for _, t := range srv.Tokens() {
		if t.ServiceToken { // an admin may receive a service token's new secret
			tok = t
		}
	}
	require.NotEmpty(t, tok.ID, "the fake account has a service token")
	p := review.Plan{Format: review.PlanFormat, Instance: srv.URL, Account: owner(t, srv), ReviewedAt: cmdtest.Now, Actions: []review.Action{{
		ID: "reset-token:" + tok.ID, Kind: review.ResetToken, Subject: "token", ObjectID: tok.ID, Name: tok.Name,
		State: review.TokenState(tok), Reasons: []review.Finding{review.TokenRotationDue},
	}}}
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, plans.Write(f.Env(), path, p))

	err := applyRun(ctx, &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{Yes: true}, Target: f.Target})
	require.Error(t, err)
	assert.Equal(t, clierr.ExitUsage, clierr.Code(err))
	assert.Contains(t, err.Error(), "the plan resets 1 token: give --exec COMMAND")
	assert.Empty(t, st.Out.String(), "something was applied")
	_, statErr := os.Stat(plans.JournalPath(path))
	assert.True(t, os.IsNotExist(statErr), "a journal was started")
	got, _ := srv.Token(tok.ID)
	assert.Equal(t, tok.Secret, got.Secret, "the token was reset")

	// A dry run shows what it would do with the new secrets: it needs --exec too.
	err = applyRun(ctx, &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{DryRun: true}, Target: f.Target})
	assert.ErrorContains(t, err, "give --exec COMMAND")
	require.NoError(t, applyRun(ctx, &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{DryRun: true, Exec: "cat >/dev/null"}, Target: f.Target}), st.Out.String())
	assert.Contains(t, st.Out.String(), "would-apply")
}

func TestApplyRunRefusesAnotherAccountsPlan(t *testing.T) {
	srv := cmdtest.NewFake(t, 10, 2)
	f, _ := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, plans.Write(f.Env(), path, review.Plan{Format: review.PlanFormat, Instance: "https://app.launchdarkly.com", Account: owner(t, srv), ReviewedAt: cmdtest.Now, Actions: []review.Action{}}))
	err := applyRun(context.Background(), &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{Yes: true}, Target: f.Target})
	assert.ErrorContains(t, err, "the plan is for https://app.launchdarkly.com, not "+srv.URL)
}

// owner is the fake account's owner, who names the account in a plan.
func owner(t *testing.T, srv *fake.Server) review.Account {
	t.Helper()
	for _, m := range srv.Members() {
		if m.Role == "owner" {
			return review.Account{OwnerID: m.ID, OwnerEmail: m.Email}
		}
	}
	require.Fail(t, "the fake account has no owner")
	return review.Account{}
}

// A dry run writes nothing and locks nothing: a journal a crash cut short, or one a real apply
// holds locked, is read as it is and left byte for byte; a symbolic link at the journal's path
// is refused, not followed, and what it points to is left alone.
func TestApplyDryRunWritesAndLocksNothing(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 30, 15)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	p := stalePlan(t, srv)
	require.NoError(t, plans.Write(f.Env(), path, p))
	dryRun := func() error {
		return applyRun(ctx, &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{DryRun: true}, Target: f.Target})
	}

	// Begun by a real apply, which still holds the journal (and its lock) open; the last line
	// cut short.
	live, err := review.OpenJournal(plans.JournalPath(path), p)
	require.NoError(t, err)
	defer live.Close()
	f2, err := os.OpenFile(plans.JournalPath(path), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f2.WriteString(`{"time":"2026-06-01T12:00:00Z","action":"` + p.Actions[0].ID + `","event":"outcome","status":"applied"}` + "\n" + `{"time":"2026-06-`)
	require.NoError(t, err)
	require.NoError(t, f2.Close())
	before, err := os.ReadFile(plans.JournalPath(path))
	require.NoError(t, err)
	require.NoError(t, dryRun(), "a dry run waits for no lock: %s", st.Err.String())
	assert.Contains(t, st.Out.String(), "applied (earlier run)", "what is done shows as done")
	after, err := os.ReadFile(plans.JournalPath(path))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the dry run changed the journal")
	assert.Zero(t, srv.Writes(p.Actions[1].ObjectID), "the dry run sent something")
	require.NoError(t, live.Close())
	again, err := review.OpenJournal(plans.JournalPath(path), p)
	require.NoError(t, err, "a lock left behind")
	require.NoError(t, again.Close())

	// A symbolic link at the journal's path: refused, neither it nor its target touched.
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	require.NoError(t, os.WriteFile(elsewhere, before, 0o600))
	require.NoError(t, os.Remove(plans.JournalPath(path)))
	require.NoError(t, os.Symlink(elsewhere, plans.JournalPath(path)))
	assert.ErrorContains(t, dryRun(), "symbolic link")
	got, err := os.ReadFile(elsewhere)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(got))
	target, err := os.Readlink(plans.JournalPath(path))
	require.NoError(t, err)
	assert.Equal(t, elsewhere, target)
}

// stalePlan deletes two of srv's personal tokens, as a plan says.
func stalePlan(t *testing.T, srv *fake.Server) review.Plan {
	t.Helper()
	p := review.Plan{Format: review.PlanFormat, Instance: srv.URL, Account: owner(t, srv), ReviewedAt: cmdtest.Now}
	for _, tok := range srv.Tokens()[1:] { // not the admin token the run uses
		if !tok.ServiceToken && len(p.Actions) < 2 {
			p.Actions = append(p.Actions, review.Action{ID: "delete-token:" + tok.ID, Kind: review.DeleteToken, Subject: "token",
				ObjectID: tok.ID, Name: tok.Name, State: review.TokenState(tok), Reasons: []review.Finding{review.TokenStale}})
		}
	}
	require.Len(t, p.Actions, 2)
	return p
}

// A plan is a file anyone may have edited: the place it names is never offered as a command to
// connect to, unless it is one of LaunchDarkly's own instances or a fake on this machine, since
// connecting there sends it the token.
func TestApplyRunNeverRecommendsAPlacePlanNames(t *testing.T) {
	srv := cmdtest.NewFake(t, 10, 2)
	f, _ := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	for instance, hint := range map[string]string{
		"https://ld-steal.example.com":    "",
		"https://app.launchdarkly.com":    "connect with --base-url https://app.launchdarkly.com",
		"https://app.eu.launchdarkly.com": "connect with --base-url https://app.eu.launchdarkly.com",
		"http://127.0.0.1:8089":           "connect with --base-url http://127.0.0.1:8089",
		"fake":                            "--fake",
	} {
		path := filepath.Join(t.TempDir(), "plan.json")
		require.NoError(t, plans.Write(f.Env(), path, review.Plan{Format: review.PlanFormat, Instance: instance, Account: owner(t, srv), ReviewedAt: cmdtest.Now, Actions: []review.Action{}}))
		err := applyRun(context.Background(), &Options{Env: f.Env(), PlanPath: path, Apply: plans.ApplyOptions{Yes: true}, Target: f.Target})
		require.ErrorContains(t, err, "the plan is for "+instance+", not "+srv.URL)
		if hint == "" {
			assert.NotContains(t, err.Error(), "--base-url "+instance, "a place a plan names is recommended")
			assert.Contains(t, err.Error(), "your token")
		} else {
			assert.Contains(t, err.Error(), hint)
		}
	}
}
