package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxWrapperModules is how many modules besides this one a program importing only wrapper
// builds: oapi-codegen/runtime (the generated client's), go-json-experiment/json (decoding),
// and the runtime's google/uuid and apapsch/go-jsonmerge. A new one must justify itself.
const maxWrapperModules = 4

// TestWhatAProgramImportingWrapperGets looks at the library from a user's side: a throwaway
// module whose program imports only wrapper, with this checkout standing in for the published
// module. Two figures, with different meanings:
//
//   - the modules whose packages are compiled into the program (go list -deps), which are the
//     ones downloaded in full and the ones its go.mod requires after go mod tidy: at most
//     maxWrapperModules;
//   - the module graph (go mod graph), which also lists every requirement of this module's
//     go.mod, the command's and the tests' included, but of which the go command fetches only
//     go.mod files: it must not mention the generator, which lives in tools.mod.
func TestWhatAProgramImportingWrapperGets(t *testing.T) {
	dir := userModule(t)

	t.Run("modules built", func(t *testing.T) {
		out := goIn(t, dir, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", ".")
		var modules []string
		for _, m := range strings.Fields(out) {
			if m != "example.com/user" && m != "github.com/ldaccess/ldaccess" && !slices.Contains(modules, m) {
				modules = append(modules, m)
			}
		}
		slices.Sort(modules)
		t.Logf("modules built besides ldaccess: %v", modules)
		assert.LessOrEqual(t, len(modules), maxWrapperModules,
			"importing only wrapper builds %d modules besides ldaccess, %v; each new one must justify itself", len(modules), modules)
	})

	t.Run("module graph", func(t *testing.T) {
		graph := goIn(t, dir, "mod", "graph")
		t.Logf("go mod graph: %d edges", strings.Count(graph, "\n"))
		// The generator module and requirements that only it brings (see tools.mod).
		for _, generatorOnly := range []string{"github.com/oapi-codegen/oapi-codegen", "github.com/speakeasy-api/", "github.com/dprotaso/go-yit", "github.com/vmware-labs/yaml-jsonpath"} {
			assert.NotContains(t, graph, generatorOnly, "go mod graph mentions %s", generatorOnly)
		}
		for _, commandOnly := range commandOnlyModules {
			assert.NotContains(t, graph, commandOnly, "go mod graph mentions %s, which only the command needs", commandOnly)
		}
	})
}

// commandOnlyModules are what the ldaccess command needs and the library does not: the CLI
// framework, the OS keyring (with D-Bus and the Windows credential manager behind it), display
// widths, terminals, and the command's script tests. They belong in cmd/ldaccess/go.mod.
var commandOnlyModules = []string{
	"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/inconshreveable/mousetrap",
	"github.com/zalando/go-keyring", "github.com/godbus/dbus", "github.com/danieljoos/wincred",
	"github.com/mattn/go-runewidth", "github.com/clipperhouse/uax29", "golang.org/x/term",
	"github.com/rogpeppe/go-internal",
}

// TestTheCommandIsItsOwnModule: the command's module requires the library like any other
// user, without a replace directive, which would break go install …/cmd/ldaccess@latest (the
// go command refuses to install a module with one); development finds this checkout through
// go.work instead.
func TestTheCommandIsItsOwnModule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "cmd", "ldaccess", "go.mod"))
	require.NoError(t, err)
	gomod := string(data)
	assert.Contains(t, gomod, "module github.com/ldaccess/ldaccess/cmd/ldaccess\n")
	assert.Regexp(t, `(?m)^\s*github\.com/ldaccess/ldaccess v`, gomod, "the command requires the library")
	assert.NotRegexp(t, `(?m)^\s*replace\b`, gomod, "a replace directive in the command's go.mod")

	data, err = os.ReadFile(filepath.Join("..", "go.mod"))
	require.NoError(t, err)
	for _, m := range commandOnlyModules {
		assert.NotContains(t, string(data), m, "the library's go.mod requires %s, which only the command needs", m)
	}
	work, err := os.ReadFile(filepath.Join("..", "go.work"))
	require.NoError(t, err)
	assert.Regexp(t, `(?s)use \(.*\./cmd/ldaccess`, string(work), "go.work uses the command's module")
}

// userModule writes a module whose program imports only wrapper, requiring this checkout
// through a replace directive, tidies it, and returns its directory.
func userModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := t.TempDir()
	gomod := "module example.com/user\n\ngo 1.26.0\n\nrequire github.com/ldaccess/ldaccess v0.0.0\n\n" +
		"replace github.com/ldaccess/ldaccess => " + root + "\n"
	main := "package main\n\nimport _ \"github.com/ldaccess/ldaccess/wrapper\"\n\nfunc main() {}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	goIn(t, dir, "mod", "tidy")
	return dir
}

// goIn runs the go command in dir, resolving the throwaway module's requirements as needed
// (from the module cache, or the proxy on a cold cache), outside any workspace.
func goIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "go %s: %s", strings.Join(args, " "), stderr)
	return string(out)
}
