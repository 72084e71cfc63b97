package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// A Journal is the record of applying one plan: an append-only file of JSON lines beside the
// plan. Apply writes an intent before it sends an action's write and the outcome after, each
// synced to disk before it goes on, so that after any interruption (a crash, a lost
// connection, Ctrl-C) the journal tells which actions are done, which were never sent, and
// which were sent without a recorded answer — those Apply re-reads and reconciles before it
// would send anything again.
//
// The first line names the plan by a digest of its account and actions: a journal is never
// used with a plan other than its own.
type Journal struct {
	f      *os.File
	path   string
	digest string
	// last is each action's latest record; sent whether an intent was ever recorded.
	last map[string]Record
	sent map[string]bool
	now  func() time.Time
	// readOnly: ReadJournal's, for dry runs; nothing is written.
	readOnly bool
}

// A Record is one line of a journal.
type Record struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"`
	// Event is "intent" (about to send) or "outcome".
	Event  string `json:"event"`
	Status Status `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
}

type journalHeader struct {
	Journal int       `json:"journal"`
	Plan    string    `json:"plan"`
	Started time.Time `json:"started"`
}

// errJournalBusy is the error of opening a journal another apply holds open.
var errJournalBusy = errors.New("another apply of this plan is running")

// maxJournal is the most a journal is read: far more than Apply writes for any plan (two
// lines of about 150 bytes per action and run).
const maxJournal = 256 << 20

const (
	eventIntent  = "intent"
	eventOutcome = "outcome"
)

// PlanDigest is a digest of what a plan would change: its account and actions.
func PlanDigest(p Plan) string {
	b, _ := json.Marshal(struct {
		Account Account  `json:"account"`
		Actions []Action `json:"actions"`
	}{p.Account, p.Actions})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// OpenJournal opens the journal at path for plan, creating it if there is none, and reads what
// an earlier apply recorded. A last line cut short by a crash is dropped. The file is opened by
// ldaccess's file rules (package internal/safefile): a symbolic link at path is refused, not
// followed; a file that does not start with a journal's header is not ours and is left as it
// is; a new journal is readable by its owner only and its directory entry is synced. Any other
// damage, or a journal of another plan ([ErrAnotherPlan]), is an error. Where the system has
// flock (Unix), the journal stays locked until Close, so that a second apply of the same plan
// fails rather than interleaves.
func OpenJournal(path string, plan Plan) (*Journal, error) {
	f, _, err := safefile.OpenOrCreate(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errJournalBusy) {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		return nil, fmt.Errorf("journal %s: locking: %w", path, err)
	}
	j := newJournal(f, path, plan)
	if err := j.load(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// ReadJournal reads the journal at path for plan, for a dry run: it writes nothing, takes no
// lock and creates nothing (a missing journal is an error satisfying errors.Is(err,
// fs.ErrNotExist)). A last line cut short is ignored, not dropped. The journal it returns can
// only be read: Apply uses it only with ApplyOptions.DryRun.
func ReadJournal(path string, plan Plan) (*Journal, error) {
	f, err := safefile.Open(path, os.O_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	j := newJournal(f, path, plan)
	j.readOnly = true
	if err := j.load(); err != nil {
		return nil, err
	}
	j.f = nil
	return j, nil
}

func newJournal(f *os.File, path string, plan Plan) *Journal {
	return &Journal{f: f, path: path, digest: PlanDigest(plan), last: map[string]Record{}, sent: map[string]bool{}, now: time.Now}
}

// load reads the records. The first line must be this plan's header: a file that is not a
// journal is never written to.
func (j *Journal) load() error {
	data, err := safefile.ReadAll(j.f, maxJournal)
	if err != nil {
		return fmt.Errorf("journal %s: %w; left as it is", j.path, err)
	}
	good, err := j.parse(data)
	if err != nil {
		return err
	}
	if j.readOnly {
		return nil
	}
	if good < len(data) {
		if err := j.f.Truncate(int64(good)); err != nil {
			return fmt.Errorf("journal %s: dropping a cut-short line: %w", j.path, err)
		}
	}
	if _, err := j.f.Seek(int64(good), io.SeekStart); err != nil {
		return err
	}
	if good == 0 {
		h, _ := json.Marshal(journalHeader{Journal: 1, Plan: j.digest, Started: j.now().UTC()})
		return j.write(append(h, '\n'))
	}
	return nil
}

// parse reads the header and the records of data and returns how many bytes of it are whole,
// valid lines.
func (j *Journal) parse(data []byte) (int, error) {
	if len(data) == 0 {
		return 0, nil
	}
	h, recs, good, err := parseJournal(data, j.path)
	if err != nil {
		return 0, err
	}
	if h.Plan != j.digest {
		return 0, fmt.Errorf("journal %s: %w (or the plan was edited after applying began); apply the original plan, or move the journal away to start afresh", j.path, ErrAnotherPlan)
	}
	for _, r := range recs {
		j.note(r)
	}
	return good, nil
}

// parseJournal reads a journal's header and records, and how many bytes of data are whole,
// valid lines: a last line cut short is left out, any other damage is an error.
func parseJournal(data []byte, path string) (journalHeader, []Record, int, error) {
	nl := bytes.IndexByte(data, '\n')
	var h journalHeader
	if nl < 0 || json.Unmarshal(data[:nl], &h) != nil || h.Journal != 1 {
		return h, nil, 0, fmt.Errorf("journal %s: %w: it does not start with a journal's header; left as it is (move it away to apply)", path, safefile.ErrNotOurs)
	}
	var recs []Record
	good := nl + 1
	for line := 2; good < len(data); line++ {
		nl := bytes.IndexByte(data[good:], '\n')
		if nl < 0 {
			break // a line cut short: the crash came mid-write, before the sync
		}
		var r Record
		err := json.Unmarshal(data[good:good+nl], &r)
		if err == nil {
			err = r.check()
		}
		if err != nil {
			return h, nil, 0, fmt.Errorf("journal %s: line %d is damaged: %v", path, line, err)
		}
		recs = append(recs, r)
		good += nl + 1
	}
	return h, recs, good, nil
}

// recorded are the statuses Apply records as an action's outcome (a dry run records none).
var recorded = []Status{Applied, Reconciled, Already, Changed, Refused, SecretLost, Failed}

// check refuses a record Apply never writes, so that no damage (a hand edit, a typo, a flipped
// bit) reads as an action done: an action that is not kind:objectId, an intent with a status,
// an outcome without one of the statuses Apply records, an event of another name.
func (r Record) check() error {
	kind, id, _ := strings.Cut(r.Action, ":")
	switch {
	case ActionKind(kind).subject() == "" || checkID(id) != nil:
		return fmt.Errorf("action %q is not kind:objectId", r.Action)
	case r.Event == eventIntent && r.Status != "":
		return fmt.Errorf("an intent has no status (%q)", r.Status)
	case r.Event == eventOutcome && !slices.Contains(recorded, r.Status):
		return fmt.Errorf("outcome %q is none that apply records", r.Status)
	case r.Event != eventIntent && r.Event != eventOutcome:
		return fmt.Errorf("event %q is neither %s nor %s", r.Event, eventIntent, eventOutcome)
	}
	return nil
}

// objectOf is the kind and object ID of a checked record's action.
func (r Record) objectOf() (ActionKind, string) {
	kind, id, _ := strings.Cut(r.Action, ":")
	return ActionKind(kind), id
}

func (j *Journal) note(r Record) {
	j.last[r.Action] = r
	if r.Event == eventIntent {
		j.sent[r.Action] = true
	}
}

// Path is the journal's file name.
func (j *Journal) Path() string { return j.path }

// Close closes the journal's file.
func (j *Journal) Close() error {
	if j.f == nil {
		return nil // read by ReadJournal, closed already
	}
	return j.f.Close()
}

// Done returns the final outcome the journal records for the action with ID actionID, if it has
// one: the action was done (applied, reconciled, already), or no apply will send it again
// (changed, refused, secret-lost). A plan whose every action is Done is finished: the journal
// and the plan are a record of what was done.
func (j *Journal) Done(actionID string) (Record, bool) { return j.done(actionID) }

// done returns an action's final outcome if it has one.
func (j *Journal) done(action string) (Record, bool) {
	r, ok := j.last[action]
	return r, ok && r.Event == eventOutcome && r.Status.final()
}

// append writes records in one write and syncs them to disk before returning.
func (j *Journal) append(recs ...Record) error {
	var buf bytes.Buffer
	for _, r := range recs {
		if r.Time.IsZero() {
			r.Time = j.now().UTC()
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		buf.Write(textsafe.EscapeJSON(b)) // people read journals too: nothing in one acts on a terminal
		buf.WriteByte('\n')
	}
	if err := j.write(buf.Bytes()); err != nil {
		return err
	}
	for _, r := range recs {
		j.note(r)
	}
	return nil
}

func (j *Journal) write(b []byte) error {
	if j.readOnly {
		return fmt.Errorf("journal %s: opened for reading only (ReadJournal)", j.path)
	}
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: sync: %w", j.path, err)
	}
	return nil
}
