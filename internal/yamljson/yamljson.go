// Package yamljson turns a YAML document into JSON that puts every value on the line where the
// YAML had it, and at its column in block style (in flow style, [a, b], a few columns later). A JSON decoder's error positions (such
// as review.ParsePolicy's) are then the YAML file's, so that one strict JSON reading serves
// both formats and still points people at the right place.
package yamljson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v4"
)

// A SyntaxError is YAML that could not be read, at its line and column (from 1; 0 unknown).
type SyntaxError struct {
	Line, Column int
	Msg          string
}

// Error is the message, without the place (Line and Column say it).
func (e *SyntaxError) Error() string { return e.Msg }

// Convert returns the JSON form of the one YAML document data holds, laid out on the YAML's
// lines. A second document, an alias cycle or a value JSON cannot hold (.inf, a binary) is an
// error; errors in the YAML itself are *SyntaxError.
func Convert(data []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return []byte("null"), nil // an empty file
		}
		return nil, syntaxError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(err)
		}
		return nil, &SyntaxError{Line: more.Line, Column: more.Column, Msg: "more than one YAML document"}
	}
	w := &writer{line: 1, col: 1}
	if err := w.node(&doc, 0); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

func syntaxError(err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		return &SyntaxError{Line: le.Mark.Line, Column: le.Mark.Column, Msg: le.Message}
	}
	return &SyntaxError{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// maxDepth bounds nesting, maxNodes the values written and maxBytes the JSON, aliases
// expanded: no policy needs more, and a few lines of aliases can otherwise stand for billions
// of values, or (each alias of a long string writing it again) gigabytes of text.
const (
	maxDepth = 64
	maxNodes = 1 << 16
	maxBytes = 16 << 20
)

// writer emits JSON, tracking the line and column it has reached.
type writer struct {
	buf       bytes.Buffer
	line, col int
	nodes     int
}

// at moves to line and column with white space, if they are still ahead.
func (w *writer) at(line, col int) {
	if line > w.line {
		w.buf.WriteString(strings.Repeat("\n", line-w.line))
		w.line, w.col = line, 1
	}
	if line == w.line && col > w.col {
		w.buf.WriteString(strings.Repeat(" ", col-w.col))
		w.col = col
	}
}

func (w *writer) write(s string) {
	w.buf.WriteString(s) // JSON from encoding/json holds no raw newline
	w.col += len([]rune(s))
}

func (w *writer) node(n *yaml.Node, depth int) error {
	if w.nodes++; depth > maxDepth || w.nodes > maxNodes || w.buf.Len() > maxBytes {
		return &SyntaxError{Line: n.Line, Column: n.Column, Msg: "nested too deep or too large once aliases are expanded"}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			w.write("null")
			return nil
		}
		return w.node(n.Content[0], depth+1)
	case yaml.AliasNode:
		w.at(n.Line, n.Column)
		return w.node(n.Alias, depth+1)
	case yaml.MappingNode:
		return w.mapping(n, depth)
	case yaml.SequenceNode:
		return w.sequence(n, depth)
	case yaml.ScalarNode:
		return w.scalar(n)
	case yaml.StreamNode:
	}
	return &SyntaxError{Line: n.Line, Column: n.Column, Msg: "not a YAML value"}
}

// A sequence's "[" goes where the writer is, a mapping's "{" two columns before its first key
// (on a "- " when it is an item of a sequence), and a key's opening quote one column before the
// key, so that the key, and the value after "key":, start at their own columns.
func (w *writer) mapping(n *yaml.Node, depth int) error {
	w.at(n.Line, n.Column-2)
	w.write("{")
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			w.write(",")
		}
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return &SyntaxError{Line: k.Line, Column: k.Column, Msg: "a mapping key must be a plain value"}
		}
		key, _ := json.Marshal(k.Value)
		w.at(k.Line, k.Column-1)
		w.write(string(key) + ":")
		if err := w.node(v, depth+1); err != nil {
			return err
		}
	}
	w.write("}")
	return nil
}

func (w *writer) sequence(n *yaml.Node, depth int) error {
	w.write("[")
	for i, v := range n.Content {
		if i > 0 {
			w.write(",")
		}
		if err := w.node(v, depth+1); err != nil {
			return err
		}
	}
	w.write("]")
	return nil
}

// scalar writes a scalar as YAML resolves it: a string, a number, a boolean or null.
func (w *writer) scalar(n *yaml.Node) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return &SyntaxError{Line: n.Line, Column: n.Column, Msg: err.Error()}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return &SyntaxError{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%q cannot be a JSON value", n.Value)}
	}
	w.at(n.Line, n.Column)
	w.write(string(b))
	return nil
}
