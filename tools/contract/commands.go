package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"go.yaml.in/yaml/v3"
)

// The files this command keeps, relative to the repository's root.
const (
	contractFile   = "openapi.yaml"
	pinFile        = "upstream/openapi.yaml"
	deviationsFile = "upstream/deviations.yaml"
)

const upstreamRepository = "github.com/launchdarkly/api-client-go"

func readYAML(file string) (*yaml.Node, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &n, nil
}

// pinFrom extracts the pin's content from a full upstream document.
func pinFrom(root, upstreamFile string, p provenance) ([]byte, []endpoint, error) {
	up, err := readYAML(upstreamFile)
	if err != nil {
		return nil, nil, err
	}
	ours, err := readYAML(filepath.Join(root, contractFile))
	if err != nil {
		return nil, nil, err
	}
	pin, missing, err := extract(up, ours)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", upstreamFile, err)
	}
	p.Repository, p.Path = upstreamRepository, "api/openapi.yaml"
	data, err := renderPin(pin, p)
	return data, missing, err
}

func runPin(root, from string, p provenance, out io.Writer) error {
	if from == "" {
		return fmt.Errorf("pin needs -from, LaunchDarkly's full OpenAPI document")
	}
	data, missing, err := pinFrom(root, from, p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, pinFile), data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "pin: wrote %s from %s (commit %s, version %s)\n", pinFile, from, p.Commit, p.Version)
	for _, e := range missing {
		fmt.Fprintf(out, "pin: upstream has no %s, which %s has: make drift will name it\n", e, contractFile)
	}
	if ours, err := readYAML(filepath.Join(root, contractFile)); err == nil {
		var pin yaml.Node
		if yaml.Unmarshal(data, &pin) == nil {
			for _, e := range endpoints(&pin) {
				if !slices.Contains(endpoints(ours), e) {
					fmt.Fprintf(out, "pin: upstream files %s under the tags of ours, and %s lacks it: make drift will name it\n", e, contractFile)
				}
			}
		}
	}
	return nil
}

// pinVersion reads the version a pin records in its header.
func pinVersion(pin []byte) string {
	for line := range strings.Lines(string(pin)) {
		if v, ok := strings.CutPrefix(line, "# version: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// runDrift compares the contract with the pin, or with the same extraction of a newer upstream
// document, and fails on a difference that no deviation allows or on a deviation that allows
// nothing any more.
func runDrift(root, upstreamFile string, out io.Writer) error {
	oursData, err := os.ReadFile(filepath.Join(root, contractFile))
	if err != nil {
		return err
	}
	ours, err := loadSpec(contractFile, oursData)
	if err != nil {
		return err
	}
	pinData, err := os.ReadFile(filepath.Join(root, pinFile))
	if err != nil {
		return err
	}
	against, againstName := pinData, pinFile+" (LaunchDarkly "+pinVersion(pinData)+")"
	if upstreamFile != "" {
		newer, missing, err := pinFrom(root, upstreamFile, provenance{Commit: "unknown", Version: upstreamFile, Date: "unknown"})
		if err != nil {
			return err
		}
		for _, e := range missing {
			fmt.Fprintf(out, "drift: %s has no %s any more\n", upstreamFile, e)
		}
		if err := printChangelog(out, pinData, newer, upstreamFile); err != nil {
			return err
		}
		against, againstName = newer, upstreamFile
	}
	base, err := loadSpec(againstName, against)
	if err != nil {
		return err
	}
	lines, err := structuralDiff(base, ours)
	if err != nil {
		return err
	}
	devs, err := readDeviations(filepath.Join(root, deviationsFile))
	if err != nil {
		return err
	}
	r := classify(lines, devs)
	fmt.Fprintf(out, "drift: %s against %s: %d structural differences, %d of them deliberate (%s)\n",
		contractFile, againstName, len(lines), len(r.Allowed), deviationsFile)
	if len(r.Unexplained) == 0 && len(r.Stale) == 0 && len(r.Overlaps) == 0 {
		return nil
	}
	printDriftFailures(out, r)
	return errFailed
}

// printDriftFailures explains why drift fails: differences no deviation explains, deviations
// that explain nothing, differences several deviations explain.
func printDriftFailures(out io.Writer, r driftResult) {
	if len(r.Unexplained) > 0 {
		fmt.Fprintf(out, "\ndrift: %d differences that %s does not explain (upstream's side, then ours):\n", len(r.Unexplained), deviationsFile)
		for _, l := range r.Unexplained {
			fmt.Fprintf(out, "  - %s\n", l)
		}
		fmt.Fprintf(out, "\nFollow upstream in %s (then make generate, make compat), or add a deviation with its reason to %s.\n", contractFile, deviationsFile)
	}
	if len(r.Stale) > 0 {
		fmt.Fprintf(out, "\ndrift: %d patterns in %s match no difference any more; remove them:\n", len(r.Stale), deviationsFile)
		for _, m := range r.Stale {
			fmt.Fprintf(out, "  - match: %q\n", m)
		}
	}
	if len(r.Overlaps) > 0 {
		fmt.Fprintf(out, "\ndrift: %d differences that several patterns of %s match; narrow them so that each has one reason:\n", len(r.Overlaps), deviationsFile)
		for _, o := range r.Overlaps {
			fmt.Fprintf(out, "  - %s\n", o)
		}
	}
}

// printChangelog says, in oasdiff's words, what upstream changed between the pin and a newer
// extraction, each change with its rule and level: the maintainer's reading list.
func printChangelog(out io.Writer, oldData, newData []byte, newName string) error {
	old, err := loadSpec(pinFile, oldData)
	if err != nil {
		return err
	}
	newer, err := loadSpec(newName, newData)
	if err != nil {
		return err
	}
	changes, err := changelog(old, newer, checker.INFO)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "drift: what LaunchDarkly changed in these operations since the pin, %d changes:\n", len(changes))
	l := checker.NewDefaultLocalizer()
	for _, c := range changes {
		fmt.Fprintf(out, "  %-5s %s: %s [%s]\n", c.GetLevel(), changeWhere(c), c.GetUncolorizedText(l), c.GetId())
	}
	if len(changes) > 0 {
		fmt.Fprintln(out)
	}
	return nil
}

// clientSeverity raises some of oasdiff's levels. oasdiff judges a change from the server's
// side, where a response losing an optional property, a header, an error status or a named
// schema is harmless; ldaccess is a client library, and its users read what responses carry
// and the types generated from named schemas.
var clientSeverity = map[string]checker.Level{
	"response-optional-property-removed":   checker.ERR,
	"response-property-enum-value-removed": checker.WARN,
	"response-non-success-status-removed":  checker.WARN,
	"optional-response-header-removed":     checker.WARN,
	"api-schema-removed":                   checker.ERR,
}

// changelog runs oasdiff's rules, levelled for a client, from base to revision, keeping
// changes at level or above.
func changelog(base, revision *load.SpecInfo, level checker.Level) (checker.Changes, error) {
	d, sources, err := diff.GetWithOperationsSourcesMap(structuralConfig(), base, revision)
	if err != nil {
		return nil, err
	}
	cfg := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(clientSeverity))
	return checker.CheckBackwardCompatibilityUntilLevel(cfg, d, sources, level), nil
}
