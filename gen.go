// Package ldaccess holds the OpenAPI contract that the rest of the module is generated from
// and tested against. Import [github.com/ldaccess/ldaccess/wrapper] to call LaunchDarkly.
package ldaccess

import _ "embed"

// The generator is pinned in tools.mod, not go.mod, so that library users never see its
// dependencies in their module graph. The go command refuses -modfile in a workspace (go.work):
// run "make generate", or GOWORK=off go generate .
//go:generate go tool -modfile=tools.mod oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go tool -modfile=tools.mod oapi-codegen -config fake/oapi-codegen.yaml openapi.yaml

// OpenAPI is the contract, openapi.yaml, for validators and the fake server.
//
//go:embed openapi.yaml
var OpenAPI []byte
