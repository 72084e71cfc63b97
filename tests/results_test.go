package tests

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// wrapperMethods names the wrapper's method for each operation of the contract.
var wrapperMethods = map[string]string{
	"getTokens": "ListTokens", "postToken": "CreateToken", "getToken": "GetToken", "patchToken": "PatchToken",
	"deleteToken": "DeleteToken", "resetToken": "ResetToken", "getMembers": "ListMembers",
	"postMembers": "InviteMembers", "patchMembers": "UpdateMembers", "getMember": "GetMember",
	"patchMember": "PatchMember", "deleteMember": "DeleteMember", "postMemberTeams": "AddMemberToTeams",
}

// The wrapper decodes each success into the type the contract gives it: the type of the
// generated response's JSON field for the operation's 2xx status (or that type's Items, for a
// method that returns the list itself). The wrapper names its result types by hand and decodes
// without the generated parser, so a success schema the contract changes would otherwise be
// decoded, silently, into the old type.
func TestWrapperResultsAreTheContractsTypes(t *testing.T) {
	generated := reflect.TypeFor[*api.ClientWithResponses]()
	wrapped := reflect.TypeFor[*wrapper.Client]()
	for _, op := range specOperations(t) {
		t.Run(op.ID, func(t *testing.T) {
			name, ok := wrapperMethods[op.ID]
			require.True(t, ok, "wrapperMethods has no method for %s", op.ID)
			method, ok := wrapped.MethodByName(name)
			require.True(t, ok, "wrapper.Client has no %s", name)
			var resp reflect.Type
			for i := range generated.NumMethod() {
				if out := generated.Method(i).Type.Out(0); out.Kind() == reflect.Pointer &&
					out.Elem().Name() == strings.ToUpper(op.ID[:1])+op.ID[1:]+"Response" {
					resp = out.Elem()
				}
			}
			require.NotNil(t, resp, "api.ClientWithResponses has no method for %s", op.ID)

			var want reflect.Type
			for code, ref := range op.Op.Responses.Map() {
				if !strings.HasPrefix(code, "2") || ref.Value == nil || len(ref.Value.Content) == 0 {
					continue
				}
				f, ok := resp.FieldByName("JSON" + code)
				require.True(t, ok, "%s has no JSON%s", resp.Name(), code)
				want = f.Type.Elem()
			}
			results := method.Type.NumOut() - 1 // the last is the error
			if want == nil {
				assert.Zero(t, results, "%s answers no body, yet wrapper.%s returns a value", op.ID, name)
				return
			}
			require.Equal(t, 1, results, "wrapper.%s returns %d values before its error", name, results)
			got := method.Type.Out(0)
			if items, ok := want.FieldByName("Items"); ok && got == items.Type {
				return
			}
			assert.Equal(t, want, got, "wrapper.%s decodes %s's success into %s; the contract says %s", name, op.ID, got, want)
		})
	}
}
