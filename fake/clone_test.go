package fake

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// fill sets every settable field of v, at every depth, to a value that is not zero: two
// elements in each slice and map, a target for each pointer. A field the contract adds
// tomorrow is filled too, so the copy test below covers it without being told.
func fill(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	//exhaustive:ignore // a walk over reflect.Kind: the kinds not named need nothing
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			if k.Kind() == reflect.String {
				k.SetString(fmt.Sprintf("key%d", i))
			} else {
				fill(k, depth+1)
			}
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Interface:
		if v.NumMethod() == 0 {
			v.Set(reflect.ValueOf("any"))
		}
	case reflect.String:
		v.SetString("s")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	}
}

// shared lists the places, by path, where a and b use the same memory: a slice's array, a map,
// a pointer's target.
func shared(path string, a, b reflect.Value) []string {
	var out []string
	//exhaustive:ignore // a walk over reflect.Kind: the kinds not named need nothing
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
		out = append(out, shared(path, a.Elem(), b.Elem())...)
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
		for i := range min(a.Len(), b.Len()) {
			out = append(out, shared(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))...)
		}
	case reflect.Map:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
		iter := a.MapRange()
		for iter.Next() {
			if bv := b.MapIndex(iter.Key()); bv.IsValid() {
				out = append(out, shared(fmt.Sprintf("%s[%v]", path, iter.Key()), iter.Value(), bv)...)
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			out = append(out, shared(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))...)
		}
	case reflect.Interface:
		if !a.IsNil() && !b.IsNil() {
			out = append(out, shared(path, a.Elem(), b.Elem())...)
		}
	}
	return out
}

// cloneCase runs one of the fake's copies on a value whose every field is filled.
func cloneCase[T any](clone func(T) T) func(t *testing.T) {
	return func(t *testing.T) {
		var orig T
		fill(reflect.ValueOf(&orig).Elem(), 0)
		copied := clone(orig)
		require.Equal(t, orig, copied, "a copy differs from its original")
		assert.Empty(t, shared(reflect.TypeOf(orig).String(), reflect.ValueOf(orig), reflect.ValueOf(copied)),
			"the copy shares memory with the original there: a caller could change the fake's state")
	}
}

// The state shares nothing with callers (clone.go): every copy, filled to the last field of
// the last nested model, shares no memory with what it copied.
func TestCopiesShareNoMemory(t *testing.T) {
	t.Run("member", cloneCase(cloneMember))
	t.Run("token", cloneCase(cloneToken))
	t.Run("team", cloneCase(cloneTeam))
	t.Run("custom role", cloneCase(cloneCustomRole))
	t.Run("role attributes", cloneCase(cloneRoleAttributes))
	t.Run("statements", cloneCase(cloneStatements))
}

// The test above can fail: a copy that keeps a pointer is caught.
func TestSharedFindsAnAlias(t *testing.T) {
	var m api.Member
	fill(reflect.ValueOf(&m).Elem(), 0)
	alias := m
	assert.Contains(t, shared("m", reflect.ValueOf(m), reflect.ValueOf(alias)), "m.IntegrationMetadata")
}
