package fake

import (
	"net/http"

	"github.com/ldaccess/ldaccess/api"
)

// LaunchDarkly documents that removing and inviting members "will not work if SCIM is enabled
// for the account", and that with SAML SSO or SCIM "requests to update account members will
// succeed, but the IdP will override the update shortly afterwards". It publishes no error
// body for the refusal; the fake answers 403 forbidden with a message naming SCIM, and
// reverts role changes at once rather than shortly afterwards.

// scimMessage is the refusal's message; clients recognise the identity provider by it.
const scimMessage = "Members of this account are managed by SCIM through an identity provider and cannot be "

// manageBySCIM gives every member the _integrationMetadata of an identity provider.
func (h *Handler) manageBySCIM() {
	h.scim = true
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	now := h.now().UnixMilli()
	for _, r := range s.memberList {
		r.m.IntegrationMetadata = &api.IntegrationMetadata{
			ExternalID:     "idp-" + r.m.ID,
			ExternalStatus: api.IntegrationStatus{Display: "In sync", Value: "in_sync"},
			ExternalURL:    "https://idp.example/admin/users/" + r.m.ID,
			LastChecked:    now,
		}
	}
	s.memberVersion++
}

// scimRefuses refuses a removal or an invitation while SCIM manages the members.
func (h *Handler) scimRefuses(what string) *apiError {
	if !h.scim {
		return nil
	}
	return &apiError{status: http.StatusForbidden, code: "forbidden", message: scimMessage + what + " through the API; make the change in the identity provider"}
}
