package fake

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// expansion is a parsed `expand` parameter.
type expansion struct{ customRoles, roleAttributes bool }

// The switch names every value of the contract's api.MemberExpand: a value the contract adds
// fails the exhaustive lint here.
func parseExpand(p *[]api.MemberExpand) (expansion, *apiError) {
	var e expansion
	if p == nil {
		return e, nil
	}
	for _, f := range *p {
		switch f {
		case api.MemberExpandCustomRoles:
			// customRoles (keys) are always present: the contract requires them.
			e.customRoles = true
		case api.MemberExpandRoleAttributes:
			e.roleAttributes = true
		default:
			return e, errInvalid(fmt.Sprintf("unsupported expand %q; use %s", f, joinValues(api.MemberExpandValues())))
		}
	}
	return e, nil
}

// GetMembers lists one page of members, filtered and sorted.
func (o *ops) GetMembers(ctx context.Context, req ss.GetMembersRequestObject) (ss.GetMembersResponseObject, error) {
	p := req.Params
	limit, offset, aerr := pageBounds(p.Limit, p.Offset, defaultMembersLimit)
	if aerr != nil {
		return nil, aerr
	}
	exp, aerr := parseExpand(p.Expand)
	if aerr != nil {
		return nil, aerr
	}
	q := url.Values{}
	for k, v := range map[string]string{"filter": deref(p.Filter), "sort": joinParam(p.Sort), "expand": joinParam(p.Expand)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	all, err := s.membersView(deref(p.Filter), joinParam(p.Sort))
	if err != nil {
		return nil, errInvalid(err.Error())
	}
	page := pageOf(all, limit, offset)
	items := make([]api.Member, len(page))
	for i, r := range page {
		items[i] = memberAnswer(r, exp.roleAttributes)
	}
	return ss.GetMembers200JSONResponse{
		Items:      items,
		Links:      pageLinks("/api/v2/members", q, limit, offset, len(all)),
		TotalCount: len(all),
	}, nil
}

// GetMember returns one member; "me" is the caller.
func (o *ops) GetMember(ctx context.Context, req ss.GetMemberRequestObject) (ss.GetMemberResponseObject, error) {
	exp, aerr := parseExpand(req.Params.Expand)
	if aerr != nil {
		return nil, aerr
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	return ss.GetMember200JSONResponse(memberAnswer(r, exp.roleAttributes)), nil
}

// findMember resolves a member ID or "me"; the caller holds the lock.
func (s *state) findMember(ctx context.Context, id string) (*memberRec, *apiError) {
	if id == "me" {
		id = callFrom(ctx).who.memberID
	}
	r, ok := s.members[id]
	if !ok {
		return nil, errNotFound("Unknown member " + id)
	}
	return r, nil
}

// requireAdmin refuses callers below admin: changing members is an admin's job.
func requireAdmin(ctx context.Context) *apiError {
	if !callFrom(ctx).who.admin() {
		return errForbidden("Only admins may change account members")
	}
	return nil
}

// DeleteMember removes a member. The owner cannot be removed. The member's tokens stay, as
// LaunchDarkly's do, but no longer authenticate.
func (o *ops) DeleteMember(ctx context.Context, req ss.DeleteMemberRequestObject) (ss.DeleteMemberResponseObject, error) {
	if aerr := requireAdmin(ctx); aerr != nil {
		return nil, aerr
	}
	if aerr := o.h.scimRefuses("removed"); aerr != nil {
		return nil, aerr
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	if r.m.ID == s.ownerID {
		return nil, errForbidden("The account owner cannot be removed")
	}
	s.deleteMember(r.m.ID)
	s.markApplied("deleteMember")
	return ss.DeleteMember204Response{}, nil
}

// PostMemberTeams adds the member to each team named, ignoring teams it is already on. An
// unknown team key rejects the whole request.
func (o *ops) PostMemberTeams(ctx context.Context, req ss.PostMemberTeamsRequestObject) (ss.PostMemberTeamsResponseObject, error) {
	if aerr := requireAdmin(ctx); aerr != nil {
		return nil, aerr
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, aerr := s.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	teams, aerr := s.teamSummaries(req.Body.TeamKeys)
	if aerr != nil {
		return nil, aerr
	}
	m := r.m
	var have []api.MemberTeamSummaryRep
	if m.Teams != nil {
		have = m.Teams
	}
	next := append([]api.MemberTeamSummaryRep(nil), have...)
	for _, t := range teams {
		if !containsTeam(next, t.Key) {
			next = append(next, t)
		}
	}
	if len(next) != len(have) {
		m.Teams = next
		s.setMember(r, m)
		s.markApplied("postMemberTeams")
	}
	return ss.PostMemberTeams201JSONResponse(memberAnswer(r, false)), nil
}

func containsTeam(ts []api.MemberTeamSummaryRep, key string) bool {
	for _, t := range ts {
		if strings.EqualFold(t.Key, key) {
			return true
		}
	}
	return false
}

// teamSummaries resolves team keys, without regard to case; the caller holds the lock.
func (s *state) teamSummaries(keys []string) ([]api.MemberTeamSummaryRep, *apiError) {
	out := make([]api.MemberTeamSummaryRep, 0, len(keys))
	var unknown []string
	for _, k := range keys {
		t, ok := s.teams[strings.ToLower(k)]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		out = append(out, teamSummary(t))
	}
	if len(unknown) > 0 {
		return nil, errInvalid("Unknown team keys: " + strings.Join(unknown, ", "))
	}
	return out, nil
}

// checkCustomRoles refuses unknown custom role keys; the caller holds the lock.
func (s *state) checkCustomRoles(keys []string) *apiError {
	var unknown []string
	for _, k := range keys {
		if _, ok := s.roleKeys[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return errInvalid("Unknown custom roles: " + strings.Join(unknown, ", "))
	}
	return nil
}
