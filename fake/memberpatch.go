package fake

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ldaccess/ldaccess/api"
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// memberEditable are the member fields a JSON Patch may change: LaunchDarkly lets the API change
// only a member's role and custom roles.
var memberEditable = map[string]bool{"role": true, "customRoles": true}

// assignableRole reports whether a patch may give the built-in role: one the contract lets a
// member be invited with (api.NewMemberFormRole). Ownership is not transferable here.
func assignableRole(role string) bool { return api.NewMemberFormRole(role).Valid() }

// PatchMember applies a JSON Patch to a member's role and custom roles.
func (o *ops) PatchMember(ctx context.Context, req ss.PatchMemberRequestObject) (ss.PatchMemberResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	doc, _ := json.Marshal(r.m)
	out, outcome, msg := applyPatch(doc, callFrom(ctx).body, memberEditable)
	switch outcome {
	case patchInvalid, patchUnapplied:
		return nil, errInvalid(msg)
	case patchTestFailed:
		// A failed test means the member is not what the client last read: an optimistic lock.
		return nil, errConflict(msg)
	}
	var got struct {
		Role        *string  `json:"role"`
		CustomRoles []string `json:"customRoles"`
	}
	if err := json.Unmarshal(out.doc, &got); err != nil {
		return nil, errInvalid("role must be a string and customRoles an array of strings")
	}
	m := r.m
	role := deref(got.Role)
	if got.CustomRoles == nil {
		got.CustomRoles = []string{}
	}
	if aerr := s.decide(who, memberAsks(m, role, got.CustomRoles, out.written)...); aerr != nil {
		return nil, aerr
	}
	if role != m.Role {
		if isOwner(m) {
			return nil, errInvalid("The account owner's role cannot be changed")
		}
		if !assignableRole(role) {
			return nil, errInvalid("role must be one of " + joinValues(api.NewMemberFormRoleValues()))
		}
	}
	if aerr := s.checkCustomRoles(got.CustomRoles); aerr != nil {
		return nil, aerr
	}
	if role != m.Role || !slices.Equal(got.CustomRoles, m.CustomRoles) {
		m.Role, m.CustomRoles = role, got.CustomRoles
		if o.h.scim {
			// Accepted, then overridden by the identity provider: the answer shows the
			// change, the state keeps the old grant.
			return ss.PatchMember200JSONResponse(memberAnswer(&memberRec{m: m}, false)), nil
		}
		s.setMember(r, m)
		s.markApplied("patchMember")
	}
	return ss.PatchMember200JSONResponse(memberAnswer(r, false)), nil
}

// memberAsks are what writing member m's role and custom roles asks: updateRole for a role
// written, updateCustomRole for custom roles written (written names the fields a patch writes;
// a change counts as written), each with what it gives.
func memberAsks(m api.Member, role string, customRoles []string, written map[string]bool) []ask {
	var asks []ask
	if written["role"] {
		asks = append(asks, ask{act: actUpdateRole, on: memberResource(m), give: memberGift(m, role, nil)})
	}
	if written["customRoles"] {
		asks = append(asks, ask{act: actUpdateCustomRole, on: memberResource(m), give: memberGift(m, m.Role, customRoles)})
	}
	return asks
}
