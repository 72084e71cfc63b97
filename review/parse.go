package review

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// A ParseError is a policy or a plan that cannot be used, with where: the file (when the
// caller named it), the line and the column (from 1) of the value at fault.
type ParseError struct {
	// What is "policy", "plan" or "review".
	What string
	File string
	// Line and Column are 0 when the place is unknown (a file cut short is at its end).
	Line, Column int
	Err          error
}

// Error is "file:line:column: what" when the file is named, else "policy: line L, column C: what".
func (e *ParseError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.File != "":
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d, column %d: %v", e.What, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.What, e.Err)
}

// Unwrap returns what was wrong, without the place.
func (e *ParseError) Unwrap() error { return e.Err }

// decodeStrict decodes the one JSON value data holds into v. An unknown or repeated member, a
// second value or a value of the wrong type is an error at its line and column, so that a
// misspelt or stray part of a file people edit is never silently ignored. Names are matched
// exactly, as they are written.
func decodeStrict(data []byte, what, file string, v any) error {
	return decode(data, what, file, v, true)
}

// probeReport reads what says which document data is: its review format, and whether it
// holds several accounts' reviews. Everything else is left for decodeStrict.
func probeReport(data []byte, file string) (format int, multi bool, err error) {
	var probe struct {
		Format   int            `json:"reviewFormat"`
		Accounts jsontext.Value `json:"accounts"`
	}
	if err := decode(data, "review", file, &probe, false); err != nil {
		return 0, false, err
	}
	return probe.Format, probe.Accounts != nil, nil
}

func decode(data []byte, what, file string, v any, strict bool) error {
	err := json.Unmarshal(data, v, json.RejectUnknownMembers(strict))
	if err == nil {
		return nil
	}
	off := int64(-1)
	var se *json.SemanticError
	var xe *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		off, err = se.ByteOffset, semanticMessage(se)
		if errors.Is(se.Err, json.ErrUnknownName) && off >= 0 && off < int64(len(data)) && data[off] == '"' {
			off++ // at the name itself, not its quote
		}
	case errors.As(err, &xe):
		off, err = xe.ByteOffset, errors.New(strings.TrimPrefix(xe.Err.Error(), "jsontext: "))
		if errors.Is(xe.Err, io.ErrUnexpectedEOF) {
			err = errors.New("the file ends before the JSON does")
		}
	}
	return positioned(data, what, file, off, err)
}

// semanticMessage says what was wrong with a value, in the words of the file: the member's
// path, what it held and what it should have held.
func semanticMessage(se *json.SemanticError) error {
	where := string(se.JSONPointer)
	switch {
	case se.Err != nil && errors.Is(se.Err, json.ErrUnknownName):
		return fmt.Errorf("unknown field %q", se.JSONPointer.LastToken())
	case se.Err != nil:
		return fmt.Errorf("%s: %v", where, se.Err)
	case se.GoType != nil:
		return fmt.Errorf("%s: a JSON %s cannot be a %s", where, se.JSONKind, se.GoType)
	}
	return fmt.Errorf("%s: invalid", where)
}

// positioned makes err a ParseError at byte off of data (none when off < 0).
func positioned(data []byte, what, file string, off int64, err error) error {
	pe := &ParseError{What: what, File: file, Err: err}
	if off >= 0 && off <= int64(len(data)) {
		pe.Line, pe.Column = lineColumn(data, int(off))
	}
	return pe
}

// lineColumn turns a byte offset into a line and a column (in characters), both from 1. The
// offset of a value is where its first non-space character is.
func lineColumn(data []byte, off int) (line, col int) {
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// offsetOf returns the byte offset at which the value at pointer (such as "/rules/2") starts in
// data, or -1 if data holds none.
func offsetOf(data []byte, pointer string) int64 {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	for {
		prev := dec.InputOffset() // the token read next starts after this (and some space)
		if _, err := dec.ReadToken(); err != nil {
			return -1
		}
		if string(dec.StackPointer()) == pointer {
			return prev
		}
	}
}
