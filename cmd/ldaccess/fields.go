package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// selectFields keeps only the named top-level fields of v's JSON: of the object, or of each
// object of an array, in the order they were named. A name no object has is a usage error
// listing the ones there are, so that a typo in a script fails rather than yielding nulls.
func selectFields(v any, fields []string) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var objects []map[string]any
	switch d := doc.(type) {
	case map[string]any:
		objects = append(objects, d)
	case []any:
		for _, e := range d {
			if o, ok := e.(map[string]any); ok {
				objects = append(objects, o)
			}
		}
	default:
		return nil, usagef("--fields: this output is not made of JSON objects")
	}
	present := map[string]bool{}
	for _, o := range objects {
		for k := range o {
			present[k] = true
		}
	}
	if len(objects) > 0 {
		for _, f := range fields {
			if !present[f] {
				names := make([]string, 0, len(present))
				for k := range present {
					names = append(names, k)
				}
				slices.Sort(names)
				return nil, usagef("--fields: no field %q here; the fields are %s", f, strings.Join(names, ", "))
			}
		}
	}
	pick := func(o map[string]any) orderedObject {
		out := make(orderedObject, 0, len(fields))
		for _, f := range fields {
			if val, ok := o[f]; ok {
				out = append(out, field{f, val})
			}
		}
		return out
	}
	if o, ok := doc.(map[string]any); ok {
		return pick(o), nil
	}
	list := make([]any, 0, len(objects))
	for _, e := range doc.([]any) {
		if o, ok := e.(map[string]any); ok {
			list = append(list, pick(o))
		} else {
			list = append(list, e)
		}
	}
	return list, nil
}

type field struct {
	name  string
	value any
}

// orderedObject is a JSON object whose members keep their order.
type orderedObject []field

// MarshalJSON writes the members in order, without escaping HTML characters (as render does).
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(f.name); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(f.value); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
