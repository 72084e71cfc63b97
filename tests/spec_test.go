package tests

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
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
	"MemberImportErrorRep":            api.MemberImportErrorRep{},
	"MemberPermissionGrantSummaryRep": api.MemberPermissionGrantSummaryRep{},
	"MemberSummary":                   api.MemberSummary{},
	"MemberTeamSummaryRep":            api.MemberTeamSummaryRep{},
	"MemberTeamsPostInput":            api.MemberTeamsPostInput{},
	"Members":                         api.Members{},
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
// and no null where the example has a value.
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

			assert.JSONEq(t, string(example), string(encoded))
			require.NoError(t, ref.Value.VisitJSON(jsonValue(t, encoded)), "re-encoded example breaks the schema")
		})
	}
	for name := range schemaTypes {
		assert.Contains(t, doc.Components.Schemas, name, "schemaTypes names a schema the contract lacks")
	}
}
