package review_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/review"
)

// newJournalFile makes the journal of smallPlan at a new path, with lines appended after its
// header.
func newJournalFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json.journal")
	j, err := review.OpenJournal(path, smallPlan())
	require.NoError(t, err)
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	for _, l := range lines {
		_, err := f.WriteString(l + "\n")
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
	return path
}

// readers are every way a journal is read: to apply, for a dry run, as the record of remedies.
var readers = map[string]func(path string) error{
	"OpenJournal": func(path string) error {
		j, err := review.OpenJournal(path, smallPlan())
		if err == nil {
			j.Close()
		}
		return err
	},
	"ReadJournal": func(path string) error {
		_, err := review.ReadJournal(path, smallPlan())
		return err
	},
	"ReadRemedies": func(path string) error {
		_, err := review.ReadRemedies(path)
		return err
	},
}

// A journal line that is not a record Apply writes — an outcome no Apply records (a typo, a
// status of a later version, a dry run's), an event that is neither intent nor outcome, an
// action that names no kind and object — is damage, not an action done: nothing reads it as
// one, and OpenJournal writes nothing to the file.
func TestAJournalRecordApplyNeverWritesIsDamage(t *testing.T) {
	for name, line := range map[string]string{
		"an unknown status":        `{"action":"delete-token:t1","event":"outcome","status":"aplied"}`,
		"a dry run's status":       `{"action":"delete-token:t1","event":"outcome","status":"would-apply"}`,
		"an outcome without one":   `{"action":"delete-token:t1","event":"outcome"}`,
		"an unknown event":         `{"action":"delete-token:t1","event":"done","status":"applied"}`,
		"an intent with a status":  `{"action":"delete-token:t1","event":"intent","status":"applied"}`,
		"an action of no kind":     `{"action":"t1","event":"outcome","status":"applied"}`,
		"an action of a bad kind":  `{"action":"grant-admin:t1","event":"outcome","status":"applied"}`,
		"an ID of two segments":    `{"action":"delete-token:t1/../t2","event":"outcome","status":"applied"}`,
		"an action without an ID":  `{"action":"delete-token:","event":"outcome","status":"applied"}`,
		"a record that is no JSON": `delete-token:t1 applied`,
	} {
		for reader, read := range readers {
			t.Run(name+"/"+reader, func(t *testing.T) {
				path := newJournalFile(t, line)
				before, err := os.ReadFile(path)
				require.NoError(t, err)
				err = read(path)
				require.Error(t, err)
				assert.Contains(t, err.Error(), "line 2 is damaged")
				requireUntouched(t, path, string(before))
			})
		}
	}
	// What Apply writes reads back.
	path := newJournalFile(t,
		`{"time":"2026-06-01T12:00:00Z","action":"delete-token:t1","event":"intent"}`,
		`{"time":"2026-06-01T12:00:01Z","action":"delete-token:t1","event":"outcome","status":"applied","detail":"x"}`)
	for reader, read := range readers {
		assert.NoError(t, read(path), reader)
	}
}

// A journal larger than any journal Apply writes (a sparse file of a header and zeros) is
// refused before it is read whole, and left as it is: not cut down to its header.
func TestAHugeJournalIsRefusedNotRead(t *testing.T) {
	path := newJournalFile(t)
	const huge = 300 << 20
	require.NoError(t, os.Truncate(path, huge))
	for reader, read := range readers {
		err := read(path)
		assert.ErrorIs(t, err, safefile.ErrTooLarge, reader)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.EqualValues(t, huge, fi.Size(), "%s changed the journal", reader)
	}
}
