package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/oasdiff/oasdiff/checker"
	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

const (
	modulePath    = "github.com/ldaccess/ldaccess"
	changelogFile = "CHANGELOG.md"
	baselineDir   = "compat/baseline"
	// The files of a baseline: the contract as released, the Go API's export data (the format
	// `apidiff -m -w` writes, so apidiff itself can read it too) and which release it is.
	baselineContract = "openapi.yaml"
	baselineGoAPI    = "goapi.zip"
	baselineRelease  = "RELEASE"
)

// publicPackages are the packages whose API the compatibility promise covers (README,
// "Compatibility"). The command is a program, not an API; internal packages are nobody's.
var publicPackages = []string{"api", "wrapper", "review", "fake"}

// breaking is one incompatible change since the baseline. Key is what CHANGELOG.md's
// Unreleased section must contain, word for word, to acknowledge it.
type breaking struct {
	Kind string // one of breakingKinds
	Key  string
}

// The kinds of breaking change, as CHANGELOG.md's entries name them.
const (
	kindContract = "contract"
	kindGoAPI    = "Go API"
	kindJSONTag  = "JSON tag"
)

var breakingKinds = []string{kindContract, kindGoAPI, kindJSONTag}

// collapse is s with its runs of white space made one space: a key wrapped over lines in the
// changelog still matches.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// loadGoAPI type-checks the public packages of the module at root. A package that does not
// type-check is left out of the module and named in broken with its errors, so that the others
// can still be compared: after a regeneration, what no longer compiles is what lags.
func loadGoAPI(fset *token.FileSet, root string) (m *apidiff.Module, broken map[string]error, err error) {
	patterns := make([]string, len(publicPackages))
	for i, p := range publicPackages {
		patterns[i] = "./" + p
	}
	cfg := &packages.Config{Dir: root, Fset: fset, Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, nil, err
	}
	m, broken = &apidiff.Module{Path: modulePath}, map[string]error{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 || p.IllTyped || p.Types == nil {
			broken[p.PkgPath] = packageErrors(p)
			continue
		}
		m.Packages = append(m.Packages, p.Types)
	}
	if len(pkgs) != len(publicPackages) {
		return nil, nil, fmt.Errorf("found %d of the %d public packages %v in %s", len(pkgs), len(publicPackages), publicPackages, root)
	}
	return m, broken, nil
}

// packageErrors is why a package does not type-check: its type errors, which name file, line
// and what is missing, or else whatever else went wrong.
func packageErrors(p *packages.Package) error {
	var typeErrs, others []error
	for _, e := range p.Errors {
		if e.Kind == packages.TypeError {
			typeErrs = append(typeErrs, e)
		} else {
			others = append(others, e)
		}
	}
	if len(typeErrs) > 0 {
		return errors.Join(typeErrs...)
	}
	if len(others) > 0 {
		return errors.Join(others...)
	}
	return fmt.Errorf("%s does not type-check", p.PkgPath)
}

// without returns the module less the packages named in broken.
func without(m *apidiff.Module, broken map[string]error) *apidiff.Module {
	out := &apidiff.Module{Path: m.Path}
	for _, p := range m.Packages {
		if _, ok := broken[p.Path()]; !ok {
			out.Packages = append(out.Packages, p)
		}
	}
	return out
}

func writeGoAPI(w io.Writer, fset *token.FileSet, m *apidiff.Module) error {
	z := zip.NewWriter(w)
	entry, err := z.Create("module")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(entry, m.Path); err != nil {
		return err
	}
	for _, p := range m.Packages {
		entry, err := z.Create(p.Path() + ".x")
		if err != nil {
			return err
		}
		if err := gcexportdata.Write(entry, fset, p); err != nil {
			return fmt.Errorf("writing %s: %w", p.Path(), err)
		}
	}
	return z.Close()
}

func readGoAPI(fset *token.FileSet, data []byte) (*apidiff.Module, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	m := &apidiff.Module{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		content, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "module" {
			m.Path = string(content)
			continue
		}
		path, ok := strings.CutSuffix(f.Name, ".x")
		if !ok {
			return nil, fmt.Errorf("unexpected entry %q", f.Name)
		}
		p, err := gcexportdata.Read(bytes.NewReader(content), fset, map[string]*types.Package{}, path)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		m.Packages = append(m.Packages, p)
	}
	return m, nil
}

// goAPIBreaks lists apidiff's incompatible changes, each named by its package.
func goAPIBreaks(old, cur *apidiff.Module) []breaking {
	var out []breaking
	for _, c := range apidiff.ModuleChanges(old, cur).Changes {
		if !c.Compatible {
			out = append(out, breaking{kindGoAPI, strings.TrimPrefix(c.Message, "./")})
		}
	}
	return out
}

// jsonTagBreaks lists the exported struct fields whose JSON tag changed: apidiff does not look
// at struct tags, and a changed tag changes the wire (a renamed property, or `omitempty` lost so
// that a zero value is now sent, as `"actions": null`).
func jsonTagBreaks(old, cur *apidiff.Module) []breaking {
	curPkgs := map[string]*types.Package{}
	for _, p := range cur.Packages {
		curPkgs[p.Path()] = p
	}
	var out []breaking
	for _, op := range old.Packages {
		np := curPkgs[op.Path()]
		if np == nil {
			continue // apidiff reports the package
		}
		for _, name := range op.Scope().Names() {
			ot, ok := structOf(op.Scope().Lookup(name))
			nt, ok2 := structOf(np.Scope().Lookup(name))
			if !ok || !ok2 {
				continue // apidiff reports a removed or retyped type
			}
			newTags := map[string]string{}
			for i := range nt.NumFields() {
				newTags[nt.Field(i).Name()] = reflect.StructTag(nt.Tag(i)).Get("json")
			}
			for i := range ot.NumFields() {
				f := ot.Field(i)
				was := reflect.StructTag(ot.Tag(i)).Get("json")
				now, present := newTags[f.Name()]
				if !f.Exported() || !present || was == now {
					continue
				}
				out = append(out, breaking{kindJSONTag, fmt.Sprintf("%s.%s.%s: JSON tag `%s` became `%s`", op.Name(), name, f.Name(), was, now)})
			}
		}
	}
	return out
}

func structOf(obj types.Object) (*types.Struct, bool) {
	tn, ok := obj.(*types.TypeName)
	if !ok || !tn.Exported() {
		return nil, false
	}
	s, ok := tn.Type().Underlying().(*types.Struct)
	return s, ok
}

// contractBreaks lists oasdiff's breaking changes (levels error and warning) from the released
// contract to the current one.
func contractBreaks(old, cur []byte) ([]breaking, error) {
	base, err := loadSpec("released openapi.yaml", old)
	if err != nil {
		return nil, err
	}
	rev, err := loadSpec(contractFile, cur)
	if err != nil {
		return nil, err
	}
	changes, err := changelog(base, rev, checker.WARN)
	if err != nil {
		return nil, err
	}
	l := checker.NewDefaultLocalizer()
	var out []breaking
	for _, c := range changes {
		where := changeWhere(c)
		out = append(out, breaking{kindContract, fmt.Sprintf("%s: %s", where, c.GetUncolorizedText(l))})
	}
	return out, nil
}

// unreleasedSection returns the text under the changelog's "## Unreleased" heading, a line of
// its own, up to the next heading of that level; ok is false when there is none.
func unreleasedSection(changelog string) (section string, ok bool) {
	loc := unreleasedHeading.FindStringIndex(changelog)
	if loc == nil {
		return "", false
	}
	rest := changelog[loc[1]:]
	if loc := nextSection.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	return rest, true
}

var (
	unreleasedHeading = regexp.MustCompile(`(?m)^## Unreleased[ \t\r]*$`)
	nextSection       = regexp.MustCompile(`(?m)^## `)
)

// changeWhere is where an oasdiff change is: its operation and path, or its section.
func changeWhere(c checker.Change) string {
	if where := strings.TrimSpace(c.GetOperation() + " " + c.GetPath()); where != "" {
		return where
	}
	return c.GetSection()
}

// unreleased returns the Unreleased section of a changelog, its whitespace collapsed so that
// a key wrapped over lines still matches.
func unreleased(changelog string) string {
	section, _ := unreleasedSection(changelog)
	return collapse(section)
}

// staleAcknowledgements lists the entries of the changelog's Unreleased section written as
// make compat writes a breaking change ("- Go API: …") that name none it finds: a change undone
// since, or one worded differently, which the changelog would announce to users all the same.
func staleAcknowledgements(all []breaking, changelog string) []string {
	section, _ := unreleasedSection(changelog)
	// An entry is a "- " line and the indented lines that continue it.
	var entries []string
	open := false
	for line := range strings.Lines(section) {
		switch {
		case strings.HasPrefix(line, "- "):
			entries, open = append(entries, line[2:]), true
		case open && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "":
			entries[len(entries)-1] += " " + line
		default:
			open = false
		}
	}
	var stale []string
	for _, e := range entries {
		text := collapse(e)
		kind, rest, ok := strings.Cut(text, ": ")
		if !ok || !slices.Contains(breakingKinds, kind) {
			continue
		}
		if !slices.ContainsFunc(all, func(b breaking) bool {
			return b.Kind == kind && strings.HasPrefix(rest, collapse(b.Key))
		}) {
			stale = append(stale, text)
		}
	}
	return stale
}

func unacknowledged(all []breaking, changelog string) []breaking {
	section := unreleased(changelog)
	var out []breaking
	for _, b := range all {
		if !strings.Contains(section, collapse(b.Key)) {
			out = append(out, b)
		}
	}
	return out
}

// compatReport computes every breaking change of the tree at root since the baseline. The
// public packages that do not type-check are left out of the comparison and returned in
// broken.
func compatReport(root string) (release string, all []breaking, broken map[string]error, err error) {
	dir := filepath.Join(root, baselineDir)
	rel, err := os.ReadFile(filepath.Join(dir, baselineRelease))
	if err != nil {
		return "", nil, nil, fmt.Errorf("no baseline: %w (make compat-baseline VERSION=vX.Y.Z records one)", err)
	}
	oldContract, err := os.ReadFile(filepath.Join(dir, baselineContract))
	if err != nil {
		return "", nil, nil, err
	}
	curContract, err := os.ReadFile(filepath.Join(root, contractFile))
	if err != nil {
		return "", nil, nil, err
	}
	all, err = contractBreaks(oldContract, curContract)
	if err != nil {
		return "", nil, nil, err
	}
	fset := token.NewFileSet()
	goData, err := os.ReadFile(filepath.Join(dir, baselineGoAPI))
	if err != nil {
		return "", nil, nil, err
	}
	old, err := readGoAPI(fset, goData)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%s: %w", baselineGoAPI, err)
	}
	cur, broken, err := loadGoAPI(fset, root)
	if err != nil {
		return "", nil, nil, err
	}
	old = without(old, broken)
	all = append(all, goAPIBreaks(old, cur)...)
	all = append(all, jsonTagBreaks(old, cur)...)
	return strings.TrimSpace(strings.SplitN(string(rel), "\n", 2)[0]), all, broken, nil
}

func runCompat(root string, out io.Writer) error {
	release, all, broken, err := compatReport(root)
	if err != nil {
		return err
	}
	log, err := os.ReadFile(filepath.Join(root, changelogFile))
	if err != nil {
		return err
	}
	return printCompat(out, release, all, broken, string(log))
}

// printCompat reports the breaking changes since release against the changelog, and the public
// packages that could not be compared; errFailed when any change is unacknowledged or any
// package broken.
func printCompat(out io.Writer, release string, all []breaking, broken map[string]error, log string) error {
	missing := unacknowledged(all, log)
	var stale []string
	if len(broken) == 0 { // with a package left out, its acknowledged changes are not seen
		stale = staleAcknowledgements(all, log)
	}
	fmt.Fprintf(out, "compat: %d breaking changes since %s (contract, Go API of %s, JSON tags), %d acknowledged in %s\n",
		len(all), release, strings.Join(publicPackages, ", "), len(all)-len(missing), changelogFile)
	if len(missing) == 0 && len(broken) == 0 && len(stale) == 0 {
		return nil
	}
	if len(stale) > 0 {
		fmt.Fprintf(out, "\ncompat: %s's \"## Unreleased\" section acknowledges %d breaking changes that make compat does not find\n(undone since, or worded differently); remove or reword them:\n\n", changelogFile, len(stale))
		for _, s := range stale {
			fmt.Fprintf(out, "- %.200s\n", s)
		}
	}
	if len(missing) > 0 {
		if _, ok := unreleasedSection(log); !ok {
			fmt.Fprintf(out, "\ncompat: %s has no \"## Unreleased\" section (a line that is exactly that heading), where breaking changes are acknowledged.\n", changelogFile)
		}
		fmt.Fprintf(out, "\ncompat: %d breaking changes that %s's \"## Unreleased\" section does not name.\n", len(missing), changelogFile)
		fmt.Fprintf(out, "Undo them, or acknowledge each under \"### Breaking\" there, word for word, with why:\n\n")
		slices.SortStableFunc(missing, func(a, b breaking) int { return strings.Compare(a.Kind, b.Kind) })
		for _, b := range missing {
			fmt.Fprintf(out, "- %s: %s\n", b.Kind, b.Key)
		}
	}
	if len(broken) > 0 {
		names := slices.Sorted(maps.Keys(broken))
		short := make([]string, len(names))
		for i, n := range names {
			short[i] = strings.TrimPrefix(n, modulePath+"/")
		}
		fmt.Fprintf(out, "\ncompat: the Go API of %s was not compared: it does not compile against the regenerated code\n(it lags behind the contract). Fix what follows, then run make compat again:\n", strings.Join(short, ", "))
		for _, n := range names {
			fmt.Fprintf(out, "\n%s\n", broken[n])
		}
	}
	return errFailed
}

// runBaseline records the tree at root as the release version: its contract and the export data
// of its public packages, written to out's compat/baseline.
func runBaseline(root, outRoot, version, commit string, out io.Writer) error {
	if version == "" {
		return errors.New("baseline needs -version, the release it records")
	}
	dir := filepath.Join(outRoot, baselineDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	contract, err := os.ReadFile(filepath.Join(root, contractFile))
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	m, broken, err := loadGoAPI(fset, root)
	if err != nil {
		return err
	}
	if len(broken) > 0 {
		var errs []error
		for _, e := range broken {
			errs = append(errs, e)
		}
		return fmt.Errorf("a baseline records a tree that compiles: %w", errors.Join(errs...))
	}
	var buf bytes.Buffer
	if err := writeGoAPI(&buf, fset, m); err != nil {
		return err
	}
	files := map[string][]byte{
		baselineContract: contract,
		baselineGoAPI:    buf.Bytes(),
		baselineRelease:  fmt.Appendf(nil, "%s\ncommit %s\n", version, commit),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "compat: recorded %s (commit %s) in %s\n", version, commit, dir)
	return nil
}
