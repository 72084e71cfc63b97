// Package tests holds the contract tests that hold the generated client, the wrapper and the
// fake server to openapi.yaml.
package tests

import (
	"encoding/json"
	"sort"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess"
)

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// loadSpec parses the embedded contract once for the whole package.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	specOnce.Do(func() {
		specDoc, specErr = openapi3.NewLoader().LoadFromData(ldaccess.OpenAPI)
		if specErr == nil {
			specRouter, specErr = legacy.NewRouter(specDoc)
		}
	})
	require.NoError(t, specErr)
	return specDoc
}

// loadRouter returns a router that finds the contract's operation for a request.
func loadRouter(t testing.TB) routers.Router {
	loadSpec(t)
	return specRouter
}

// specOperation is one operation of the contract.
type specOperation struct {
	ID, Method, Path string
	Op               *openapi3.Operation
	PathItem         *openapi3.PathItem
}

// specOperations lists the contract's operations, sorted by ID.
func specOperations(t testing.TB) []specOperation {
	var ops []specOperation
	for path, item := range loadSpec(t).Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, specOperation{ID: op.OperationID, Method: method, Path: path, Op: op, PathItem: item})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	return ops
}

// parameters returns the operation's parameters, those of its path included.
func (o specOperation) parameters() openapi3.Parameters {
	return append(append(openapi3.Parameters{}, o.PathItem.Parameters...), o.Op.Parameters...)
}

// jsonValue decodes raw JSON into the generic form kin-openapi validates.
func jsonValue(t testing.TB, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}
