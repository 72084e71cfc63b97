package fake

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// maxInvites is LaunchDarkly's limit on members invited by one request.
const maxInvites = 50

// PostMembers invites members, all or none: the first problem found rejects the request.
func (o *ops) PostMembers(ctx context.Context, req ss.PostMembersRequestObject) (ss.PostMembersResponseObject, error) {
	forms := *req.Body
	if len(forms) == 0 {
		return nil, errInvalid("No members to invite")
	}
	if len(forms) > maxInvites {
		return nil, errInvalid(fmt.Sprintf("At most %d members may be invited at once, not %d", maxInvites, len(forms)))
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, aerr := o.h.caller(ctx)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, s.inviteAsks(forms)...); aerr != nil {
		return nil, aerr
	}
	if aerr := o.h.scimRefuses("invited"); aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkInvites(forms); aerr != nil {
		return nil, aerr
	}
	now := o.h.now()
	items := make([]api.Member, 0, len(forms))
	for _, f := range forms {
		teams, _ := s.teamSummaries(f.TeamKeys)
		role := "no_access" // custom roles alone define what such a member may do
		if f.Role != "" {
			role = string(f.Role)
		}
		m := api.Member{
			ID: s.ids.next(now), Email: strings.TrimSpace(f.Email), Role: role,
			FirstName: f.FirstName, LastName: f.LastName,
			PendingInvite: true, Verified: false, LastSeen: 0, MFA: "disabled",
			CustomRoles: slices.Clone(f.CustomRoles), CreationDate: now.UnixMilli(),
			RoleAttributes: cloneRoleAttributes(f.RoleAttributes), Version: 1,
			ExcludedDashboards: []string{},
		}
		if len(teams) > 0 {
			m.Teams = teams
		}
		r := s.insertMember(normalizeMember(m, now, s))
		items = append(items, memberAnswer(r, false))
	}
	s.markApplied("postMembers")
	return ss.PostMembers201JSONResponse{
		Items:      items,
		Links:      selfLink("/api/v2/members"),
		TotalCount: len(items),
	}, nil
}

// inviteAsks are what inviting asks, per member: createMember, giving its role, its custom
// roles and those of its teams; updateTeamMembers on each of its teams; and
// updateMemberRoleAttributes on it if it comes with role attributes. Unknown teams are
// checkInvites' to refuse.
func (s *state) inviteAsks(forms []api.NewMemberForm) []ask {
	var asks []ask
	for _, f := range forms {
		roles := slices.Clone(f.CustomRoles)
		for _, k := range f.TeamKeys {
			roles = append(roles, s.teams[strings.ToLower(k)].CustomRoleKeys...)
			asks = append(asks, ask{act: actUpdateTeamMembers, on: teamResource(k)})
		}
		if len(f.RoleAttributes) > 0 {
			asks = append(asks, ask{act: actUpdateRoleAttributes, on: newMemberResource(f.Email)})
		}
		g := gift{role: string(f.Role), customRoles: roles}
		asks = append(asks, ask{act: actCreateMember, on: newMemberResource(f.Email), give: g})
	}
	return asks
}

// checkInvites finds the first reason to reject the invitations; the caller holds the lock.
// Conflicting addresses are reported together, in invalid_emails.
func (s *state) checkInvites(forms []api.NewMemberForm) *apiError {
	if bad := invalidAddresses(forms); len(bad) > 0 {
		return importError("invalid_request", "Invalid email addresses", bad)
	}
	for _, f := range forms {
		if aerr := s.checkForm(f); aerr != nil {
			return aerr
		}
	}
	if dups := repeatedAddresses(forms); len(dups) > 0 {
		return importError("duplicate_email", "The request names these addresses more than once", dups)
	}
	var exist, taken []string
	for _, f := range forms {
		e := strings.ToLower(strings.TrimSpace(f.Email))
		if _, ok := s.emails[e]; ok {
			exist = append(exist, f.Email)
		} else if s.taken[e] {
			taken = append(taken, f.Email)
		}
	}
	if len(exist) > 0 {
		return importError("email_already_exists_in_account", "Some of the addresses already belong to members of this account", exist)
	}
	if len(taken) > 0 {
		return importError("email_taken_in_different_account", "Some of the addresses belong to members of another account", taken)
	}
	return nil
}

// invalidAddresses are the forms' addresses that are not bare addresses: a display name,
// comment or quoted local part would name the member, in policies too, by something other
// than the address it has.
func invalidAddresses(forms []api.NewMemberForm) []string {
	var bad []string
	for _, f := range forms {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
			bad = append(bad, f.Email)
		}
	}
	return bad
}

// checkForm: the invitation gives some access, with custom roles and teams that exist.
func (s *state) checkForm(f api.NewMemberForm) *apiError {
	if f.Role == "" && len(f.CustomRoles) == 0 {
		return importError("invalid_request", "Each member needs a role or customRoles: "+f.Email, []string{f.Email})
	}
	if aerr := s.checkCustomRoles(f.CustomRoles); aerr != nil {
		return importError(aerr.code, aerr.message, []string{f.Email})
	}
	if _, aerr := s.teamSummaries(f.TeamKeys); aerr != nil {
		return importError(aerr.code, aerr.message, []string{f.Email})
	}
	return nil
}

// repeatedAddresses are the addresses named more than once, compared without case, each
// reported once.
func repeatedAddresses(forms []api.NewMemberForm) []string {
	seen := map[string]int{}
	var dups []string
	for _, f := range forms {
		e := strings.ToLower(strings.TrimSpace(f.Email))
		seen[e]++
		if seen[e] == 2 {
			dups = append(dups, f.Email)
		}
	}
	return dups
}

func importError(code, msg string, emails []string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: msg, invalidEmails: emails}
}
