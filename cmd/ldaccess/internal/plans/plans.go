// Package plans is the remediation workflow the commands share — audit writes a plan, apply
// and members offboard carry one out: plan and policy files, and applying a plan with its
// journal, asking first.
package plans

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/internal/yamljson"
	"github.com/ldaccess/ldaccess/review"
)

// JournalPath is where a plan's journal lives: beside it.
func JournalPath(planPath string) string { return planPath + ".journal" }

// Write writes a plan by the library's file rules (review.WritePlanFile: no link followed, no
// file replaced that is not a plan, its owner's alone from the first byte). A plan already
// there that has begun to be applied is never replaced: while unfinished it is refused, with
// how to resume it; once finished (Finished) it is kept, with its journal, under another name
// (Archive). What a server sent (names, emails) goes through the same redaction as the
// command's output, and the characters that would act on a terminal the plan is read on are
// written as JSON escapes (review.WritePlan: the plan means the same).
func Write(env cmdutil.Env, path string, p review.Plan) error {
	if Exists(JournalPath(path)) {
		finished, err := Finished(path)
		switch {
		case err != nil:
			return clierr.Usagef("%s has a journal (%s), and whether it is finished cannot be told (%v): write the new plan elsewhere",
				path, JournalPath(path), err)
		case !finished:
			return clierr.Usagef("%s has a journal (%s) and is not finished: resume it with '%s', or write the new plan elsewhere",
				path, JournalPath(path), env.Again("apply", path))
		}
		kept, err := Archive(path)
		if err != nil {
			return err
		}
		env.IO.Notef("%s was finished: kept it and its journal as %s", path, kept)
	}
	return review.WritePlanFile(path, p, env.IO.Redact)
}

// Finished reports whether the plan at path has been carried out: every action has its final
// outcome in the journal beside it (review.Journal.Done), read without writing or locking
// anything. A plan never applied (no journal) is finished only if it holds no action. What is
// not a plan, or a journal that cannot be read, is an error.
func Finished(path string) (bool, error) {
	p, err := Read(path, path)
	if err != nil {
		return false, err
	}
	j, err := review.ReadJournal(JournalPath(path), p)
	if errors.Is(err, fs.ErrNotExist) {
		return len(p.Actions) == 0, nil
	}
	if err != nil {
		return false, err
	}
	defer j.Close()
	for _, a := range p.Actions {
		if _, done := j.Done(a.ID); !done {
			return false, nil
		}
	}
	return true, nil
}

// Archive moves a finished plan and its journal aside, beside them, as the record of what was
// done: NAME.json becomes NAME.<reviewed at>.json (a number added if that is taken) and its
// journal follows. Nothing is overwritten (safefile.Move). It returns the plan's new name.
func Archive(path string) (string, error) {
	p, err := Read(path, path)
	if err != nil {
		return "", err
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext) + "." + p.ReviewedAt.UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		to := base + ext
		if n > 1 {
			to = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		if Exists(to) || Exists(JournalPath(to)) {
			continue
		}
		// The plan first: a crash between the two leaves the journal at the old name, which
		// keeps a new plan from being written there until it is moved by hand.
		if err := safefile.Move(path, to); err != nil {
			return "", fmt.Errorf("keeping the finished plan %s: %w", path, err)
		}
		if Exists(JournalPath(path)) {
			if err := safefile.Move(JournalPath(path), JournalPath(to)); err != nil {
				return "", fmt.Errorf("keeping the journal of the finished plan %s: %w", path, err)
			}
		}
		return to, nil
	}
}

// Read reads the plan in path (as the user named it: name); its mistakes are placed at their
// line and column. A policy given instead of a plan is said to be one.
func Read(path, name string) (review.Plan, error) {
	data, err := cmdutil.ReadFile(path)
	if err != nil {
		return review.Plan{}, clierr.Usagef("cannot read the plan %s: %v (audit --plan writes one)", name, cmdutil.FileError(err))
	}
	p, err := review.ParsePlan(data, path)
	if err != nil {
		if _, perr := review.ParsePolicy(data, path); perr == nil {
			return review.Plan{}, clierr.Usagef("%s is a policy, not a plan: make a plan from it with audit --plan plan.json --policy %s, then apply plan.json", name, name)
		}
		return review.Plan{}, clierr.Usagef("%v", err)
	}
	return p, nil
}

// ReadPolicy reads --policy, or gives the default policy (no action) for "".
//
// A policy is JSON, or YAML in a file named *.yaml or *.yml: YAML is converted line for line
// into JSON and checked as strictly, so that every mistake is placed at its line and column
// in the YAML.
func ReadPolicy(path string) (review.Policy, error) {
	if path == "" {
		return review.DefaultPolicy, nil
	}
	data, err := cmdutil.ReadFile(path)
	if err != nil {
		return review.Policy{}, clierr.Usagef("--policy: %v", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		var se *yamljson.SyntaxError
		if data, err = yamljson.Convert(data); errors.As(err, &se) {
			return review.Policy{}, clierr.Usagef("--policy %s:%d:%d: %s", path, se.Line, se.Column, se.Msg)
		} else if err != nil {
			return review.Policy{}, clierr.Usagef("--policy %s: %v", path, err)
		}
	}
	p, err := review.ParsePolicy(data, path)
	if err != nil {
		return review.Policy{}, clierr.Usagef("--policy %v", err)
	}
	return p, nil
}

// Note tells on stderr where a plan went and how to apply it (to the same account, with the
// same global flags), and what the policy asked for that the plan refuses (Plan.Refused), by
// reason.
func Note(env cmdutil.Env, path string, p review.Plan) {
	env.IO.NoteCommand(fmt.Sprintf("wrote a plan of %s to %s; review it, then apply it:", present.CountsLine(p), path), env.Again("apply", path))
	NoteRefused(env.IO, p, "listed under \"refused\" in "+path)
}

// NoteRefused says on stderr, one line per kind of action and reason, what the policy asked
// for that the plan refuses: the account owner, the member or token ldaccess runs as, and a
// personal token only its creator can receive a new secret for.
func NoteRefused(ios *iostreams.IOStreams, p review.Plan, where string) {
	type key struct {
		kind review.ActionKind
		why  string
	}
	var order []key
	count := map[key]int{}
	for _, r := range p.Refused {
		k := key{r.Kind, r.Why}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order {
		ios.Notef("refused %d %s action%s (%s): %s", count[k], k.kind, cmdutil.Plural(count[k]), where, k.why)
	}
}

// Exists reports whether something is at path: a file, or a symbolic link, even one that
// points nowhere.
func Exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
