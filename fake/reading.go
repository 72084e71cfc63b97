package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// A body is read twice: by the contract check, which takes an object's keys as they are
// spelt, and by the operation, whose encoding/json matches a key to a struct field without
// regard to case and keeps the last of a key named twice. Where the two could read a body
// apart, the check would pass what the operation then does: {"role":"reader","Role":"owner"}
// passes the contract as a reader and invites an owner. oneReading refuses such a body, so
// that both read the same.

// maxDepth bounds the nesting oneReading follows, as encoding/json bounds its own.
const maxDepth = 10000

// oneReading refuses a JSON body in which an object names a key twice, in any case, or names
// one of its schema's properties in another case than the schema's. A body the operation
// does not take (schema nil) is not read: nothing reads it.
func oneReading(body []byte, schema *openapi3.Schema) error {
	if schema == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return readOnce(dec, schema, "", 0)
}

// readOnce reads one JSON value from dec, checking every object in it against s (nil: keys
// against each other only).
func readOnce(dec *json.Decoder, s *openapi3.Schema, at string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("the body nests deeper than %d", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("the body is not JSON: %v", err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]string{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("the body is not JSON: %v", err)
			}
			k, _ := kt.(string)
			f := foldKey(k)
			if prev, ok := seen[f]; ok {
				return fmt.Errorf("%s names %q twice (also as %q): a field may be named once", where(at), k, prev)
			}
			seen[f] = k
			child, err := property(s, k)
			if err != nil {
				return fmt.Errorf("%s: %v", where(at), err)
			}
			if err := readOnce(dec, child, at+"/"+k, depth+1); err != nil {
				return err
			}
		}
	case json.Delim('['):
		var items *openapi3.Schema
		if s != nil && s.Items != nil {
			items = s.Items.Value
		}
		for i := 0; dec.More(); i++ {
			if err := readOnce(dec, items, fmt.Sprintf("%s/%d", at, i), depth+1); err != nil {
				return err
			}
		}
	default:
		return nil // a scalar
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// property is the schema of key k of an object of schema s: its property, or its
// additionalProperties. A key that is a property in another case is refused.
func property(s *openapi3.Schema, k string) (*openapi3.Schema, error) {
	if s == nil {
		return nil, nil
	}
	if p, ok := s.Properties[k]; ok {
		return p.Value, nil
	}
	for name := range s.Properties {
		if foldKey(name) == foldKey(k) {
			return nil, fmt.Errorf("%q is spelt %q", k, name)
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		return ap.Value, nil
	}
	return nil, nil
}

// foldKey maps every rune of k to the smallest of its case-folding orbit, so that two keys
// fold to the same string exactly when strings.EqualFold holds (as encoding/json matches them).
func foldKey(k string) string {
	out := []rune(k)
	for i, r := range out {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		out[i] = least
	}
	return string(out)
}

func where(at string) string {
	if at == "" {
		return "the body"
	}
	return "the body at " + at
}
