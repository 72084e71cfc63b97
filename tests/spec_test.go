package tests

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// wantOperations is the contract's inventory. Adding or losing an operation is a deliberate
// change: it must be made here too.
var wantOperations = []string{
	"deleteMember", "deleteToken", "getMember", "getMembers", "getToken", "getTokens",
	"patchMember", "patchMembers", "patchToken", "postMemberTeams", "postMembers",
	"postToken", "resetToken",
}

func TestSpecIsValidWithExamples(t *testing.T) {
	doc := loadSpec(t)
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()))
}

func TestSpecOperationInventory(t *testing.T) {
	var got []string
	for _, op := range specOperations(t) {
		got = append(got, op.ID)
	}
	slices.Sort(got)
	assert.Equal(t, wantOperations, got)
}

func TestSpecEverySchemaHasAnExample(t *testing.T) {
	for name, ref := range loadSpec(t).Components.Schemas {
		assert.NotNil(t, ref.Value.Example, "schema %s has no example", name)
	}
}

// schemaTypes maps every schema in the contract to the generated Go type that models it.
var schemaTypes = map[string]any{
	"AccessTokenPost":                 api.AccessTokenPost{},
	"ActionSpecifier":                 api.ActionSpecifier(""),
	"BulkEditMembersRep":              api.BulkEditMembersRep{},
	"ForbiddenErrorRep":               api.ForbiddenErrorRep{},
	"Instruction":                     api.Instruction{},
	"IntegrationMetadata":             api.IntegrationMetadata{},
	"IntegrationStatus":               api.IntegrationStatus{},
	"InvalidRequestErrorRep":          api.InvalidRequestErrorRep{},
	"JSONPatch":                       api.JSONPatch{},
	"LastSeenMetadata":                api.LastSeenMetadata{},
	"Link":                            api.Link{},
	"Links":                           api.Links{},
	"Member":                          api.Member{},
	"MemberExpand":                    api.MemberExpand(""),
	"MemberImportErrorRep":            api.MemberImportErrorRep{},
	"MemberPermissionGrantSummaryRep": api.MemberPermissionGrantSummaryRep{},
	"MemberSummary":                   api.MemberSummary{},
	"MemberTeamSummaryRep":            api.MemberTeamSummaryRep{},
	"MemberTeamsPostInput":            api.MemberTeamsPostInput{},
	"Members":                         api.Members{},
	"MembersFilterField":              api.MembersFilterField(""),
	"MembersSort":                     api.MembersSort(""),
	"NewMemberForm":                   api.NewMemberForm{},
	"NewMemberFormListPost":           api.NewMemberFormListPost{},
	"NotFoundErrorRep":                api.NotFoundErrorRep{},
	"OAuthProviderKind":               api.OAuthProviderKind(""),
	"ObjectId":                        api.ObjectID(""),
	"PatchFailedErrorRep":             api.PatchFailedErrorRep{},
	"PatchOperation":                  api.PatchOperation{},
	"RateLimitedErrorRep":             api.RateLimitedErrorRep{},
	"RoleAttributeValues":             api.RoleAttributeValues{},
	"Statement":                       api.Statement{},
	"StatementPost":                   api.StatementPost{},
	"StatusConflictErrorRep":          api.StatusConflictErrorRep{},
	"Token":                           api.Token{},
	"Tokens":                          api.Tokens{},
	"UnauthorizedErrorRep":            api.UnauthorizedErrorRep{},
	"membersPatchInput":               api.MembersPatchInput{},
}

// Every example must survive a trip through its generated type: no field lost, nothing added,
// and no null where the example has a value. Optional fields are plain values, omitted when
// zero: the contract gives absent and zero the same meaning there, so an optional property
// whose example value is zero may come back absent; any other difference fails.
func TestSchemaExamplesRoundTripThroughGeneratedTypes(t *testing.T) {
	doc := loadSpec(t)
	for name, ref := range doc.Components.Schemas {
		t.Run(name, func(t *testing.T) {
			model, ok := schemaTypes[name]
			require.True(t, ok, "schema %s has no generated type in schemaTypes", name)
			example, err := json.Marshal(ref.Value.Example)
			require.NoError(t, err)

			decoded := reflect.New(reflect.TypeOf(model))
			require.NoError(t, json.Unmarshal(example, decoded.Interface()))
			encoded, err := json.Marshal(decoded.Elem().Interface())
			require.NoError(t, err)

			want, err := json.Marshal(withoutOptionalZeros(ref.Value, jsonValue(t, example)))
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(encoded))
			require.NoError(t, ref.Value.VisitJSON(jsonValue(t, encoded)), "re-encoded example breaks the schema")
		})
	}
	for name := range schemaTypes {
		assert.Contains(t, doc.Components.Schemas, name, "schemaTypes names a schema the contract lacks")
	}
}

// withoutOptionalZeros drops, at every level, the properties schema does not require whose
// value is zero (false, 0, "", [] or {}): what a value-typed optional field leaves out.
func withoutOptionalZeros(schema *openapi3.Schema, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, pv := range v {
			var ps *openapi3.Schema
			if ref := schema.Properties[k]; ref != nil {
				ps = ref.Value
			} else if ap := schema.AdditionalProperties.Schema; ap != nil {
				ps = ap.Value
			}
			if ps != nil {
				pv = withoutOptionalZeros(ps, pv)
			}
			if schema.Properties[k] != nil && !slices.Contains(schema.Required, k) && isZeroJSON(pv) {
				continue
			}
			out[k] = pv
		}
		return out
	case []any:
		if schema.Items == nil {
			return v
		}
		out := make([]any, len(v))
		for i, iv := range v {
			out[i] = withoutOptionalZeros(schema.Items.Value, iv)
		}
		return out
	}
	return v
}

func isZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// An optional field left unset in a request is not sent at all: never as "", 0, false, [] or
// null, which the contract would reject or LaunchDarkly misread. Each request body's zero value
// encodes to its required properties alone.
func TestRequestBodiesOmitUnsetOptionalFields(t *testing.T) {
	doc := loadSpec(t)
	bodies := map[string]bool{}
	for _, op := range specOperations(t) {
		if rb := op.Op.RequestBody; rb != nil {
			for _, mt := range rb.Value.Content {
				collectObjectSchemas(mt.Schema, bodies)
			}
		}
	}
	require.NotEmpty(t, bodies)
	for name := range bodies {
		t.Run(name, func(t *testing.T) {
			schema := doc.Components.Schemas[name].Value
			model, ok := schemaTypes[name]
			require.True(t, ok, "request schema %s has no generated type", name)
			encoded, err := json.Marshal(model)
			require.NoError(t, err)
			for k := range jsonValue(t, encoded).(map[string]any) {
				assert.Contains(t, schema.Required, k, "unset optional property %q is sent", k)
			}
		})
	}
}

// collectObjectSchemas adds the names of the object schemas ref is or holds (array items and
// properties, recursively) to names.
func collectObjectSchemas(ref *openapi3.SchemaRef, names map[string]bool) {
	if ref == nil || ref.Value == nil {
		return
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if names[name] {
			return
		}
		if ref.Value.Type.Is("object") {
			names[name] = true
		}
	}
	collectObjectSchemas(ref.Value.Items, names)
	for _, p := range ref.Value.Properties {
		collectObjectSchemas(p, names)
	}
}

// RFC 6902's null value is a value: the operations the wrapper builds with nil carry
// "value": null, and the contract accepts it.
func TestPatchNullValueMatchesContract(t *testing.T) {
	schema := loadSpec(t).Components.Schemas["PatchOperation"].Value
	for _, op := range []api.PatchOperation{wrapper.Add("/a", nil), wrapper.Replace("/a", nil), wrapper.Test("/a", nil)} {
		encoded, err := json.Marshal(op)
		require.NoError(t, err)
		v := jsonValue(t, encoded).(map[string]any)
		assert.Contains(t, v, "value", "%s without a value member", op.Op)
		require.NoError(t, schema.VisitJSON(v), "%s", encoded)
	}
}
