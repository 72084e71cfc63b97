package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// patchOp is one RFC 6902 operation as sent, kept raw: re-encoding the generated type would
// drop a null value.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	From  string          `json:"from"`
	Value json.RawMessage `json:"value"`
}

// patchOutcome says how applying a patch went wrong, for the operation to pick its status.
type patchOutcome int

const (
	patchOK         patchOutcome = iota
	patchInvalid                 // malformed, or touches a field that may not change: 400
	patchTestFailed              // a `test` operation failed
	patchUnapplied               // a well-formed operation that cannot be applied to the document
)

// patched is a document after a JSON Patch, and the top-level fields the patch writes,
// whether or not their values change: each asks its action (see Authorization).
type patched struct {
	doc     []byte
	written map[string]bool
}

// applyPatch applies the JSON Patch in body to doc, a JSON object. Operations other than
// `test` may only touch the top-level fields editable allows (by name); `_`-fields never.
// Fields listed in editable but absent from doc are added as null first, so that `replace` works
// on an optional field that is not set.
func applyPatch(doc []byte, body []byte, editable map[string]bool) (patched, patchOutcome, string) {
	var ops []patchOp
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ops); err != nil {
		return patched{}, patchInvalid, "the body is not a JSON Patch array"
	}
	if len(ops) == 0 {
		return patched{}, patchInvalid, "the patch is empty"
	}
	written := map[string]bool{}
	for _, op := range ops {
		if msg := checkOp(op, editable, written); msg != "" {
			return patched{}, patchInvalid, msg
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		return patched{}, patchInvalid, "internal: document is not an object"
	}
	for f := range editable {
		if _, ok := m[f]; !ok {
			m[f] = json.RawMessage("null")
		}
	}
	full, _ := json.Marshal(m)
	p, err := jsonpatch.DecodePatch(body)
	if err != nil {
		return patched{}, patchInvalid, firstLine(err.Error())
	}
	out, err := p.Apply(full)
	switch {
	case errors.Is(err, jsonpatch.ErrTestFailed):
		return patched{}, patchTestFailed, firstLine(err.Error())
	case err != nil:
		return patched{}, patchUnapplied, firstLine(err.Error())
	}
	return patched{doc: out, written: written}, patchOK, ""
}

// checkOp says what is wrong with one operation, or "", and records in written the top-level
// fields it changes.
func checkOp(op patchOp, editable, written map[string]bool) string {
	// RFC 6902 §4: add, replace and test carry a value (null is one; absent is not), move
	// and copy a from. A test without a value is malformed, not a test of absence.
	switch {
	case op.Value == nil && (op.Op == "add" || op.Op == "replace" || op.Op == "test"):
		return fmt.Sprintf("a %s operation needs a value", op.Op)
	case op.From == "" && (op.Op == "move" || op.Op == "copy"):
		return fmt.Sprintf("a %s operation needs a from", op.Op)
	}
	var changed []string
	switch op.Op {
	case "add", "remove", "replace", "copy": // copy only reads its `from`
		changed = []string{op.Path}
	case "move":
		changed = []string{op.Path, op.From}
	case "test":
	default:
		return fmt.Sprintf("unknown patch operation %q", op.Op)
	}
	for _, p := range changed {
		f := topField(p)
		if !editable[f] {
			return fmt.Sprintf("%s is not editable", p)
		}
		written[f] = true
	}
	return ""
}

// topField is the first segment of a JSON Pointer, unescaped: "/customRoles/0" → "customRoles".
func topField(pointer string) string {
	p, ok := strings.CutPrefix(pointer, "/")
	if !ok {
		return ""
	}
	f, _, _ := strings.Cut(p, "/")
	return strings.ReplaceAll(strings.ReplaceAll(f, "~1", "/"), "~0", "~")
}
