package tests

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Response coverage: which properties of the contract's response schemas the fake has been
// seen to produce. A property is named by the schema that declares it, "Member.teams", or for
// an inline schema by where it sits, "Member.teams[].key"; a property of a schema used in many
// answers counts once, wherever it was seen, and so does each value of an enumeration,
// "Statement.effect=deny". A property counts only with a value that is not zero
// (false, 0, "", [], {} or null): a required property the fake does not know is still sent,
// with its Go field's zero value, and must not count as produced.

// schemaNames maps the contract's component schemas to their names.
func schemaNames(t testing.TB) map[*openapi3.Schema]string {
	names := map[*openapi3.Schema]string{}
	for name, ref := range loadSpec(t).Components.Schemas {
		names[ref.Value] = name
	}
	return names
}

// propertyWalker walks a schema and, optionally, a value of it, naming properties as above.
type propertyWalker struct {
	names   map[*openapi3.Schema]string
	visited map[*openapi3.Schema]bool
	out     map[string]bool
}

func (w *propertyWalker) walk(s *openapi3.Schema, at string, v any, withValue bool) {
	if s == nil {
		return
	}
	if name, ok := w.names[s]; ok {
		at = name
		if !withValue {
			if w.visited[s] {
				return
			}
			w.visited[s] = true
		}
	}
	if withValue && v == nil {
		return
	}
	// Each value of an enumeration counts as a property of its own, "Statement.effect=deny": a
	// value the contract adds is one more thing the fake must be seen to produce.
	for _, e := range s.Enum {
		if !withValue || e == v {
			w.out[fmt.Sprintf("%s=%v", at, e)] = true
		}
	}
	for prop, ref := range s.Properties {
		var pv any
		if withValue {
			obj, _ := v.(map[string]any)
			var present bool
			if pv, present = obj[prop]; !present {
				continue
			}
		}
		if !withValue || !isZeroJSON(pv) {
			w.out[at+"."+prop] = true
		}
		w.walk(ref.Value, at+"."+prop, pv, withValue)
	}
	if s.Items != nil {
		if !withValue {
			w.walk(s.Items.Value, at+"[]", nil, false)
		}
		arr, _ := v.([]any)
		for _, e := range arr {
			w.walk(s.Items.Value, at+"[]", e, true)
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		if !withValue {
			w.walk(ap.Value, at+"{}", nil, false)
		}
		obj, _ := v.(map[string]any)
		for _, e := range obj {
			w.walk(ap.Value, at+"{}", e, true)
		}
	}
}

// jsonResponseSchema is the schema of an operation's JSON answer with status, or nil.
func jsonResponseSchema(op *openapi3.Operation, status int) *openapi3.Schema {
	r := op.Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// responseProperties lists every property of every JSON response schema of the contract.
func responseProperties(t testing.TB) []string {
	w := &propertyWalker{names: schemaNames(t), visited: map[*openapi3.Schema]bool{}, out: map[string]bool{}}
	for _, op := range specOperations(t) {
		for code := range op.Op.Responses.Map() {
			if r := op.Op.Responses.Value(code); r != nil && r.Value != nil {
				if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					w.walk(mt.Schema.Value, op.ID+" "+code, nil, false)
				}
			}
		}
	}
	return sortedKeys(w.out)
}

// producedProperties adds to out the properties a JSON answer holds.
func producedProperties(t testing.TB, s *openapi3.Schema, at string, body []byte, out map[string]bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	w := &propertyWalker{names: schemaNames(t), out: out}
	w.walk(s, at, v, true)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// unproduced lists the response properties no answer through ct has held.
func (ct *contractTransport) unproduced(t testing.TB) []string {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	var missing []string
	for _, p := range responseProperties(t) {
		if !ct.produced[p] {
			missing = append(missing, p)
		}
	}
	return missing
}

// The coverage can fail: a required property the fake sends only as its zero value, and an
// enumeration value it never sends, are not produced.
func TestResponseCoverageCountsOnlyWhatIsSent(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: object
      required: [flag, name, effect]
      properties:
        flag: {type: boolean}
        name: {type: string}
        effect: {type: string, enum: [allow, deny]}
`))
	require.NoError(t, err)
	thing := doc.Components.Schemas["Thing"].Value
	names := map[*openapi3.Schema]string{thing: "Thing"}
	all := &propertyWalker{names: names, visited: map[*openapi3.Schema]bool{}, out: map[string]bool{}}
	all.walk(thing, "op 200", nil, false)
	assert.Equal(t, []string{"Thing.effect", "Thing.effect=allow", "Thing.effect=deny", "Thing.flag", "Thing.name"}, sortedKeys(all.out))

	seen := &propertyWalker{names: names, out: map[string]bool{}}
	seen.walk(thing, "op 200", jsonValue(t, []byte(`{"flag": false, "name": "x", "effect": "allow"}`)), true)
	assert.Equal(t, []string{"Thing.effect", "Thing.effect=allow", "Thing.name"}, sortedKeys(seen.out),
		"flag, sent only as false, and the value deny, never sent, are not produced")
}
