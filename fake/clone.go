package fake

import (
	"encoding/json"
	"reflect"

	"github.com/ldaccess/ldaccess/api"
)

// The state shares nothing with callers: values go in and out through these deep copies.
// Inside, updates replace slices and maps rather than change them in place (copy on write), so a
// shallow copy taken under the lock stays valid while a response is encoded after it.
//
// The copies are made by deepCopy, which follows the types themselves: a property the contract
// adds to a model is copied as deeply as the rest without a line written here
// (TestCopiesShareNoMemory fills every field to prove it).

func cloneRoleAttributes(p map[string]api.RoleAttributeValues) map[string]api.RoleAttributeValues {
	return deepCopy(p)
}

func cloneMember(m api.Member) api.Member { return deepCopy(m) }

func cloneStatements(p []api.Statement) []api.Statement { return deepCopy(p) }

func cloneToken(t api.Token) api.Token { return deepCopy(t) }

func cloneTeam(t Team) Team { return deepCopy(t) }

func cloneCustomRole(r CustomRole) CustomRole { return deepCopy(r) }

// deepCopy returns a copy of v that shares no memory with it: every pointer, slice and map is
// copied, at every depth; nil stays nil and empty stays empty (the JSON differs).
func deepCopy[T any](v T) T {
	var out T
	copyValue(reflect.ValueOf(&out).Elem(), reflect.ValueOf(&v).Elem())
	return out
}

func copyValue(dst, src reflect.Value) {
	//exhaustive:ignore // a walk over reflect.Kind: the kinds not named need nothing
	switch src.Kind() {
	case reflect.Pointer:
		if !src.IsNil() {
			p := reflect.New(src.Type().Elem())
			copyValue(p.Elem(), src.Elem())
			dst.Set(p)
		}
	case reflect.Slice:
		if !src.IsNil() {
			s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
			for i := range src.Len() {
				copyValue(s.Index(i), src.Index(i))
			}
			dst.Set(s)
		}
	case reflect.Map:
		if !src.IsNil() {
			m := reflect.MakeMapWithSize(src.Type(), src.Len())
			for it := src.MapRange(); it.Next(); {
				e := reflect.New(src.Type().Elem()).Elem()
				copyValue(e, it.Value())
				m.SetMapIndex(it.Key(), e)
			}
			dst.Set(m)
		}
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are; the models have none that refer to memory
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Interface:
		if !src.IsNil() {
			e := reflect.New(src.Elem().Type()).Elem()
			copyValue(e, src.Elem())
			dst.Set(e)
		}
	default:
		dst.Set(src)
	}
}

// reshape reads the JSON of v as a T: what a request says becomes the resource it makes,
// property by property, so that a property the contract gives both is carried over without a
// line written for it.
func reshape[T any](v any) (T, error) {
	var out T
	data, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(data, &out)
	}
	return out, err
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
