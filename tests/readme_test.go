package tests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeImports are the packages README.md's Go snippets may use without importing them.
var readmeImports = []string{
	"context", "errors", "fmt", "log", "os", "time",
	"github.com/ldaccess/ldaccess/api",
	"github.com/ldaccess/ldaccess/fake",
	"github.com/ldaccess/ldaccess/review",
	"github.com/ldaccess/ldaccess/wrapper",
}

// readmeScope declares what README.md's Go snippets may use without declaring it: a snippet is
// the body of a function returning an error, in a package with these variables.
const readmeScope = `var (
	ctx context.Context
	c   *wrapper.Client
	id  string   // a member's
	ids    []string // members'
	policy review.Policy
)
`

// TestREADMEGoSnippetsCompile type-checks every ```go block of README.md against the module's
// current API, so that a renamed method or changed signature cannot leave the README behind.
// Variables a snippet declares and does not use, as fragments do, are allowed; any other
// error is reported at its line in README.md. (The Example functions of wrapper and fake are
// the snippets' runnable counterparts.)
func TestREADMEGoSnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	snippets := goSnippets(string(readme))
	require.NotEmpty(t, snippets)

	var src strings.Builder
	src.WriteString("package readme\n\nimport (\n")
	for _, p := range readmeImports {
		fmt.Fprintf(&src, "\t%q\n", p)
	}
	src.WriteString(")\n\n" + readmeScope)
	for i, s := range snippets {
		// The //line directive makes errors name README.md's lines.
		fmt.Fprintf(&src, "\nfunc snippet%d() error {\n//line README.md:%d\n%s\n\treturn nil\n}\n", i, s.line, s.code)
	}

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "readme.go", src.String(), parser.SkipObjectResolution)
	require.NoError(t, err, "README.md's Go snippets do not parse")
	conf := types.Config{
		Importer: exportDataImporter(t, fset, readmeImports),
		Error: func(err error) {
			var terr types.Error
			if errors.As(err, &terr) && terr.Soft && (strings.Contains(terr.Msg, "declared and not used") || strings.Contains(terr.Msg, "imported and not used")) {
				return
			}
			assert.NoError(t, err, "README.md's Go snippets")
		},
	}
	_, _ = conf.Check("readme", fset, []*ast.File{f}, nil)
}

type goSnippet struct {
	line int // of the snippet's first line in README.md, from 1
	code string
}

// goSnippets returns the contents of the ```go blocks of a Markdown text.
func goSnippets(md string) []goSnippet {
	var out []goSnippet
	var cur *goSnippet
	sc := bufio.NewScanner(strings.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &goSnippet{line: n + 1}
		case cur != nil && trimmed == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	return out
}

// exportDataImporter imports packages from the export data the go command builds for them:
// the module's packages as they are now, without a second type-checker pass over their source.
func exportDataImporter(t *testing.T, fset *token.FileSet, pkgs []string) types.Importer {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}, pkgs...)...)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	exports := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(l, "="); ok && file != "" {
			exports[path] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s: add it to readmeImports", path)
		}
		return os.Open(file)
	})
}

func TestGoSnippets(t *testing.T) {
	md := "text\n```go\na := 1\n\tb(a)\n```\n```sh\nnot go\n```\n\n```go\nc()\n```\n"
	assert.Equal(t, []goSnippet{{line: 3, code: "a := 1\n\tb(a)\n"}, {line: 11, code: "c()\n"}}, goSnippets(md))
}
