package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// copyRepo copies the repository's files (tracked and new, not ignored) into a fresh directory.
func copyRepo(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-co", "--exclude-standard").Output()
	require.NoError(t, err)
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		data, err := os.ReadFile(filepath.Join(repoRoot, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dst, name), data, 0o644))
	}
	return dst
}

// fakeUpstream makes a git repository shaped like launchdarkly/api-client-go whose one commit
// holds doc as api/openapi.yaml.
func fakeUpstream(t *testing.T, doc []byte, subject string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api", "openapi.yaml"), doc, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "LICENSE.txt"), readRepoFile(t, "upstream/LICENSE.txt"), 0o644))
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "."},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", subject},
	} {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	return dir
}

// step runs a command in dir and returns its output and whether it succeeded.
func step(t *testing.T, dir string, name string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("$ %s %s\n%s", name, strings.Join(args, " "), out)
	return string(out), err == nil
}

// The maintainer's procedure (CONTRIBUTING.md, "When LaunchDarkly changes its spec"), each step
// a make target, on a copy of the repository, with upstream's real v6.0.1 → v6.0.2 change (a
// statement's `actions` became required) and a new optional property on Member:
// pin → drift names both → edit openapi.yaml → generate → drift passes → compat names the
// breaking change and the JSON tag it changes → CHANGELOG acknowledges them → compat passes;
// and the contract suite fails on what the regenerated client now sends.
func TestMaintainerProcedure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs make and go in a copy of the repository")
	}
	t.Parallel()
	repo := copyRepo(t)
	newer := edited(t, readRepoFile(t, pinFile), require_("StatementPost", "actions"), addProperty("Member", "lastLoginMethod"))
	_, body, _ := bytes.Cut(newer, []byte("\nopenapi:")) // the header is the pin's, not upstream's
	upstream := fakeUpstream(t, append([]byte("openapi:"), body...), "Version 99.0.0 automatically generated from ld-openapi.")

	out, ok := step(t, repo, "make", "pin", "UPSTREAM_GIT="+upstream)
	require.True(t, ok, out)
	pin, err := os.ReadFile(filepath.Join(repo, pinFile))
	require.NoError(t, err)
	assert.Contains(t, string(pin), "# version: 99.0.0\n")

	out, ok = step(t, repo, "make", "drift")
	require.False(t, ok, "drift passes while ours lags")
	assert.Contains(t, out, "components › schemas › Member › properties › only upstream: lastLoginMethod")
	assert.Contains(t, out, "components › schemas › StatementPost › required › only upstream: actions")

	// Follow upstream one change at a time. The new property first: generation is exact, and
	// the contract suite names the property the fake does not produce yet.
	contract := filepath.Join(repo, contractFile)
	ours, err := os.ReadFile(contract)
	require.NoError(t, err)
	ours = edited(t, ours, addProperty("Member", "lastLoginMethod"))
	require.NoError(t, os.WriteFile(contract, ours, 0o644))
	out, ok = step(t, repo, "make", "generate")
	require.True(t, ok, out)
	generated, err := os.ReadFile(filepath.Join(repo, "api", "api.gen.go"))
	require.NoError(t, err)
	assert.Contains(t, string(generated), "LastLoginMethod")
	out, ok = step(t, repo, "go", "test", "./tests", "-run", "^TestContractEveryOperationAndDocumentedStatus$")
	require.False(t, ok, "the contract suite passes while the fake never produces Member.lastLoginMethod")
	assert.Contains(t, out, "Member.lastLoginMethod")

	// Then the required property.
	require.NoError(t, os.WriteFile(contract, edited(t, ours, require_("StatementPost", "actions")), 0o644))
	out, ok = step(t, repo, "make", "generate")
	require.True(t, ok, out)

	out, ok = step(t, repo, "make", "drift")
	require.True(t, ok, out)

	out, ok = step(t, repo, "make", "compat")
	require.False(t, ok, "compat passes on an unacknowledged breaking change")
	wantBreaks := []string{
		"contract: POST /api/v2/tokens: the request property `inlineRole/items/actions` became required",
		"JSON tag: api.StatementPost.Actions: JSON tag `actions,omitempty,omitzero` became `actions`",
	}
	for _, w := range wantBreaks {
		assert.Contains(t, out, w)
	}
	log := filepath.Join(repo, changelogFile)
	changelog, err := os.ReadFile(log)
	require.NoError(t, err)
	ack := "### Breaking\n\n- " + strings.Join(wantBreaks, "\n- ") + "\n  — LaunchDarkly requires actions in every statement.\n"
	changelog = bytes.Replace(changelog, []byte("### Breaking\n"), []byte(ack), 1)
	require.NoError(t, os.WriteFile(log, changelog, 0o644))
	out, ok = step(t, repo, "make", "compat")
	require.True(t, ok, out)

	// make test's contract suite is loud about what lags: the regenerated client now sends a
	// notActions-only statement with "actions": null, which the contract refuses (the bug the
	// v6.0.2 regeneration would have shipped silently).
	out, ok = step(t, repo, "go", "test", "./tests", "-run", "^TestContractEveryOperationAndDocumentedStatus$")
	require.False(t, ok, "the contract suite passes while the client sends what the contract refuses")
	assert.Contains(t, out, `Error at "/inlineRole/0/actions": Value is not nullable`)
}

// removeProperty removes a property from a component schema.
func removeProperty(schemaName, prop string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		props := mapGet(schema(t, root, schemaName), "properties")
		for i := 0; i+1 < len(props.Content); i += 2 {
			if props.Content[i].Value == prop {
				props.Content = append(props.Content[:i], props.Content[i+2:]...)
				return
			}
		}
		t.Fatalf("%s has no %s", schemaName, prop)
	}
}

// A regeneration that leaves a public package uncompilable still gets its report: make compat
// names the breaking changes it can see (the contract's, the Go API of the packages that
// compile) and then the package that lags, with the compiler's words.
func TestCompatNamesWhatNoLongerCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs make in a copy of the repository")
	}
	t.Parallel()
	repo := copyRepo(t)
	contract := filepath.Join(repo, contractFile)
	ours, err := os.ReadFile(contract)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(contract, edited(t, ours, removeProperty("Member", "excludedDashboards")), 0o644))
	out, ok := step(t, repo, "make", "generate")
	require.True(t, ok, out)

	out, ok = step(t, repo, "make", "compat")
	require.False(t, ok, "compat passes while fake does not compile")
	for _, want := range []string{
		"- contract: GET /api/v2/members/{id}: removed the optional property `excludedDashboards` from the response with the `200` status",
		"- Go API: api.Member.ExcludedDashboards: removed",
		"compat: the Go API of fake was not compared: it does not compile against the regenerated code",
		"fake/seed.go",
		"ExcludedDashboards",
	} {
		assert.Contains(t, out, want)
	}
}

// appendTo appends a YAML value to the sequence at path (mapping keys) under root.
func appendTo(src string, path ...string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		n := root
		for _, k := range path {
			n = mapGet(n, k)
			require.NotNil(t, n, "no %s in %v", k, path)
		}
		require.Equal(t, yaml.SequenceNode, n.Kind, "%v is not a sequence", path)
		var v yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(src), &v))
		n.Content = append(n.Content, v.Content[0])
	}
}

// setKey sets key to a YAML value in the mapping at path under root.
func setKey(key, src string, path ...string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		n := root
		for _, k := range path {
			n = mapGet(n, k)
			require.NotNil(t, n, "no %s in %v", k, path)
		}
		var v yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(src), &v))
		n.Content = append(n.Content, scalar(key), v.Content[0])
	}
}

// Follow upstream in changes of the kinds that, once, left every test green while something
// lagged: a required response property (the fake sent its zero value), an enumeration value
// (the fake and the review treated it like another), an optional query parameter (generated
// as a plain value, sent on every request), a request property (the fake ignored it), a filter
// field (the wrapper could not ask for it). After make generate, make test names each, where it
// lags.
func TestMaintainerIsToldWhatLags(t *testing.T) {
	if testing.Short() {
		t.Skip("runs make and go in a copy of the repository")
	}
	t.Parallel()
	repo := copyRepo(t)
	contract := filepath.Join(repo, contractFile)
	ours, err := os.ReadFile(contract)
	require.NoError(t, err)
	schemas := []string{"components", "schemas"}
	at := func(p ...string) []string { return append(slices.Clone(schemas), p...) }
	ours = edited(t, ours,
		// A required property, in the schema and in the examples that must show it.
		setKey("expiring", "type: boolean", at("Token", "properties")...),
		appendTo("expiring", at("Token", "required")...),
		setKey("expiring", "true", at("Token", "example")...),
		func(t *testing.T, root *yaml.Node) {
			item := mapGet(mapGet(schema(t, root, "Tokens"), "example"), "items").Content[0]
			item.Content = append(item.Content, scalar("expiring"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		},
		appendTo("audit", at("Statement", "properties", "effect", "enum")...),
		appendTo("audit", at("StatementPost", "properties", "effect", "enum")...),
		appendTo("{name: search, in: query, schema: {type: string}}", "paths", "/api/v2/tokens", "get", "parameters"),
		setKey("title", "type: string", at("NewMemberForm", "properties")...),
		appendTo("accessCheck", at("MembersFilterField", "enum")...),
		appendTo("AccessCheck", at("MembersFilterField", "x-enum-varnames")...),
	)
	require.NoError(t, os.WriteFile(contract, ours, 0o644))
	out, ok := step(t, repo, "make", "generate")
	require.True(t, ok, out)

	out, ok = step(t, repo, "go", "test", "./tests", "-run",
		"^(TestContractEveryOperationAndDocumentedStatus|TestGeneratedClientSendsNoUnsetParameter|TestContractEveryQueryParameterMatters|TestContractEveryRequestPropertyMatters|TestWrapperFilterReachesEveryFilterField)$")
	require.False(t, ok, "the contract suite passes while the fake, the client and the wrapper lag")
	for _, want := range []string{
		"Token.expiring",         // sent only as false
		"Statement.effect=audit", // never produced
		"api.GetTokensParams's field for the query search is not a pointer",
		"no case shows what getTokens search changes",
		"no case shows what the request property postMembers title changes",
		"the contract's filter field accessCheck has no field in wrapper.MemberFilter",
	} {
		assert.Contains(t, out, want)
	}

	out, ok = step(t, repo, "make", "exhaustive", "PKGS=./fake ./review")
	require.False(t, ok, "the exhaustive lint passes while switches miss values")
	for _, want := range []string{
		"fake/policy.go", "review/findings.go", "api.StatementEffectAudit",
		"fake/filter.go", "api.MembersFilterFieldAccessCheck",
	} {
		assert.Contains(t, out, want)
	}
}
