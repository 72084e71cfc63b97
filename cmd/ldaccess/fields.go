package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// selectFields keeps only the named top-level fields of v's JSON: of the object, or of each
// object of an array, in the order they were named; the values are kept byte for byte. A name
// no object has is a usage error listing the ones there are, so that a typo in a script fails
// rather than yielding nothing.
func selectFields(v any, fields []string) (any, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	data := bytes.TrimSpace(buf.Bytes())
	var objects []map[string]json.RawMessage
	var list []json.RawMessage
	single := false
	switch {
	case len(data) > 0 && data[0] == '{':
		var o map[string]json.RawMessage
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		objects, single = append(objects, o), true
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, err
		}
		for _, e := range list {
			var o map[string]json.RawMessage
			if json.Unmarshal(e, &o) == nil && o != nil {
				objects = append(objects, o)
			} else {
				return nil, usagef("--fields: this output is not a list of JSON objects")
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
	pick := func(o map[string]json.RawMessage) orderedObject {
		out := make(orderedObject, 0, len(fields))
		for _, f := range fields {
			if val, ok := o[f]; ok {
				out = append(out, field{f, val})
			}
		}
		return out
	}
	if single {
		return pick(objects[0]), nil
	}
	out := make([]orderedObject, 0, len(objects))
	for _, o := range objects {
		out = append(out, pick(o))
	}
	return out, nil
}

type field struct {
	name  string
	value json.RawMessage
}

// orderedObject is a JSON object whose members keep their order.
type orderedObject []field

// MarshalJSON writes the members in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(f.name)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(f.value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
