package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/wrapper"
)

// apiErrorFields names the field of wrapper.APIError that carries each property of the
// contract's error answers.
var apiErrorFields = map[string]string{
	"code": "Code", "message": "Message", "id": "RequestID", "invalid_emails": "InvalidEmails",
}

// Every property of every error answer of the contract reaches the caller through
// wrapper.APIError: a property LaunchDarkly adds to its errors fails here until the wrapper
// reads it (or says here where it goes).
func TestAPIErrorCarriesEveryErrorProperty(t *testing.T) {
	props := map[string]*openapi3.Schema{}
	for _, op := range specOperations(t) {
		for code, ref := range op.Op.Responses.Map() {
			if status, err := strconv.Atoi(code); err != nil || status < 400 || ref.Value == nil {
				continue
			}
			if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				for name, p := range mt.Schema.Value.Properties {
					props[name] = p.Value
				}
			}
		}
	}
	require.NotEmpty(t, props)
	body := map[string]any{}
	for name, s := range props {
		if s.Type.Is("array") {
			body[name] = []string{"someone@example.com"}
		} else {
			body[name] = "x-" + name
		}
	}
	data, err := json.Marshal(body)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	c, err := wrapper.New(testToken, wrapper.WithBaseURL(srv.URL), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.GetMember(context.Background(), "me")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	v := reflect.ValueOf(apiErr).Elem()
	for name := range props {
		field, ok := apiErrorFields[name]
		if !assert.True(t, ok, "the contract's error property %q has no field in wrapper.APIError", name) {
			continue
		}
		assert.False(t, v.FieldByName(field).IsZero(), "wrapper.APIError.%s is not read from the error property %q", field, name)
	}
}
