package tests

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

const (
	server     = "https://app.launchdarkly.com"
	testToken  = "api-00000000-1111-2222-3333-444444444444"
	apiVersion = "20240415"
)

func ptr[T any](v T) *T { return &v }

// fullRequests builds, for every operation, a request through the generated client with every
// parameter and every body property set.
var fullRequests = map[string]func() (*http.Request, error){
	"getTokens": func() (*http.Request, error) {
		return api.NewGetTokensRequest(server, &api.GetTokensParams{
			ShowAll: ptr(true), Limit: ptr[int64](25), Offset: ptr[int64](50), LDAPIVersion: ptr(apiVersion),
		})
	},
	"postToken": func() (*http.Request, error) {
		return api.NewPostTokenRequest(server, &api.PostTokenParams{LDAPIVersion: ptr(apiVersion)}, api.AccessTokenPost{
			Name:              "deploy-bot",
			Description:       "Used by the deploy pipeline",
			Role:              api.AccessTokenPostRoleWriter,
			CustomRoleIDs:     []string{"5f1a2b3c4d5e6f7a8b9c0d1e"},
			InlineRole:        []api.StatementPost{fullStatementPost()},
			ServiceToken:      true,
			DefaultAPIVersion: 20240415,
		})
	},
	"getToken": func() (*http.Request, error) {
		return api.NewGetTokenRequest(server, "61095542756dba551110ae21", &api.GetTokenParams{LDAPIVersion: ptr(apiVersion)})
	},
	"patchToken": func() (*http.Request, error) {
		return api.NewPatchTokenRequest(server, "61095542756dba551110ae21", &api.PatchTokenParams{LDAPIVersion: ptr(apiVersion)},
			api.JSONPatch{{Op: "replace", Path: "/role", Value: api.PatchValueOf("reader")}})
	},
	"deleteToken": func() (*http.Request, error) {
		return api.NewDeleteTokenRequest(server, "61095542756dba551110ae21", &api.DeleteTokenParams{LDAPIVersion: ptr(apiVersion)})
	},
	"resetToken": func() (*http.Request, error) {
		return api.NewResetTokenRequest(server, "61095542756dba551110ae21", &api.ResetTokenParams{
			Expiry: ptr[int64](1700000000000), LDAPIVersion: ptr(apiVersion),
		})
	},
	"getMembers": func() (*http.Request, error) {
		return api.NewGetMembersRequest(server, &api.GetMembersParams{
			Limit: ptr[int64](20), Offset: ptr[int64](40), Filter: ptr("query:ariel,role:admin|writer"),
			Expand: &[]api.MemberExpand{api.MemberExpandCustomRoles, api.MemberExpandRoleAttributes}, Sort: &[]api.MembersSort{api.MembersSortLastSeenDesc}, LDAPIVersion: ptr(apiVersion),
		})
	},
	"postMembers": func() (*http.Request, error) {
		return api.NewPostMembersRequest(server, &api.PostMembersParams{LDAPIVersion: ptr(apiVersion)}, api.NewMemberFormListPost{{
			Email:          "sandy@acme.com",
			Password:       "correct horse battery staple",
			FirstName:      "Sandy",
			LastName:       "Chen",
			Role:           api.NewMemberFormRoleWriter,
			CustomRoles:    []string{"flag-editor"},
			TeamKeys:       []string{"platform"},
			RoleAttributes: map[string]api.RoleAttributeValues{"projects": {"default"}},
		}})
	},
	"patchMembers": func() (*http.Request, error) {
		return api.NewPatchMembersRequestWithApplicationJSONDomainModelLaunchdarklySemanticpatchBody(server,
			&api.PatchMembersParams{LDAPIVersion: ptr(apiVersion)}, api.MembersPatchInput{
				Comment: "quarterly review",
				Instructions: []api.Instruction{{
					"kind": "replaceMembersRoles", "value": "reader", "memberIDs": []string{"569f183514f4432160000007"},
				}},
			})
	},
	"getMember": func() (*http.Request, error) {
		return api.NewGetMemberRequest(server, "me", &api.GetMemberParams{Expand: &[]api.MemberExpand{api.MemberExpandRoleAttributes}, LDAPIVersion: ptr(apiVersion)})
	},
	"patchMember": func() (*http.Request, error) {
		return api.NewPatchMemberRequest(server, "569f183514f4432160000007", &api.PatchMemberParams{LDAPIVersion: ptr(apiVersion)},
			api.JSONPatch{{Op: "replace", Path: "/role", Value: api.PatchValueOf("writer")}})
	},
	"deleteMember": func() (*http.Request, error) {
		return api.NewDeleteMemberRequest(server, "569f183514f4432160000007", &api.DeleteMemberParams{LDAPIVersion: ptr(apiVersion)})
	},
	"postMemberTeams": func() (*http.Request, error) {
		return api.NewPostMemberTeamsRequest(server, "569f183514f4432160000007", &api.PostMemberTeamsParams{LDAPIVersion: ptr(apiVersion)},
			api.MemberTeamsPostInput{TeamKeys: []string{"platform", "security"}})
	},
}

func fullStatementPost() api.StatementPost {
	return api.StatementPost{
		Resources:    []string{"proj/*:env/test:flag/*"},
		NotResources: []string{"proj/*:env/production:flag/*"},
		Actions:      []api.ActionSpecifier{"updateOn"},
		NotActions:   []api.ActionSpecifier{"deleteFlag"},
		Effect:       api.StatementPostEffectAllow,
	}
}

// requireAPIKey is the contract's security check: the raw token, no Bearer prefix.
func requireAPIKey(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "ApiKey" {
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	got := in.RequestValidationInput.Request.Header.Get("Authorization")
	if !strings.HasPrefix(got, "api-") {
		return fmt.Errorf("Authorization must hold the raw access token")
	}
	return nil
}

// validateRequest checks req against the contract, security included, leaving its body readable.
func validateRequest(t testing.TB, req *http.Request) *openapi3filter.RequestValidationInput {
	t.Helper()
	route, pathParams, err := loadRouter(t).FindRoute(req)
	require.NoError(t, err, "no route for %s %s", req.Method, req.URL)
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: requireAPIKey},
	}
	require.NoError(t, openapi3filter.ValidateRequest(req.Context(), in))
	return in
}

func TestGeneratedRequestsMatchTheContract(t *testing.T) {
	for _, op := range specOperations(t) {
		t.Run(op.ID, func(t *testing.T) {
			build, ok := fullRequests[op.ID]
			require.True(t, ok, "operation %s has no request case", op.ID)
			req, err := build()
			require.NoError(t, err)
			req.Header.Set("Authorization", testToken)

			var body []byte
			if req.Body != nil {
				body, err = io.ReadAll(req.Body)
				require.NoError(t, err)
				req.Body = io.NopCloser(bytes.NewReader(body))
			}
			in := validateRequest(t, req)
			assert.Equal(t, op.ID, in.Route.Operation.OperationID)

			for _, p := range op.parameters() {
				assert.True(t, parameterSet(req, in.PathParams, p.Value), "parameter %s (%s) not sent", p.Value.Name, p.Value.In)
			}
			if rb := op.Op.RequestBody; rb != nil {
				for mediaType, content := range rb.Value.Content {
					assert.Equal(t, mediaType, req.Header.Get("Content-Type"))
					assert.Empty(t, unsetProperties("", content.Schema.Value, jsonValue(t, body)), "body properties not set")
				}
			}
		})
	}
}

func parameterSet(req *http.Request, pathParams map[string]string, p *openapi3.Parameter) bool {
	switch p.In {
	case openapi3.ParameterInPath:
		return pathParams[p.Name] != ""
	case openapi3.ParameterInQuery:
		return req.URL.Query().Has(p.Name)
	case openapi3.ParameterInHeader:
		return req.Header.Get(p.Name) != ""
	}
	return false
}

// unsetProperties lists the properties schema declares that value leaves out, at any depth, so
// that a request case that "sets everything" provably does.
func unsetProperties(at string, schema *openapi3.Schema, value any) []string {
	var missing []string
	switch v := value.(type) {
	case map[string]any:
		for name, prop := range schema.Properties {
			child, ok := v[name]
			if !ok {
				missing = append(missing, at+"/"+name)
				continue
			}
			missing = append(missing, unsetProperties(at+"/"+name, prop.Value, child)...)
		}
	case []any:
		if schema.Items != nil {
			for _, item := range v {
				missing = append(missing, unsetProperties(at+"/*", schema.Items.Value, item)...)
			}
		}
	}
	return missing
}
