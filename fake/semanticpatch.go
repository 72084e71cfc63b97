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

// target is a member and the change to make to it, and what the change asks of the caller.
type target struct {
	r  *memberRec
	do change
	ask
}

// edit is what one instruction does, to each member it selects: the change, its action, and
// what it gives the member.
type edit struct {
	do   change
	act  action
	give func(m api.Member) gift
}

// PatchMembers applies a semantic patch. Every instruction is checked before any is applied,
// so a bad one leaves every member as it was (all or nothing).
func (o *ops) PatchMembers(ctx context.Context, req ss.PatchMembersRequestObject) (ss.PatchMembersResponseObject, error) {
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
	who, aerr := o.h.caller(ctx)
	if aerr != nil {
		return nil, aerr
	}
	plan, asks, aerr := s.plan(in.Instructions)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, asks...); aerr != nil {
		return nil, aerr
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
	self := who.member.m.ID // every principal has a member (state.principal)
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

// plan checks every instruction and returns the changes they make and what they ask of the
// caller: each instruction's action on each member it selects, or on member/* if it selects
// none. The caller holds the lock.
func (s *state) plan(instructions []json.RawMessage) ([]target, []ask, *apiError) {
	var plan []target
	var asks []ask
	for i, raw := range instructions {
		var ins instruction
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ins); err != nil {
			return nil, nil, errInvalid(fmt.Sprintf("instruction %d: %s", i, firstLine(err.Error())))
		}
		ts, err := s.planInstruction(ins)
		if err != nil {
			return nil, nil, errInvalid(fmt.Sprintf("instruction %d (%s): %v", i, ins.Kind, err))
		}
		if len(ts) == 0 {
			asks = append(asks, ask{act: actionOf(ins.Kind), on: resource{{"member/*"}}})
		}
		for _, t := range ts {
			asks = append(asks, t.ask)
		}
		plan = append(plan, ts...)
	}
	return plan, asks, nil
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
		e := edit{do: func(m *api.Member) { m.Role = role }, act: actUpdateRole,
			give: func(m api.Member) gift { return memberGift(m, role, nil) }}
		if ins.Kind == "replaceMembersRoles" {
			return s.listed(ins.MemberIDs, e)
		}
		return s.matching(ins, e)
	case "replaceMembersCustomRoles", "replaceAllMembersCustomRoles":
		if ins.Values == nil {
			return nil, fmt.Errorf("values is required")
		}
		if aerr := s.checkCustomRoles(ins.Values); aerr != nil {
			return nil, fmt.Errorf("%s", aerr.message)
		}
		values := slices.Clone(ins.Values)
		e := edit{do: func(m *api.Member) { m.CustomRoles = slices.Clone(values) }, act: actUpdateCustomRole,
			give: func(m api.Member) gift { return memberGift(m, m.Role, values) }}
		if ins.Kind == "replaceMembersCustomRoles" {
			return s.listed(ins.MemberIDs, e)
		}
		return s.matching(ins, e)
	case "replaceMembersRoleAttributes":
		var attrs map[string]api.RoleAttributeValues
		if err := json.Unmarshal(ins.Value, &attrs); err != nil || attrs == nil {
			return nil, fmt.Errorf("value must map role attribute keys to lists of strings")
		}
		e := edit{do: func(m *api.Member) { m.RoleAttributes = cloneRoleAttributes(attrs) }, act: actUpdateRoleAttributes,
			give: func(api.Member) gift { return gift{} }}
		return s.listed(ins.MemberIDs, e)
	case "":
		return nil, fmt.Errorf("kind is required")
	}
	return nil, fmt.Errorf("unknown instruction kind %q", ins.Kind)
}

// actionOf is the action of an instruction kind.
func actionOf(kind string) action {
	switch kind {
	case "replaceMembersRoles", "replaceAllMembersRoles":
		return actUpdateRole
	case "replaceMembersCustomRoles", "replaceAllMembersCustomRoles":
		return actUpdateCustomRole
	}
	return actUpdateRoleAttributes
}

// target is the target of e on r.
func (e edit) target(r *memberRec) target {
	return target{r: r, do: e.do, ask: ask{act: e.act, on: memberResource(r.m), give: e.give(r.m)}}
}

// spares reports whether e leaves r alone: a role change never touches an owner.
func (e edit) spares(r *memberRec) bool { return e.act == actUpdateRole && isOwner(r.m) }

// listed targets the members named; every one must exist, and a role change may not touch an
// owner.
func (s *state) listed(ids []string, e edit) ([]target, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("memberIDs is required")
	}
	out := make([]target, 0, len(ids))
	for _, id := range ids {
		r, ok := s.members[id]
		if !ok {
			return nil, fmt.Errorf("unknown member %s", id)
		}
		if e.spares(r) {
			return nil, fmt.Errorf("the account owner's role cannot be changed")
		}
		out = append(out, e.target(r))
	}
	return out, nil
}

// matching targets every member the instruction's filters select, but the ignored ones and,
// for a role change, owners.
func (s *state) matching(ins instruction, e edit) ([]target, error) {
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
		if ignored[r.m.ID] || e.spares(r) || !f.match(r) {
			continue
		}
		out = append(out, e.target(r))
	}
	return out, nil
}
