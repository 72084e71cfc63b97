package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatedParams reads the generated client's parameter structs: per type name, the Go type
// of the field that carries each parameter, keyed "query name" or "header name".
func generatedParams(t *testing.T, file string) map[string]map[string]ast.Expr {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	require.NoError(t, err)
	out := map[string]map[string]ast.Expr{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || !strings.HasSuffix(ts.Name.Name, "Params") {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		fields := map[string]ast.Expr{}
		for _, fld := range st.Fields.List {
			if fld.Tag == nil {
				continue
			}
			tag, err := strconv.Unquote(fld.Tag.Value)
			require.NoError(t, err)
			if name, _, ok := strings.Cut(reflect.StructTag(tag).Get("form"), ","); ok || name != "" {
				fields["query "+name] = fld.Type
			} else if name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ","); name != "" {
				fields["header "+strings.ToLower(name)] = fld.Type
			}
		}
		out[ts.Name.Name] = fields
		return false
	})
	return out
}

// An optional parameter the caller leaves unset is not sent. The generator makes optional
// fields plain values (prefer-skip-optional-pointer), and the client sends a plain value's
// zero as it is (search=, expiry=0, showAll=false): every optional query or header parameter
// must be a pointer, which openapi.yaml asks for with x-go-type-skip-optional-pointer: false.
// A parameter LaunchDarkly adds fails here until it has it.
func TestGeneratedClientSendsNoUnsetParameter(t *testing.T) {
	params := generatedParams(t, "../api/api.gen.go")
	for _, op := range specOperations(t) {
		typeName := strings.ToUpper(op.ID[:1]) + op.ID[1:] + "Params"
		for _, p := range op.parameters() {
			if p.Value.Required || (p.Value.In != openapi3.ParameterInQuery && p.Value.In != openapi3.ParameterInHeader) {
				continue
			}
			key := p.Value.In + " " + p.Value.Name
			if p.Value.In == openapi3.ParameterInHeader {
				key = strings.ToLower(key)
			}
			t.Run(op.ID+" "+p.Value.Name, func(t *testing.T) {
				fields, ok := params[typeName]
				require.True(t, ok, "api has no %s", typeName)
				typ, ok := fields[key]
				require.True(t, ok, "api.%s has no field for the %s", typeName, key)
				_, pointer := typ.(*ast.StarExpr)
				assert.True(t, pointer, "api.%s's field for the %s is not a pointer: the generated client sends it, "+
					"as its zero value, on every request that leaves it unset. Give the parameter "+
					"`x-go-type-skip-optional-pointer: false` in openapi.yaml, then make generate.", typeName, key)
			})
		}
	}
}
