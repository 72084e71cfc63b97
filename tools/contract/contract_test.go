package main

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	"golang.org/x/exp/apidiff"
)

// repoRoot is the repository this module sits in.
const repoRoot = "../.."

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, name))
	require.NoError(t, err)
	return data
}

// edited returns doc with each edit applied to its parsed form; an edit fails the test when
// the document lacks what it changes.
func edited(t *testing.T, doc []byte, edits ...func(t *testing.T, root *yaml.Node)) []byte {
	t.Helper()
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal(doc, &n))
	for _, e := range edits {
		e(t, docRoot(&n))
	}
	out, err := yaml.Marshal(&n)
	require.NoError(t, err)
	return out
}

func schema(t *testing.T, root *yaml.Node, name string) *yaml.Node {
	t.Helper()
	s := mapGet(mapGet(mapGet(root, "components"), "schemas"), name)
	require.NotNil(t, s, "no schema %s", name)
	return s
}

func addProperty(schemaName, prop string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		props := mapGet(schema(t, root, schemaName), "properties")
		require.NotNil(t, props)
		var v yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte("type: string"), &v))
		props.Content = append(props.Content, scalar(prop), v.Content[0])
	}
}

func require_(schemaName, prop string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		s := schema(t, root, schemaName)
		req := mapGet(s, "required")
		if req == nil {
			req = &yaml.Node{Kind: yaml.SequenceNode}
			s.Content = append(s.Content, scalar("required"), req)
		}
		req.Content = append(req.Content, scalar(prop))
	}
}

func removeEnumValue(schemaName, prop, value string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		enum := mapGet(mapGet(mapGet(schema(t, root, schemaName), "properties"), prop), "enum")
		require.NotNil(t, enum, "%s.%s has no enum", schemaName, prop)
		before := len(enum.Content)
		enum.Content = deleteFunc(enum.Content, func(n *yaml.Node) bool { return n.Value == value })
		require.Less(t, len(enum.Content), before, "%s.%s's enum has no %s", schemaName, prop, value)
	}
}

// renameSchema renames a component schema and every reference to it.
func renameSchema(from, to string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		schemas := mapGet(mapGet(root, "components"), "schemas")
		found := false
		for i := 0; i+1 < len(schemas.Content); i += 2 {
			if schemas.Content[i].Value == from {
				schemas.Content[i].Value, found = to, true
			}
		}
		require.True(t, found, "no schema %s", from)
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.ScalarNode && n.Value == "#/components/schemas/"+from {
				n.Value = "#/components/schemas/" + to
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(root)
	}
}

func deleteFunc(s []*yaml.Node, del func(*yaml.Node) bool) []*yaml.Node {
	var out []*yaml.Node
	for _, n := range s {
		if !del(n) {
			out = append(out, n)
		}
	}
	return out
}

// driftAgainst runs drift's comparison of the contract with a changed upstream document.
func driftAgainst(t *testing.T, upstream []byte) driftResult {
	t.Helper()
	base, err := loadSpec("upstream", upstream)
	require.NoError(t, err)
	ours, err := loadSpec(contractFile, readRepoFile(t, contractFile))
	require.NoError(t, err)
	lines, err := structuralDiff(base, ours)
	require.NoError(t, err)
	devs, err := readDeviations(filepath.Join(repoRoot, deviationsFile))
	require.NoError(t, err)
	return classify(lines, devs)
}

func TestDriftPassesOnTheTree(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-root", repoRoot, "drift"}, &out), out.String())
	assert.Contains(t, out.String(), "deliberate")
}

// Each upstream change of a kind LaunchDarkly has really made is named, where it lands, by a
// difference that no deviation explains.
func TestDriftNamesEachUpstreamChange(t *testing.T) {
	pin := readRepoFile(t, pinFile)
	cases := []struct {
		name string
		edit func(*testing.T, *yaml.Node)
		want []string
	}{
		{"an added property", addProperty("Member", "lastLoginMethod"), []string{
			"components › schemas › Member › properties › only upstream: lastLoginMethod",
			"paths › /api/v2/members/{id} › GET › responses › 200 › application/json › schema › properties › only upstream: lastLoginMethod",
		}},
		// upstream's v6.0.1 → v6.0.2 change
		{"a request property that became required", require_("StatementPost", "actions"), []string{
			"components › schemas › StatementPost › required › only upstream: actions",
			"paths › /api/v2/tokens › POST › requestBody › application/json › schema › properties › inlineRole › items › required › only upstream: actions",
		}},
		{"a removed enum value", removeEnumValue("NewMemberForm", "role", "no_access"), []string{
			"paths › /api/v2/members › POST › requestBody › application/json › schema › items › properties › role › enum › only ours: no_access",
		}},
		{"a renamed type", renameSchema("MemberSummary", "MemberSummaryRep"), []string{
			"components › schemas › only upstream: MemberSummaryRep",
			"components › schemas › only ours: MemberSummary",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := driftAgainst(t, edited(t, pin, c.edit))
			for _, w := range c.want {
				assert.Contains(t, r.Unexplained, w)
			}
			assert.Empty(t, r.Stale)
		})
	}
}

// A difference that no longer exists leaves its deviation behind: drift names it, so the
// allow-list cannot rot into a blanket.
func TestDriftNamesAStaleDeviation(t *testing.T) {
	pin := readRepoFile(t, pinFile)
	// Upstream starts documenting the EU instance.
	withEU := edited(t, pin, func(t *testing.T, root *yaml.Node) {
		servers := mapGet(root, "servers")
		var s yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte("url: https://app.eu.launchdarkly.com"), &s))
		servers.Content = append(servers.Content, s.Content[0])
	})
	r := driftAgainst(t, withEU)
	require.Len(t, r.Stale, 1)
	assert.Equal(t, "servers › only ours: https://app.eu.launchdarkly.com", r.Stale[0])
	assert.Empty(t, r.Unexplained)
}

// With UPSTREAM=file, drift first says what LaunchDarkly changed since the pin, in oasdiff's
// words, then fails on what ours lacks.
func TestDriftWithANewerUpstream(t *testing.T) {
	newer := edited(t, readRepoFile(t, pinFile), require_("StatementPost", "actions"), addProperty("Token", "scopes"))
	file := filepath.Join(t.TempDir(), "openapi.yaml")
	require.NoError(t, os.WriteFile(file, newer, 0o644))
	var out bytes.Buffer
	err := run([]string{"-root", repoRoot, "drift", "-upstream", file}, &out)
	require.ErrorIs(t, err, errFailed)
	assert.Contains(t, out.String(), "POST /api/v2/tokens: the request property `inlineRole/items/actions` became required [request-property-became-required]")
	assert.Contains(t, out.String(), "components › schemas › Token › properties › only upstream: scopes")
}

// The pin is exactly what extraction makes of it: nobody edited it by hand, and extracting
// twice changes nothing.
func TestPinIsItsOwnExtraction(t *testing.T) {
	pin := readRepoFile(t, pinFile)
	file := filepath.Join(t.TempDir(), "full.yaml")
	require.NoError(t, os.WriteFile(file, pin, 0o644))
	again, missing, err := pinFrom(repoRoot, file, provenance{})
	require.NoError(t, err)
	assert.Empty(t, missing)
	_, body, _ := bytes.Cut(pin, []byte("\nopenapi:"))
	_, againBody, _ := bytes.Cut(again, []byte("\nopenapi:"))
	assert.Equal(t, string(body), string(againBody))
}

func TestCompatPassesOnTheTree(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-root", repoRoot, "compat"}, &out), out.String())
}

// Breaking changes of the contract, named by operation in oasdiff's words.
func TestCompatNamesContractBreaks(t *testing.T) {
	ours := readRepoFile(t, contractFile)
	cases := []struct {
		name string
		edit func(*testing.T, *yaml.Node)
		want string
	}{
		{"a request property that became required", require_("StatementPost", "actions"),
			"POST /api/v2/tokens: the request property `inlineRole/items/actions` became required"},
		{"a removed enum value", removeEnumValue("AccessTokenPost", "role", "admin"),
			"POST /api/v2/tokens: removed the enum value `admin` of the request property `role`"},
		{"a removed property", func(t *testing.T, root *yaml.Node) {
			props := mapGet(schema(t, root, "Token"), "properties")
			for i := 0; i+1 < len(props.Content); i += 2 {
				if props.Content[i].Value == "lastUsed" {
					props.Content = append(props.Content[:i], props.Content[i+2:]...)
					return
				}
			}
			t.Fatal("Token has no lastUsed")
		}, "GET /api/v2/tokens/{id}: removed the optional property `lastUsed` from the response with the `200` status"},
		{"a renamed schema", renameSchema("MemberSummary", "MemberSummaryRep"),
			"components: removed the schema `MemberSummary`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			breaks, err := contractBreaks(ours, edited(t, ours, c.edit))
			require.NoError(t, err)
			assert.Contains(t, keys(breaks), c.want)
		})
	}
	t.Run("an added optional property is no break", func(t *testing.T) {
		breaks, err := contractBreaks(ours, edited(t, ours, addProperty("Member", "lastLoginMethod")))
		require.NoError(t, err)
		assert.Empty(t, breaks)
	})
}

func keys(bs []breaking) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Key)
	}
	return out
}

// typeCheck builds a package from source, as the Go API of a release would be.
func typeCheck(t *testing.T, src string) *apidiff.Module {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "api.go", src, 0)
	require.NoError(t, err)
	conf := types.Config{Importer: importer.Default()}
	p, err := conf.Check(modulePath+"/api", fset, []*ast.File{f}, nil)
	require.NoError(t, err)
	// A trip through export data, as the baseline takes.
	var buf bytes.Buffer
	m := &apidiff.Module{Path: modulePath, Packages: []*types.Package{p}}
	require.NoError(t, writeGoAPI(&buf, fset, m))
	back, err := readGoAPI(token.NewFileSet(), buf.Bytes())
	require.NoError(t, err)
	return back
}

const releasedAPI = `package api
type StatementPost struct {
	Actions []string ` + "`json:\"actions,omitempty\"`" + `
	Effect  string   ` + "`json:\"effect\"`" + `
}
type MemberSummary struct {
	ID string ` + "`json:\"_id\"`" + `
}
`

// Breaking changes of the Go API: apidiff's, and the JSON tags it does not see.
func TestCompatNamesGoAPIBreaks(t *testing.T) {
	old := typeCheck(t, releasedAPI)
	cases := []struct {
		name, src string
		want      []string
	}{
		{"a JSON tag that lost omitempty (upstream's v6.0.2 regenerated)",
			strings.Replace(releasedAPI, `actions,omitempty`, `actions`, 1),
			[]string{"api.StatementPost.Actions: JSON tag `actions,omitempty` became `actions`"}},
		{"a renamed type", strings.ReplaceAll(releasedAPI, "MemberSummary", "MemberSummaryRep"),
			[]string{"api.MemberSummary: removed"}},
		{"a removed field", strings.Replace(releasedAPI, "\tEffect  string   `json:\"effect\"`\n", "", 1),
			[]string{"api.StatementPost.Effect: removed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cur := typeCheck(t, c.src)
			got := keys(append(goAPIBreaks(old, cur), jsonTagBreaks(old, cur)...))
			for _, w := range c.want {
				assert.Contains(t, got, w)
			}
		})
	}
	t.Run("an added field is no break", func(t *testing.T) {
		cur := typeCheck(t, strings.Replace(releasedAPI, "type MemberSummary struct {", "type MemberSummary struct {\n\tName string `json:\"name,omitempty\"`", 1))
		assert.Empty(t, append(goAPIBreaks(old, cur), jsonTagBreaks(old, cur)...))
	})
}

func TestUnreleasedAcknowledges(t *testing.T) {
	b := breaking{"contract", "POST /api/v2/tokens: the request property `inlineRole/items/actions` became required"}
	cases := []struct {
		name, changelog string
		acknowledged    bool
	}{
		{"named", "# Changelog\n\n## Unreleased\n\n### Breaking\n\n- " + b.Key + " — why.\n\n## v0.1.0\n", true},
		{"named over two lines", "# Changelog\n\n## Unreleased\n\n- POST /api/v2/tokens: the request property\n  `inlineRole/items/actions` became required\n", true},
		{"named only under a release", "# Changelog\n\n## Unreleased\n\n## v0.1.0\n\n- " + b.Key + "\n", false},
		{"no Unreleased section", "# Changelog\n\n- " + b.Key + "\n", false},
		{"Unreleased at the top of the file", "## Unreleased\n\n- " + b.Key + "\n", true},
		{"CRLF line ends", "# Changelog\r\n\r\n## Unreleased\r\n\r\n- " + b.Key + "\r\n\r\n## v0.1.0\r\n", true},
		{"a heading that only starts like it", "# Changelog\n\n## Unreleased-ish\n\n- " + b.Key + "\n", false},
		{"named in a later section's subsection", "## Unreleased\n\n### Added\n\n## v0.1.0\n\n### Breaking\n\n- " + b.Key + "\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, !c.acknowledged, len(unacknowledged([]breaking{b}, c.changelog)) == 1)
		})
	}
}

// withOperation adds an operation to a document: method on path, filed under tag.
func withOperation(method, path, tag string) func(*testing.T, *yaml.Node) {
	return func(t *testing.T, root *yaml.Node) {
		paths := mapGet(root, "paths")
		item := mapGet(paths, path)
		if item == nil {
			item = &yaml.Node{Kind: yaml.MappingNode}
			paths.Content = append(paths.Content, scalar(path), item)
		}
		var op yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(`
operationId: added
tags: [`+tag+`]
parameters:
  - {name: id, in: path, required: true, schema: {type: string}}
responses:
  "200":
    description: ok
    content:
      application/json:
        schema: {$ref: "#/components/schemas/Member"}
`), &op))
		item.Content = append(item.Content, scalar(method), op.Content[0])
	}
}

// An operation LaunchDarkly adds under the tags of ours (as upstream's 7.1.0 added
// postMemberTeams and 11.0.0 patchMembers) is named by drift; one under another tag is not ours
// to follow.
func TestDriftNamesAnOperationAddedToOurTags(t *testing.T) {
	newer := edited(t, readRepoFile(t, pinFile),
		withOperation("get", "/api/v2/members/{id}/roles", "Account members"),
		withOperation("put", "/api/v2/tokens/{id}", "Access tokens"),
		withOperation("get", "/api/v2/flags/{id}", "Feature flags"))
	file := filepath.Join(t.TempDir(), "openapi.yaml")
	require.NoError(t, os.WriteFile(file, newer, 0o644))
	var out bytes.Buffer
	err := run([]string{"-root", repoRoot, "drift", "-upstream", file}, &out)
	require.ErrorIs(t, err, errFailed)
	assert.Contains(t, out.String(), "paths › only upstream: /api/v2/members/{id}/roles")
	assert.Contains(t, out.String(), "paths › /api/v2/tokens/{id} › only upstream: PUT")
	assert.NotContains(t, out.String(), "/api/v2/flags")

	// make pin keeps them, and says so.
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "upstream"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, contractFile), readRepoFile(t, contractFile), 0o644))
	out.Reset()
	require.NoError(t, run([]string{"-root", root, "pin", "-from", file}, &out))
	assert.Contains(t, out.String(), "pin: upstream files GET /api/v2/members/{id}/roles under the tags of ours, and openapi.yaml lacks it")
	pinned, err := os.ReadFile(filepath.Join(root, pinFile))
	require.NoError(t, err)
	assert.Contains(t, string(pinned), "/api/v2/members/{id}/roles:")
	assert.NotContains(t, string(pinned), "/api/v2/flags")
}

// YAML anchors and aliases are YAML: an alias in a part the pin keeps may name an anchor in a
// part it leaves out, and the pin is the same as from the document written out in full.
func TestPinExpandsAliases(t *testing.T) {
	full := readRepoFile(t, pinFile)
	_, body, _ := bytes.Cut(full, []byte("\nopenapi:"))
	plain := filepath.Join(t.TempDir(), "plain.yaml")
	require.NoError(t, os.WriteFile(plain, append([]byte("openapi:"), body...), 0o644))
	want, _, err := pinFrom(repoRoot, plain, provenance{})
	require.NoError(t, err)

	// x-shared, which the pin leaves out, anchors what two of our operations alias.
	aliased := strings.Replace(string(body), "\npaths:\n", "\nx-shared:\n  unauthorized: &unauthorized\n    content:\n      application/json:\n        schema:\n          $ref: \"#/components/schemas/UnauthorizedErrorRep\"\n    description: Invalid access token\npaths:\n", 1)
	before := strings.Count(aliased, "\"401\":\n")
	require.Positive(t, before)
	aliased = regexp.MustCompile(`(?m)^(\s+)"401":\n\s+content:\n\s+application/json:\n\s+schema:\n\s+\$ref: "#/components/schemas/UnauthorizedErrorRep"\n\s+description: Invalid access token\n`).
		ReplaceAllString(aliased, "$1\"401\": *unauthorized\n")
	require.Less(t, strings.Count(aliased, "description: Invalid access token"), before, "the test document uses the alias")
	file := filepath.Join(t.TempDir(), "aliased.yaml")
	require.NoError(t, os.WriteFile(file, []byte("openapi:"+aliased), 0o644))
	got, _, err := pinFrom(repoRoot, file, provenance{})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// What is not LaunchDarkly's document is refused with a sentence, not compared.
func TestDriftRefusesWhatIsNotLaunchDarklysDocument(t *testing.T) {
	cases := map[string]string{
		"not YAML":        "not: [valid\n",
		"not a document":  "{}\n",
		"none of ours":    "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths:\n  /api/v2/flags:\n    get:\n      responses:\n        \"200\": {description: ok}\n",
		"binary":          "\x00\xff\xfe garbage",
		"paths not a map": "openapi: 3.0.3\npaths: [1, 2]\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "upstream.yaml")
			require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
			var out bytes.Buffer
			err := run([]string{"-root", repoRoot, "drift", "-upstream", file}, &out)
			require.Error(t, err)
			assert.NotErrorIs(t, err, errFailed, "refused before any comparison")
			assert.Contains(t, err.Error(), file)
		})
	}
}

// Each difference has one reason: a duplicated entry, or a blanket over a precise one, is named,
// so that removing one entry cannot leave its difference allowed by the other's reason.
func TestDriftNamesOverlappingDeviations(t *testing.T) {
	file := filepath.Join(t.TempDir(), "deviations.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
- match: "servers › only ours: https://app.eu.launchdarkly.com"
  reason: the EU instance
- match: "servers › only ours: https://app.eu.launchdarkly.com"
  reason: the same again
- match: ["components › schemas › *ErrorRep › properties › only ours: id", "paths › * › only ours: id"]
  reason: request IDs
- match: "components › * › only ours: *"
  reason: a blanket
`), 0o644))
	devs, err := readDeviations(file)
	require.NoError(t, err)
	r := classify([]string{
		"servers › only ours: https://app.eu.launchdarkly.com",
		"components › schemas › NotFoundErrorRep › properties › only ours: id",
		"components › headers › only ours: RetryAfter",
	}, devs)
	assert.Equal(t, []string{
		`servers › only ours: https://app.eu.launchdarkly.com: "servers › only ours: https://app.eu.launchdarkly.com", "servers › only ours: https://app.eu.launchdarkly.com"`,
		`components › schemas › NotFoundErrorRep › properties › only ours: id: "components › schemas › *ErrorRep › properties › only ours: id", "components › * › only ours: *"`,
	}, r.Overlaps)
	assert.Equal(t, []string{"paths › * › only ours: id"}, r.Stale)
	assert.Empty(t, r.Unexplained)
}

// A changelog without its Unreleased section is named as such, not only as changes it does not
// name.
func TestCompatSaysTheUnreleasedSectionIsMissing(t *testing.T) {
	// The released contract had a property that the current one lacks.
	released := edited(t, readRepoFile(t, contractFile), addProperty("Token", "scopes"))
	log := strings.Replace(string(readRepoFile(t, changelogFile)), "## Unreleased\n", "## [Unreleased]\n", 1)
	breaks, err := contractBreaks(released, readRepoFile(t, contractFile))
	require.NoError(t, err)
	require.NotEmpty(t, breaks)
	var out bytes.Buffer
	require.ErrorIs(t, printCompat(&out, "v0.1.0", breaks, nil, log), errFailed)
	assert.Contains(t, out.String(), `CHANGELOG.md has no "## Unreleased" section`)
	assert.Contains(t, out.String(), "removed the optional property `scopes`")
}

// An acknowledgement that names no breaking change any more (the change was undone) is named:
// the changelog would announce it all the same.
func TestCompatNamesAStaleAcknowledgement(t *testing.T) {
	b := breaking{"Go API", "review.Plan.Actions: removed"}
	log := "## Unreleased\n\n### Breaking\n\n- Go API: review.Plan.Actions: removed\n  — plans hold steps now.\n\n" +
		"- contract: GET /api/v2/tokens: removed the optional property `lastUsed`\n  from the response with the `200` status\n\n" +
		"- Not a compat line: prose.\n\n## v0.1.0\n\n- Go API: wrapper.Old: removed\n"
	assert.Equal(t, []string{"contract: GET /api/v2/tokens: removed the optional property `lastUsed` from the response with the `200` status"},
		staleAcknowledgements([]breaking{b}, log))
	var out bytes.Buffer
	require.ErrorIs(t, printCompat(&out, "v0.1.0", []breaking{b}, nil, log), errFailed)
	assert.Contains(t, out.String(), "acknowledges 1 breaking changes that make compat does not find")
	assert.Empty(t, staleAcknowledgements([]breaking{b, {"contract", "GET /api/v2/tokens: removed the optional property `lastUsed` from the response with the `200` status"}}, log))
}

// An allow-list is read strictly: an empty one allows nothing, an unknown key or an entry
// without its reason is refused.
func TestReadDeviations(t *testing.T) {
	cases := []struct{ name, content, err string }{
		{"empty", "# no deviations\n", ""},
		{"unknown key", "- mach: x\n  reason: y\n", "field mach not found"},
		{"no reason", "- match: x\n", "needs both match and reason"},
		{"not a list", "match: x\n", "cannot unmarshal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "deviations.yaml")
			require.NoError(t, os.WriteFile(file, []byte(c.content), 0o644))
			devs, err := readDeviations(file)
			if c.err == "" {
				require.NoError(t, err)
				assert.Empty(t, devs)
				return
			}
			require.ErrorContains(t, err, c.err)
			assert.ErrorContains(t, err, file)
		})
	}
}
