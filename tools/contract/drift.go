package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
	"go.yaml.in/yaml/v3"
)

// loadSpec parses an OpenAPI document the way both drift and compat compare it: references
// resolved, path-level parameters merged into each operation (where a parameter is declared is
// not a difference on the wire) and header names in lower case (HTTP's are case-insensitive).
func loadSpec(name string, data []byte) (*load.SpecInfo, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	spec, err := load.NewSpecInfoFromData(loader, data, name, load.WithFlattenParams(), load.WithLowercaseHeaders())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defaultSerialization(spec.Spec)
	return spec, nil
}

// defaultSerialization writes out the style and explode that OpenAPI gives a parameter which
// leaves them unset, so that an explicit default and an omitted one compare equal: they mean
// the same request on the wire.
func defaultSerialization(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, ref := range op.Parameters {
				p := ref.Value
				if p == nil {
					continue
				}
				if p.Style == "" {
					p.Style = openapi3.SerializationSimple
					if p.In == openapi3.ParameterInQuery || p.In == openapi3.ParameterInCookie {
						p.Style = openapi3.SerializationForm
					}
				}
				if p.Explode == nil {
					explode := p.Style == openapi3.SerializationForm
					p.Explode = &explode
				}
			}
		}
	}
}

// structuralConfig is what drift compares: everything a request or a response can carry, not
// prose. Descriptions, summaries, titles, examples and tags are ours to write; extensions (x-go-name…)
// are generator hints that never reach the wire.
func structuralConfig() *diff.Config {
	return diff.NewConfig(diff.WithExcludeElements([]string{
		diff.ExcludeDescriptionOption, diff.ExcludeSummaryOption, diff.ExcludeTitleOption,
		diff.ExcludeExamplesOption, diff.ExcludeExtensionsOption, diff.ExcludeTagsOption,
		diff.ExcludeEndpointsOption, // the same differences again, indexed by endpoint
	}))
}

// structuralDiff lists every structural difference between base and revision, one line each,
// sorted: oasdiff's complete diff report, flattened. Each line is the path to a difference
// (operation, parameter, status, media type, property…) and what differs there, worded from
// ours's side with base as upstream: "only ours", "only upstream", "upstream X, ours Y".
func structuralDiff(base, revision *load.SpecInfo) ([]string, error) {
	report, err := diff.Get(structuralConfig(), base.Spec, revision.Spec)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(report)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	var lines []string
	flatten(nil, tree, &lines)
	slices.Sort(lines)
	return slices.Compact(lines), nil
}

// Words for the diff report's keys, from ours's side (the revision) against upstream (the base).
var reportWords = map[string]string{
	"added":            "only ours",
	"deleted":          "only upstream",
	"schemaAdded":      "schema only ours",
	"schemaDeleted":    "schema only upstream",
	"enumAdded":        "enum only ours",
	"enumDeleted":      "enum only upstream",
	"mediaTypeAdded":   "media type only ours",
	"mediaTypeDeleted": "media type only upstream",
}

// Keys that only group what is below them.
var groupingKeys = map[string]bool{"modified": true, "operations": true, "content": true}

func flatten(path []string, v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		if from, ok := v["from"]; ok && len(v) <= 2 {
			*out = append(*out, fmt.Sprintf("%s: upstream %s, ours %s", strings.Join(path, " › "), show(from), show(v["to"])))
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			switch {
			case groupingKeys[k]:
				flatten(path, v[k], out)
			case reportWords[k] != "":
				flatten(append(slices.Clip(path), reportWords[k]), v[k], out)
			default:
				flatten(append(slices.Clip(path), k), v[k], out)
			}
		}
	case []any:
		for _, item := range v {
			if _, ok := item.(map[string]any); ok {
				flatten(path, item, out)
				continue
			}
			*out = append(*out, fmt.Sprintf("%s: %s", strings.Join(path, " › "), show(item)))
		}
	case bool:
		if v {
			*out = append(*out, strings.Join(path, " › "))
		}
	default:
		*out = append(*out, fmt.Sprintf("%s: %s", strings.Join(path, " › "), show(v)))
	}
}

func show(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		if v == "" {
			return `""`
		}
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// deviation is one entry of the allow-list: patterns over structuralDiff's lines (`*` stands
// for any run of characters), one or a list, and the reason ours differs there on purpose.
type deviation struct {
	Match  patterns `yaml:"match"`
	Reason string   `yaml:"reason"`
	res    []*regexp.Regexp
}

// patterns reads one pattern or a list of them.
type patterns []string

func (p *patterns) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*p = patterns{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*p = list
	return nil
}

func readDeviations(file string) ([]deviation, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var devs []deviation
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&devs); err != nil && !errors.Is(err, io.EOF) { // empty: no deviations
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i := range devs {
		d := &devs[i]
		if len(d.Match) == 0 || strings.TrimSpace(d.Reason) == "" {
			return nil, fmt.Errorf("%s: entry %d needs both match and reason", file, i+1)
		}
		for _, m := range d.Match {
			parts := strings.Split(m, "*")
			for j := range parts {
				parts[j] = regexp.QuoteMeta(parts[j])
			}
			d.res = append(d.res, regexp.MustCompile("^"+strings.Join(parts, ".*")+"$"))
		}
	}
	return devs, nil
}

// driftResult sorts the differences: those a deviation allows, those none does, the patterns
// that allow nothing any more (upstream caught up, or ours changed), and the differences that
// several patterns allow. Each difference has one reason: a pattern that overlaps another
// would keep allowing what the other's reason was written for after that one is removed, and
// a blanket pattern would hide the staleness of the precise ones beneath it.
type driftResult struct {
	Allowed, Unexplained []string
	Stale                []string
	Overlaps             []string // "difference: pattern, pattern"
}

func classify(lines []string, devs []deviation) driftResult {
	var r driftResult
	used := map[*regexp.Regexp]bool{}
	for _, l := range lines {
		var by []string
		for _, d := range devs {
			for i, re := range d.res {
				if re.MatchString(l) {
					used[re] = true
					by = append(by, strconv.Quote(d.Match[i]))
				}
			}
		}
		switch len(by) {
		case 0:
			r.Unexplained = append(r.Unexplained, l)
		case 1:
			r.Allowed = append(r.Allowed, l)
		default:
			r.Allowed = append(r.Allowed, l)
			r.Overlaps = append(r.Overlaps, l+": "+strings.Join(by, ", "))
		}
	}
	for _, d := range devs {
		for i, re := range d.res {
			if !used[re] {
				r.Stale = append(r.Stale, d.Match[i])
			}
		}
	}
	return r
}
