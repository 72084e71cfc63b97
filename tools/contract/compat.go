package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"reflect"
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
	Kind string // "contract", "Go API" or "JSON tag"
	Key  string
}

// loadGoAPI type-checks the public packages of the module at root.
func loadGoAPI(fset *token.FileSet, root string) (*apidiff.Module, error) {
	patterns := make([]string, len(publicPackages))
	for i, p := range publicPackages {
		patterns[i] = "./" + p
	}
	cfg := &packages.Config{Dir: root, Fset: fset, Mode: packages.NeedName | packages.NeedTypes | packages.NeedModule}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	m := &apidiff.Module{Path: modulePath}
	var errs []error
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
		m.Packages = append(m.Packages, p.Types)
	}
	if len(m.Packages) != len(publicPackages) {
		errs = append(errs, fmt.Errorf("found %d of the %d public packages %v in %s", len(m.Packages), len(publicPackages), publicPackages, root))
	}
	return m, errors.Join(errs...)
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
			out = append(out, breaking{"Go API", strings.TrimPrefix(c.Message, "./")})
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
				out = append(out, breaking{"JSON tag", fmt.Sprintf("%s.%s.%s: JSON tag `%s` became `%s`", op.Name(), name, f.Name(), was, now)})
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
		where := strings.TrimSpace(c.GetOperation() + " " + c.GetPath())
		if where == "" {
			where = c.GetSection()
		}
		out = append(out, breaking{"contract", fmt.Sprintf("%s: %s", where, c.GetUncolorizedText(l))})
	}
	return out, nil
}

// unreleased returns the Unreleased section of a changelog, its whitespace collapsed so that
// a key wrapped over lines still matches.
func unreleased(changelog string) string {
	_, rest, ok := strings.Cut(changelog, "\n## Unreleased")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return strings.Join(strings.Fields(rest), " ")
}

func unacknowledged(all []breaking, changelog string) []breaking {
	section := unreleased(changelog)
	var out []breaking
	for _, b := range all {
		if !strings.Contains(section, strings.Join(strings.Fields(b.Key), " ")) {
			out = append(out, b)
		}
	}
	return out
}

// compatReport computes every breaking change of the tree at root since the baseline.
func compatReport(root string) (release string, all []breaking, err error) {
	dir := filepath.Join(root, baselineDir)
	rel, err := os.ReadFile(filepath.Join(dir, baselineRelease))
	if err != nil {
		return "", nil, fmt.Errorf("no baseline: %w (make compat-baseline VERSION=vX.Y.Z records one)", err)
	}
	oldContract, err := os.ReadFile(filepath.Join(dir, baselineContract))
	if err != nil {
		return "", nil, err
	}
	curContract, err := os.ReadFile(filepath.Join(root, contractFile))
	if err != nil {
		return "", nil, err
	}
	all, err = contractBreaks(oldContract, curContract)
	if err != nil {
		return "", nil, err
	}
	fset := token.NewFileSet()
	goData, err := os.ReadFile(filepath.Join(dir, baselineGoAPI))
	if err != nil {
		return "", nil, err
	}
	old, err := readGoAPI(fset, goData)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", baselineGoAPI, err)
	}
	cur, err := loadGoAPI(fset, root)
	if err != nil {
		return "", nil, err
	}
	all = append(all, goAPIBreaks(old, cur)...)
	all = append(all, jsonTagBreaks(old, cur)...)
	return strings.TrimSpace(strings.SplitN(string(rel), "\n", 2)[0]), all, nil
}

func runCompat(root string, out io.Writer) error {
	release, all, err := compatReport(root)
	if err != nil {
		return err
	}
	log, err := os.ReadFile(filepath.Join(root, changelogFile))
	if err != nil {
		return err
	}
	missing := unacknowledged(all, string(log))
	fmt.Fprintf(out, "compat: %d breaking changes since %s (contract, Go API of %s, JSON tags), %d acknowledged in %s\n",
		len(all), release, strings.Join(publicPackages, ", "), len(all)-len(missing), changelogFile)
	if len(missing) == 0 {
		return nil
	}
	fmt.Fprintf(out, "\ncompat: %d breaking changes that %s's \"## Unreleased\" section does not name.\n", len(missing), changelogFile)
	fmt.Fprintf(out, "Undo them, or acknowledge each under \"### Breaking\" there, word for word, with why:\n\n")
	slices.SortStableFunc(missing, func(a, b breaking) int { return strings.Compare(a.Kind, b.Kind) })
	for _, b := range missing {
		fmt.Fprintf(out, "- %s: %s\n", b.Kind, b.Key)
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
	m, err := loadGoAPI(fset, root)
	if err != nil {
		return err
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
