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
	if _, aerr := o.reader(ctx); aerr != nil {
		return nil, aerr
	}
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
	_, r, aerr := o.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	return ss.GetMember200JSONResponse(memberAnswer(r, exp.roleAttributes)), nil
}

// reader resolves the request's caller, who may read members and its own member's tokens:
// anyone with some access (decide, with nothing more asked). The caller holds the lock.
func (o *ops) reader(ctx context.Context) (principal, *apiError) {
	who, aerr := o.h.caller(ctx)
	if aerr == nil {
		aerr = o.h.st.decide(who)
	}
	return who, aerr
}

// findMember resolves the request's caller, who may read members, and a member ID or "me" (the
// caller's member). The caller holds the lock.
func (o *ops) findMember(ctx context.Context, id string) (principal, *memberRec, *apiError) {
	s := o.h.st
	who, aerr := o.reader(ctx)
	if aerr != nil {
		return who, nil, aerr
	}
	if id == "me" {
		id = who.member.m.ID
	}
	r, ok := s.members[id]
	if !ok {
		return who, nil, errNotFound("Unknown member " + id)
	}
	return who, r, nil
}

// DeleteMember removes a member. The owner cannot be removed. The member's tokens stay, as
// LaunchDarkly's do, but no longer authenticate.
func (o *ops) DeleteMember(ctx context.Context, req ss.DeleteMemberRequestObject) (ss.DeleteMemberResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, ask{act: actDeleteMember, on: memberResource(r.m)}); aerr != nil {
		return nil, aerr
	}
	if aerr := o.h.scimRefuses("removed"); aerr != nil {
		return nil, aerr
	}
	if isOwner(r.m) {
		return nil, errForbidden("The account owner cannot be removed")
	}
	s.deleteMember(r.m.ID)
	s.markApplied("deleteMember")
	return ss.DeleteMember204Response{}, nil
}

// PostMemberTeams adds the member to each team named, ignoring teams it is already on. An
// unknown team key rejects the whole request.
func (o *ops) PostMemberTeams(ctx context.Context, req ss.PostMemberTeamsRequestObject) (ss.PostMemberTeamsResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findMember(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	teams, aerr := s.teamSummaries(req.Body.TeamKeys)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, s.teamAsks(r.m, teams)...); aerr != nil {
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

// teamAsks are what adding member m to teams asks: updateTeamMembers on each team, giving m the
// custom roles of the teams it was not on, or on team/* if it names none.
func (s *state) teamAsks(m api.Member, teams []api.MemberTeamSummaryRep) []ask {
	if len(teams) == 0 {
		return []ask{{act: actUpdateTeamMembers, on: resource{{"team/*"}}}}
	}
	asks := make([]ask, 0, len(teams))
	for _, t := range teams {
		a := ask{act: actUpdateTeamMembers, on: teamResource(t.Key)}
		if !containsTeam(m.Teams, t.Key) {
			a.give = memberGift(m, m.Role, t.CustomRoleKeys)
		}
		asks = append(asks, a)
	}
	return asks
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
