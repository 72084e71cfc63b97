package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// httpMethods are the keys of a path item that are operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// endpoint is one operation's place on the wire: method (lower case, as in a document) and path.
type endpoint struct{ Method, Path string }

func (e endpoint) String() string { return strings.ToUpper(e.Method) + " " + e.Path }

// endpoints lists the operations of an OpenAPI document, in its own order.
func endpoints(doc *yaml.Node) []endpoint {
	var out []endpoint
	paths := mapGet(docRoot(doc), "paths")
	for i := 0; paths != nil && i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if slices.Contains(httpMethods, item.Content[j].Value) {
				out = append(out, endpoint{item.Content[j].Value, paths.Content[i].Value})
			}
		}
	}
	return out
}

// extract copies, from upstream, the operations that ours has (matched by method and path, the
// wire's identity, not by operationId) and every other operation upstream files under the same
// tags ("Access tokens", "Account members"), with the path-level entries beside them, and every
// component they reach through $ref, transitively: the pin. An operation LaunchDarkly adds to
// those tags is thereby in the pin, and drift names it until ours has it or a deviation says
// why not. It returns the pin and the operations of ours that upstream lacks, which the caller
// reports (drift shows them too).
func extract(upstream, ours *yaml.Node) (pin *yaml.Node, missing []endpoint, err error) {
	if upstream, err = expandAliases(upstream); err != nil {
		return nil, nil, err
	}
	up := docRoot(upstream)
	upPaths := mapGet(up, "paths")
	if upPaths == nil || upPaths.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("the upstream document has no paths: is it LaunchDarkly's api/openapi.yaml?")
	}
	order, wanted, err := wantedOperations(upstream, upPaths, ours)
	if err != nil {
		return nil, nil, err
	}

	paths, missing := pinPaths(upPaths, order, wanted)

	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range []string{"openapi", "info", "servers", "security"} {
		if v := mapGet(up, k); v != nil {
			root.Content = append(root.Content, scalar(k), v)
		}
	}
	root.Content = append(root.Content, scalar("paths"), paths)
	components, err := reachedComponents(up, root)
	if err != nil {
		return nil, nil, err
	}
	root.Content = append(root.Content, scalar("components"), components)
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, missing, nil
}

// pinPaths copies upstream's path items in order, each with only the wanted operations and its
// path-level entries, and lists the wanted operations upstream lacks; a path upstream lacks is
// left out of the pin rather than copied empty.
func pinPaths(upPaths *yaml.Node, order []string, wanted map[string][]string) (paths *yaml.Node, missing []endpoint) {
	paths = &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range order {
		item := mapGet(upPaths, p)
		for _, m := range wanted[p] {
			if mapGet(item, m) == nil {
				missing = append(missing, endpoint{m, p})
			}
		}
		if item == nil {
			continue
		}
		paths.Content = append(paths.Content, scalar(p), filterMapping(item, func(k string) bool {
			return !slices.Contains(httpMethods, k) || slices.Contains(wanted[p], k)
		}))
	}
	return paths, missing
}

// wantedOperations lists the operations the pin keeps, by path in order (ours first, then
// upstream's): those of ours, and those upstream files under the tags it gives them.
func wantedOperations(upstream, upPaths, ours *yaml.Node) (order []string, wanted map[string][]string, err error) {
	wanted = map[string][]string{} // path → methods
	want := func(e endpoint) {
		if _, ok := wanted[e.Path]; !ok {
			order = append(order, e.Path)
		}
		if !slices.Contains(wanted[e.Path], e.Method) {
			wanted[e.Path] = append(wanted[e.Path], e.Method)
		}
	}
	oursEndpoints := endpoints(ours)
	tags, found := map[string]bool{}, 0
	for _, e := range oursEndpoints {
		want(e)
		if op := mapGet(mapGet(upPaths, e.Path), e.Method); op != nil {
			found++
			for _, t := range seqValues(mapGet(op, "tags")) {
				tags[t] = true
			}
		}
	}
	if found == 0 {
		return nil, nil, fmt.Errorf("the upstream document has none of the %d operations of %s: is it LaunchDarkly's api/openapi.yaml?", len(oursEndpoints), contractFile)
	}
	for _, e := range endpoints(upstream) {
		op := mapGet(mapGet(upPaths, e.Path), e.Method)
		if slices.ContainsFunc(seqValues(mapGet(op, "tags")), func(t string) bool { return tags[t] }) {
			want(e)
		}
	}
	return order, wanted, nil
}

// reachedComponents collects the components that the nodes refer to with $ref, and those they
// refer to in turn, plus the security schemes that security requirements name; in upstream's
// order, so that a new extraction from the same document gives the same bytes.
func reachedComponents(up *yaml.Node, from ...*yaml.Node) (*yaml.Node, error) {
	all := mapGet(up, "components")
	seen := map[string]bool{} // "kind/name"
	for _, n := range from {
		if err := markRefs(all, n, seen); err != nil {
			return nil, err
		}
		markSecuritySchemes(n, seen)
	}
	out := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; all != nil && i+1 < len(all.Content); i += 2 {
		kind := all.Content[i].Value
		kept := filterMapping(all.Content[i+1], func(name string) bool { return seen[kind+"/"+name] })
		if len(kept.Content) > 0 {
			out.Content = append(out.Content, scalar(kind), kept)
		}
	}
	return out, nil
}

// markRefs records the components that every $ref under n names, and those they name in turn,
// so that the pin carries all a kept operation needs; a $ref it cannot follow is an error.
func markRefs(all, n *yaml.Node, seen map[string]bool) error {
	if n == nil {
		return nil
	}
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "$ref" || n.Content[i+1].Kind != yaml.ScalarNode {
			continue
		}
		if err := followRef(all, n.Content[i+1].Value, seen); err != nil {
			return err
		}
	}
	for _, c := range n.Content {
		if err := markRefs(all, c, seen); err != nil {
			return err
		}
	}
	return nil
}

// followRef records the component ref names and what it reaches, once each: only local
// components are followed, as the pin is a document on its own.
func followRef(all *yaml.Node, ref string, seen map[string]bool) error {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	kind, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return fmt.Errorf("unsupported $ref %q: only local components are followed", ref)
	}
	if seen[rest] {
		return nil
	}
	seen[rest] = true
	target := mapGet(mapGet(all, kind), name)
	if target == nil {
		return fmt.Errorf("$ref %q names no component of the upstream document", ref)
	}
	return markRefs(all, target, seen)
}

// markSecuritySchemes records the schemes named by every `security` list under n.
func markSecuritySchemes(n *yaml.Node, seen map[string]bool) {
	if n == nil {
		return
	}
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "security" {
			continue
		}
		for _, req := range n.Content[i+1].Content {
			for j := 0; req.Kind == yaml.MappingNode && j+1 < len(req.Content); j += 2 {
				seen["securitySchemes/"+req.Content[j].Value] = true
			}
		}
	}
	for _, c := range n.Content {
		markSecuritySchemes(c, seen)
	}
}

// provenance is what a pin records about where it came from.
type provenance struct {
	Repository, Path, Commit, Version, Date string
}

// renderPin writes the pin with a header that names its source and licence.
func renderPin(pin *yaml.Node, p provenance) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `# The parts of LaunchDarkly's published OpenAPI document that ldaccess's operations reach,
# their content unchanged: every operation of ../openapi.yaml (matched by method and path) and every
# component it reaches. Copyright Catamorphic, Co. (LaunchDarkly), licensed under the Apache
# License 2.0: see LICENSE.txt beside this file. Written by `+"`make pin`"+`; do not edit by hand.
#
# source: %s %s
# commit: %s
# version: %s
# date: %s
`, p.Repository, p.Path, p.Commit, p.Version, p.Date)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(pin); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func docRoot(doc *yaml.Node) *yaml.Node {
	if doc != nil && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0]
	}
	return doc
}

// mapGet returns the value of key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// filterMapping returns a mapping of the pairs of n whose key keep accepts, in n's order, the
// nodes shared rather than copied: how the pin takes part of a path item or a component group.
func filterMapping(n *yaml.Node, keep func(key string) bool) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if keep(n.Content[i].Value) {
			out.Content = append(out.Content, n.Content[i], n.Content[i+1])
		}
	}
	return out
}

// seqValues returns the scalar values of a sequence node, or nil.
func seqValues(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

// maxExpandedNodes bounds expandAliases: a document whose aliases expand past it (a "billion
// laughs") is refused rather than copied.
const maxExpandedNodes = 10_000_000

// expandAliases returns doc with every alias replaced by a copy of what its anchor holds and no
// anchors left, so that any part of it can be copied on its own: the pin takes parts of
// upstream's document, and an alias there may name an anchor in a part it leaves out.
func expandAliases(doc *yaml.Node) (*yaml.Node, error) {
	budget := maxExpandedNodes
	var expand func(n *yaml.Node, depth int) (*yaml.Node, error)
	expand = func(n *yaml.Node, depth int) (*yaml.Node, error) {
		if budget--; budget < 0 {
			return nil, fmt.Errorf("the document's aliases expand to more than %d nodes", maxExpandedNodes)
		}
		if depth > 10_000 {
			return nil, fmt.Errorf("the document nests deeper than 10000 levels")
		}
		for n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return nil, fmt.Errorf("line %d: an alias without its anchor", n.Line)
			}
			n = n.Alias
		}
		c := *n
		c.Anchor = ""
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			var err error
			if c.Content[i], err = expand(child, depth+1); err != nil {
				return nil, err
			}
		}
		return &c, nil
	}
	return expand(doc, 0)
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
