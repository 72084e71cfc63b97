package api

import "encoding/json"

// PatchValue is the value of a JSON Patch operation. RFC 6902 requires a value member for
// add, replace and test, even when it is null, and has none for remove, move and copy, so
// "no value" and "null" must differ: the zero PatchValue has no value and is left out of the
// operation; PatchValueOf(nil) is sent as null.
type PatchValue struct {
	v   any
	set bool
}

// PatchValueOf returns a PatchValue holding v, which is encoded with encoding/json.
func PatchValueOf(v any) PatchValue { return PatchValue{v: v, set: true} }

// Get returns the value and whether there is one.
func (p PatchValue) Get() (v any, ok bool) { return p.v, p.set }

// IsZero reports whether p holds no value, for the omitzero option: an operation without a
// value has no "value" member.
func (p PatchValue) IsZero() bool { return !p.set }

// MarshalJSON encodes the value; a PatchValue with none encodes as null.
func (p PatchValue) MarshalJSON() ([]byte, error) { return json.Marshal(p.v) }

// UnmarshalJSON decodes any JSON value, null included, as a value that is present.
func (p *PatchValue) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = PatchValue{v: v, set: true}
	return nil
}
