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
	"github.com/ldaccess/ldaccess/internal/yamljson"
	"github.com/ldaccess/ldaccess/review"
)

// JournalPath is where a plan's journal lives: beside it.
func JournalPath(planPath string) string { return planPath + ".journal" }

// Write writes a plan by the library's file rules (review.WritePlanFile: no link followed, no
// file replaced that is not a plan, its owner's alone from the first byte), refusing to
// replace one that has begun to be applied. What a server sent (names, emails) goes through
// the same redaction as the command's output.
func Write(ios *iostreams.IOStreams, path string, p review.Plan) error {
	if Exists(JournalPath(path)) {
		return clierr.Usagef("%s has a journal (%s): it is being applied; write the new plan elsewhere", path, JournalPath(path))
	}
	return review.WritePlanFile(path, p, ios.Redact)
}

// Read reads the plan in path (as the user named it: name); its mistakes are placed at their
// line and column. A policy given instead of a plan is said to be one.
func Read(path, name string) (review.Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return review.Plan{}, clierr.Usagef("cannot read the plan %s: %v (audit --plan writes one)", name, fileError(err))
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

// fileError is what went wrong with a file, without the system call's name ("open …").
func fileError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
	data, err := os.ReadFile(path)
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

// Note tells on stderr where a plan went and how to apply it: to the same account, with the
// same global flags.
func Note(env cmdutil.Env, path string, p review.Plan) {
	env.IO.NoteCommand(fmt.Sprintf("wrote a plan of %s to %s; review it, then:", present.CountsLine(p), path), env.Again("apply", path))
}

// Exists reports whether path names an existing file.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
