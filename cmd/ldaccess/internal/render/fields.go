package render

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// SelectFields keeps only the named top-level fields of v's JSON: of the object, or of each
// object of an array, in the order they were named; the values are kept byte for byte. A name
// no object has is a usage error listing the ones there are, so that a typo in a script fails
// rather than yielding nothing.
func SelectFields(v any, fields []string) (any, error) {
	objects, single, err := jsonObjects(v)
	if err != nil {
		return nil, err
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
				return nil, clierr.Usagef("--fields: no field %q here; the fields are %s", f, strings.Join(names, ", "))
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

// jsonObjects is v's JSON as objects: v's own (single), or each of its array's.
func jsonObjects(v any) (objects []map[string]json.RawMessage, single bool, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, false, err
	}
	data := bytes.TrimSpace(buf.Bytes())
	switch {
	case len(data) > 0 && data[0] == '{':
		var o map[string]json.RawMessage
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, false, err
		}
		return []map[string]json.RawMessage{o}, true, nil
	case len(data) > 0 && data[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, false, err
		}
		for _, e := range list {
			var o map[string]json.RawMessage
			if json.Unmarshal(e, &o) != nil || o == nil {
				return nil, false, clierr.Usagef("--fields: this output is not a list of JSON objects")
			}
			objects = append(objects, o)
		}
		return objects, false, nil
	}
	return nil, false, clierr.Usagef("--fields: this output is not made of JSON objects")
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
