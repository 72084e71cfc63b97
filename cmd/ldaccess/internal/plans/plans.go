// Package plans is the remediation workflow the commands share — audit writes a plan, apply
// and members offboard carry one out: plan and policy files, and applying a plan with its
// journal, asking first.
package plans

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
)

// JournalPath is where a plan's journal lives: beside it.
func JournalPath(planPath string) string { return planPath + ".journal" }

// Write writes a plan, refusing to replace one that has begun to be applied. What a server
// sent (names, emails) goes through the same redaction as the command's output, and the file
// is written whole or not at all, readable by its owner only.
func Write(ios *iostreams.IOStreams, path string, p review.Plan) error {
	if Exists(JournalPath(path)) {
		return clierr.Usagef("%s has a journal (%s): it is being applied; write the new plan elsewhere", path, JournalPath(path))
	}
	var b bytes.Buffer
	if err := review.WritePlan(&b, p); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".plan-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if _, err := io.WriteString(f, ios.Redact(b.String())); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Read reads the plan in path.
func Read(path string) (review.Plan, error) {
	file, err := os.Open(path)
	if err != nil {
		return review.Plan{}, clierr.Usagef("%v", err)
	}
	defer file.Close()
	p, err := review.ReadPlan(file)
	if err != nil {
		return review.Plan{}, clierr.Usagef("%s: %v", path, err)
	}
	return p, nil
}

// ReadPolicy reads --policy, or gives the default policy (no action) for "".
//
// A policy is JSON, or YAML in a file named *.yaml or *.yml: YAML is read into the same
// structure and checked as strictly as JSON.
func ReadPolicy(path string) (review.Policy, error) {
	if path == "" {
		return review.DefaultPolicy, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return review.Policy{}, clierr.Usagef("--policy: %v", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return review.Policy{}, clierr.Usagef("--policy %s: %v", path, err)
		}
		if data, err = json.Marshal(v); err != nil {
			return review.Policy{}, clierr.Usagef("--policy %s: %v", path, err)
		}
	}
	p, err := review.ReadPolicy(bytes.NewReader(data))
	if err != nil {
		return review.Policy{}, clierr.Usagef("--policy %s: %v", path, err)
	}
	return p, nil
}

// Note tells on stderr where a plan went and how to apply it.
func Note(ios *iostreams.IOStreams, path string, p review.Plan) {
	ios.Notef("wrote a plan of %s to %s; review it, then: ldaccess apply %s", present.CountsLine(p), path, path)
}

// Exists reports whether path names an existing file.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
