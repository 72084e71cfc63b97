package review_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/review"
)

// smallPlan is a valid plan that needs no server to be written or journaled.
func smallPlan() review.Plan {
	return review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: "o1"}, Actions: []review.Action{
		{ID: "delete-token:t1", Kind: review.DeleteToken, Subject: "token", ObjectID: "t1"},
	}}
}

// precious writes a file an attacker would like ldaccess to overwrite.
func precious(t *testing.T) (path, content string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "precious")
	content = "ssh-ed25519 AAAA… do not touch\n"
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path, content
}

func requireUntouched(t *testing.T, path, content string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, content, string(b), "%s was written", path)
}

func needSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
}

// writers are the two files a plan brings: the plan itself and its journal.
var writers = map[string]func(path string) error{
	"journal": func(path string) error {
		j, err := review.OpenJournal(path, smallPlan())
		if err == nil {
			j.Close()
		}
		return err
	},
	"plan": func(path string) error { return review.WritePlanFile(path, smallPlan(), nil) },
}

func TestAPlantedLinkIsNeverFollowed(t *testing.T) {
	needSymlinks(t)
	for name, write := range writers {
		t.Run(name+": a link to an existing file", func(t *testing.T) {
			target, content := precious(t)
			link := filepath.Join(t.TempDir(), "plan.json.journal")
			require.NoError(t, os.Symlink(target, link))
			err := write(link)
			require.ErrorIs(t, err, safefile.ErrNotOurs)
			assert.ErrorContains(t, err, "symbolic link")
			requireUntouched(t, target, content)
		})
		t.Run(name+": a dangling link", func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "authorized_keys")
			link := filepath.Join(dir, "plan.json.journal")
			require.NoError(t, os.Symlink(target, link))
			require.Error(t, write(link))
			_, err := os.Lstat(target)
			assert.ErrorIs(t, err, fs.ErrNotExist, "the file the link names was created")
		})
	}
}

func TestAFileThatIsNotOursIsLeftAsItIs(t *testing.T) {
	for _, content := range []string{
		"one line without a newline",
		"one line\n",
		`{"journal":2,"plan":"x"}` + "\n",        // almost a header
		`{"format":1,"account":{"ownerId":"o1"}`, // a plan cut short is no plan
	} {
		for name, write := range writers {
			t.Run(name+"/"+content, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "plan.json.journal")
				require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
				err := write(path)
				require.ErrorIs(t, err, safefile.ErrNotOurs)
				assert.ErrorContains(t, err, "left as it is")
				requireUntouched(t, path, content)
			})
		}
	}
}

func TestAPlanFileIsReplacedOnlyByAPlan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	p := smallPlan()
	require.NoError(t, review.WritePlanFile(path, p, nil))
	p.Actions = nil
	require.NoError(t, review.WritePlanFile(path, p, strings.ToUpper), "a plan replaces a plan")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"FORMAT"`, "redact saw the text")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	}
}

func TestANewJournalIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json.journal")
	j, err := review.OpenJournal(path, smallPlan())
	require.NoError(t, err)
	require.NoError(t, j.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	}
	// An empty file (a crash before the header was written) is taken up.
	empty := filepath.Join(t.TempDir(), "empty.journal")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	j, err = review.OpenJournal(empty, smallPlan())
	require.NoError(t, err)
	require.NoError(t, j.Close())
}

// TestADryRunWritesAndLocksNothing reads a journal whose last line a crash cut short, while
// another apply holds it: the dry run neither truncates it nor waits for or takes its lock.
func TestADryRunWritesAndLocksNothing(t *testing.T) {
	srv := newServer(t, newAccount(12), nil)
	c := newClient(t, srv)
	plan := makePlan(t, c)
	require.NotEmpty(t, plan.Actions)
	path := filepath.Join(t.TempDir(), "plan.json.journal")
	j, err := review.OpenJournal(path, plan)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	// The first action is done; the crash came while recording the second.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"time":"2026-06-01T12:00:00Z","action":"` + plan.Actions[0].ID + `","event":"outcome","status":"applied"}` + "\n" + `{"time":"2026-06-01T12:00:00Z","act`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	dry, err := review.ReadJournal(path, plan)
	require.NoError(t, err)
	res, err := review.Apply(context.Background(), c, plan, dry, review.ApplyOptions{DryRun: true})
	require.NoError(t, err)
	rec, done := dry.Done(plan.Actions[0].ID)
	assert.True(t, done, "the first action is done")
	assert.Equal(t, review.Applied, rec.Status)
	_, done = dry.Done(plan.Actions[1].ID)
	assert.False(t, done, "the second action, cut short, is not")
	require.NoError(t, dry.Close())
	assert.True(t, res.Outcomes[0].Earlier, "what is done shows as done")
	assert.Equal(t, review.Applied, res.Outcomes[0].Status)
	assert.Zero(t, writeCount(srv))
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the dry run changed the journal")

	// No lock was left behind, and none is needed: a real apply can open it at once, and a
	// dry run reads it while that apply holds it.
	live, err := review.OpenJournal(path, plan)
	require.NoError(t, err)
	defer live.Close()
	dry, err = review.ReadJournal(path, plan)
	require.NoError(t, err, "a dry run does not wait for the lock")
	require.NoError(t, dry.Close())

	// A journal ReadJournal opened cannot be written, even by mistake.
	dry, err = review.ReadJournal(path, plan)
	require.NoError(t, err)
	_, err = review.Apply(context.Background(), c, plan, dry, review.ApplyOptions{})
	require.ErrorContains(t, err, "dry runs only")

	_, err = review.ReadJournal(filepath.Join(t.TempDir(), "none"), plan)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "a dry run creates no journal: %v", err)
}
