package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// instruction is one semantic-patch instruction; which fields apply depends on Kind.
type instruction struct {
	Kind             string          `json:"kind"`
	Value            json.RawMessage `json:"value"`
	Values           []string        `json:"values"`
	MemberIDs        []string        `json:"memberIDs"`
	FilterLastSeen   json.RawMessage `json:"filterLastSeen"`
	FilterQuery      string          `json:"filterQuery"`
	FilterRoles      []string        `json:"filterRoles"`
	FilterTeamKey    string          `json:"filterTeamKey"`
	IgnoredMemberIDs []string        `json:"ignoredMemberIDs"`
}

// change is what one instruction does to one member.
type change func(m *api.Member)

// target is a member and the change to make to it.
type target struct {
	r  *memberRec
	do change
}

// PatchMembers applies a semantic patch. Every instruction is checked before any is applied,
// so a bad one leaves every member as it was (all or nothing).
func (o *ops) PatchMembers(ctx context.Context, req ss.PatchMembersRequestObject) (ss.PatchMembersResponseObject, error) {
	if aerr := requireAdmin(ctx); aerr != nil {
		return nil, aerr
	}
	var in struct {
		Instructions []json.RawMessage `json:"instructions"`
	}
	if err := json.Unmarshal(callFrom(ctx).body, &in); err != nil {
		return nil, errInvalid("the body is not a semantic patch")
	}
	if len(in.Instructions) == 0 {
		return nil, errInvalid("the semantic patch has no instructions")
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	var plan []target
	for i, raw := range in.Instructions {
		var ins instruction
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ins); err != nil {
			return nil, errInvalid(fmt.Sprintf("instruction %d: %s", i, firstLine(err.Error())))
		}
		ts, err := s.planInstruction(ins)
		if err != nil {
			return nil, errInvalid(fmt.Sprintf("instruction %d (%s): %v", i, ins.Kind, err))
		}
		plan = append(plan, ts...)
	}
	// Each member changes once, with every instruction's change to it, so that a member's
	// version moves once per patch.
	ids := []string{}
	next := map[string]*api.Member{}
	recs := map[string]*memberRec{}
	for _, t := range plan {
		id := t.r.m.ID
		if next[id] == nil {
			m := cloneMember(t.r.m)
			next[id], recs[id] = &m, t.r
			ids = append(ids, id)
		}
		t.do(next[id])
	}
	// LaunchDarkly changes the others and names the caller's own member in errors.
	errs := []map[string]string{}
	self := callFrom(ctx).who.memberID
	if i := slices.Index(ids, self); i >= 0 {
		ids = slices.Delete(ids, i, i+1)
		errs = append(errs, map[string]string{self: "you cannot modify your own role"})
	}
	changed := false
	for _, id := range ids {
		r := recs[id]
		if !sameGrant(*next[id], r.m) && !o.h.scim { // under SCIM the identity provider reverts it
			s.setMember(r, *next[id])
			changed = true
		}
	}
	if changed {
		s.markApplied("patchMembers")
	}
	return ss.PatchMembers200JSONResponse{Members: ids, Errors: errs}, nil
}

// sameGrant reports whether role, custom roles and role attributes are unchanged.
func sameGrant(a, b api.Member) bool {
	if a.Role != b.Role || !slices.Equal(a.CustomRoles, b.CustomRoles) {
		return false
	}
	ra, rb := a.RoleAttributes, b.RoleAttributes
	return maps.EqualFunc(ra, rb, func(x, y api.RoleAttributeValues) bool { return slices.Equal(x, y) })
}

// planInstruction checks one instruction and returns the changes it makes; the caller holds
// the lock.
func (s *state) planInstruction(ins instruction) ([]target, error) {
	switch ins.Kind {
	case "replaceMembersRoles", "replaceAllMembersRoles":
		var role string
		if err := json.Unmarshal(ins.Value, &role); err != nil || !assignableRole(role) {
			return nil, fmt.Errorf("value must be one of %s", joinValues(api.NewMemberFormRoleValues()))
		}
		set := func(m *api.Member) { m.Role = role }
		if ins.Kind == "replaceMembersRoles" {
			return s.listed(ins.MemberIDs, set, true)
		}
		return s.matching(ins, set, true)
	case "replaceMembersCustomRoles", "replaceAllMembersCustomRoles":
		if ins.Values == nil {
			return nil, fmt.Errorf("values is required")
		}
		if aerr := s.checkCustomRoles(ins.Values); aerr != nil {
			return nil, fmt.Errorf("%s", aerr.message)
		}
		values := slices.Clone(ins.Values)
		set := func(m *api.Member) { m.CustomRoles = slices.Clone(values) }
		if ins.Kind == "replaceMembersCustomRoles" {
			return s.listed(ins.MemberIDs, set, false)
		}
		return s.matching(ins, set, false)
	case "replaceMembersRoleAttributes":
		var attrs map[string]api.RoleAttributeValues
		if err := json.Unmarshal(ins.Value, &attrs); err != nil || attrs == nil {
			return nil, fmt.Errorf("value must map role attribute keys to lists of strings")
		}
		set := func(m *api.Member) { m.RoleAttributes = cloneRoleAttributes(attrs) }
		return s.listed(ins.MemberIDs, set, false)
	case "":
		return nil, fmt.Errorf("kind is required")
	}
	return nil, fmt.Errorf("unknown instruction kind %q", ins.Kind)
}

// listed targets the members named; every one must exist, and a role change may not touch the
// owner.
func (s *state) listed(ids []string, do change, roleChange bool) ([]target, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("memberIDs is required")
	}
	out := make([]target, 0, len(ids))
	for _, id := range ids {
		r, ok := s.members[id]
		if !ok {
			return nil, fmt.Errorf("unknown member %s", id)
		}
		if roleChange && r.m.ID == s.ownerID {
			return nil, fmt.Errorf("the account owner's role cannot be changed")
		}
		out = append(out, target{r, do})
	}
	return out, nil
}

// matching targets every member the instruction's filters select, but the ignored ones and,
// for a role change, the owner.
func (s *state) matching(ins instruction, do change, roleChange bool) ([]target, error) {
	f := memberFilter{query: strings.ToLower(ins.FilterQuery), team: strings.ToLower(ins.FilterTeamKey)}
	if ins.FilterRoles != nil {
		f.roles = make([]string, len(ins.FilterRoles))
		for i, r := range ins.FilterRoles {
			f.roles[i] = strings.ToLower(r)
		}
	}
	if len(ins.FilterLastSeen) > 0 && string(ins.FilterLastSeen) != "null" {
		raw := ins.FilterLastSeen
		var str string
		if json.Unmarshal(raw, &str) == nil { // also accepted as a JSON string holding the object
			raw = json.RawMessage(str)
		}
		ls, err := parseLastSeen(string(raw))
		if err != nil {
			return nil, fmt.Errorf("filterLastSeen: %v", err)
		}
		f.lastSeen = ls
	}
	ignored := map[string]bool{}
	for _, id := range ins.IgnoredMemberIDs {
		ignored[id] = true
	}
	var out []target
	for _, r := range s.memberList {
		if ignored[r.m.ID] || (roleChange && r.m.ID == s.ownerID) || !f.match(r) {
			continue
		}
		out = append(out, target{r, do})
	}
	return out, nil
}
