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
// wire's identity, not by operationId) with the path-level entries beside them, and every
// component they reach through $ref, transitively: the pin. It returns the pin and the
// operations upstream lacks, which the caller reports (drift shows them too).
func extract(upstream, ours *yaml.Node) (pin *yaml.Node, missing []endpoint, err error) {
	up := docRoot(upstream)
	upPaths := mapGet(up, "paths")
	if upPaths == nil {
		return nil, nil, fmt.Errorf("the upstream document has no paths")
	}
	wanted := map[string][]string{} // path → methods
	var order []string
	for _, e := range endpoints(ours) {
		if _, ok := wanted[e.Path]; !ok {
			order = append(order, e.Path)
		}
		wanted[e.Path] = append(wanted[e.Path], e.Method)
	}

	paths := &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range order {
		item := mapGet(upPaths, p)
		if item == nil {
			for _, m := range wanted[p] {
				missing = append(missing, endpoint{m, p})
			}
			continue
		}
		kept := &yaml.Node{Kind: yaml.MappingNode}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k := item.Content[j].Value
			if slices.Contains(httpMethods, k) && !slices.Contains(wanted[p], k) {
				continue
			}
			kept.Content = append(kept.Content, item.Content[j], item.Content[j+1])
		}
		for _, m := range wanted[p] {
			if mapGet(item, m) == nil {
				missing = append(missing, endpoint{m, p})
			}
		}
		paths.Content = append(paths.Content, scalar(p), kept)
	}

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

// reachedComponents collects the components that the nodes refer to with $ref, and those they
// refer to in turn, plus the security schemes that security requirements name; in upstream's
// order, so that a new extraction from the same document gives the same bytes.
func reachedComponents(up *yaml.Node, from ...*yaml.Node) (*yaml.Node, error) {
	all := mapGet(up, "components")
	seen := map[string]bool{} // "kind/name"
	var visit func(n *yaml.Node) error
	visit = func(n *yaml.Node) error {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value != "$ref" || n.Content[i+1].Kind != yaml.ScalarNode {
					continue
				}
				ref := n.Content[i+1].Value
				rest, ok := strings.CutPrefix(ref, "#/components/")
				kind, name, ok2 := strings.Cut(rest, "/")
				if !ok || !ok2 {
					return fmt.Errorf("unsupported $ref %q: only local components are followed", ref)
				}
				if seen[rest] {
					continue
				}
				seen[rest] = true
				target := mapGet(mapGet(all, kind), name)
				if target == nil {
					return fmt.Errorf("$ref %q names no component of the upstream document", ref)
				}
				if err := visit(target); err != nil {
					return err
				}
			}
		}
		for _, c := range n.Content {
			if err := visit(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range from {
		if err := visit(n); err != nil {
			return nil, err
		}
		markSecuritySchemes(n, seen)
	}
	out := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; all != nil && i+1 < len(all.Content); i += 2 {
		kind := all.Content[i].Value
		group := all.Content[i+1]
		kept := &yaml.Node{Kind: yaml.MappingNode}
		for j := 0; j+1 < len(group.Content); j += 2 {
			if seen[kind+"/"+group.Content[j].Value] {
				kept.Content = append(kept.Content, group.Content[j], group.Content[j+1])
			}
		}
		if len(kept.Content) > 0 {
			out.Content = append(out.Content, scalar(kind), kept)
		}
	}
	return out, nil
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

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
