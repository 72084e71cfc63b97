package fake

import (
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// ops implements the generated strict-server interface over the handler's state: the member
// operations live in members.go, invite.go, memberpatch.go and semanticpatch.go, the token
// operations in tokens.go. Errors are *apiError values that Handler.opError writes in
// LaunchDarkly's format, so that no operation spells out a generated type per error status.
type ops struct{ h *Handler }

var _ ss.StrictServerInterface = (*ops)(nil)
