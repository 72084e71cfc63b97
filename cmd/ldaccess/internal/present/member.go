package present

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/review"
)

// MemberHeader heads a table of members.
var MemberHeader = []string{"id", "email", "name", "role", "teams", "last seen", "mfa", "invite"}

// memberIdentity are the columns that say which member a row is about.
var memberIdentity = []string{"email"}

// MemberRole is the role with any custom roles: "writer", "no_access + flag-editor + qa".
func MemberRole(m review.Member) string {
	return strings.Join(append([]string{m.Role}, m.CustomRoles...), " + ")
}

// MemberSeen is when a member was last seen, or that their invite is pending.
func MemberSeen(m review.Member) string {
	if m.PendingInvite {
		return "invited " + render.Day(m.CreationDate)
	}
	return render.Day(m.LastSeen)
}

// MemberSummary describes a member in a word or two: "Ariel Flores, admin".
func MemberSummary(m api.Member) string {
	rm := review.MemberOf(m)
	if name := rm.Name(); name != "" {
		return name + ", " + MemberRole(rm)
	}
	return MemberRole(rm)
}

// MemberCells are a member's cells under MemberHeader.
func MemberCells(m api.Member, format render.Format) []string {
	invite := ""
	if m.PendingInvite {
		invite = "pending"
	}
	rm := review.MemberOf(m)
	return []string{m.ID, m.Email, rm.Name(), MemberRole(rm), strings.Join(rm.Teams, ","),
		render.TimeCell(format, m.LastSeen), m.MFA, invite}
}

// Members shows members; JSON is the API's representation.
func Members(ms []api.Member, format render.Format) render.View {
	s := render.Section{Header: MemberHeader, Empty: "no members", Identify: memberIdentity}
	for _, m := range ms {
		s.Rows = append(s.Rows, MemberCells(m, format))
	}
	if ms == nil {
		ms = []api.Member{}
	}
	return render.View{JSON: ms, Sections: []render.Section{s}}
}

// Member shows one member.
func Member(m api.Member, format render.Format) render.View {
	h := append(append([]string{}, MemberHeader...), "created", "verified")
	row := append(MemberCells(m, format), render.TimeCell(format, m.CreationDate), fmt.Sprint(m.Verified))
	if m.RoleAttributes != nil {
		var attrs []string
		for k, v := range m.RoleAttributes {
			attrs = append(attrs, k+"="+strings.Join(v, "|"))
		}
		sort.Strings(attrs)
		h = append(h, "role attributes")
		row = append(row, strings.Join(attrs, " "))
	}
	return render.View{JSON: m, Sections: []render.Section{{Header: h, Rows: [][]string{row}, Record: true}}}
}
