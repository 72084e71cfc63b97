// Package present says how each thing the command shows looks in each format: a token, a
// member, a review's findings, a plan and its outcomes — one place per noun, so that every
// command shows a token the same way. Each function returns a render.View.
package present

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// TokenHeader heads a table of tokens.
var TokenHeader = []string{"id", "name", "owner", "access", "kind", "created", "last used"}

// tokenIdentity are the columns that say which token a row is about.
var tokenIdentity = []string{"id", "name"}

// TokenOwner is the owner's email when the token carries its member summary, else its ID.
func TokenOwner(t api.Token) string {
	if t.Member.ID == t.OwnerID && t.Member.Email != "" {
		return t.Member.Email
	}
	return t.OwnerID
}

// TokenKind is "service" or "personal".
func TokenKind(t api.Token) string {
	if t.ServiceToken {
		return "service"
	}
	return "personal"
}

// TokenAccess says in a few words what a token may do.
func TokenAccess(t api.Token) string {
	var parts []string
	if t.Role != "" {
		parts = append(parts, t.Role)
	}
	if len(t.CustomRoleIDs) > 0 {
		ids := append([]string(nil), t.CustomRoleIDs...)
		sort.Strings(ids)
		parts = append(parts, "custom roles: "+strings.Join(ids, " "))
	}
	if len(t.InlineRole) > 0 {
		parts = append(parts, "inline policy: "+describePolicy(t.InlineRole))
	}
	return strings.Join(parts, "; ") // nothing: "", which a table shows as "-"
}

// describePolicy renders an inline policy compactly: "allow * on proj/*; deny deleteFlag on *".
func describePolicy(stmts []api.Statement) string {
	var parts []string
	for _, s := range stmts {
		actions := strings.Join(s.Actions, ",")
		if actions == "" && len(s.NotActions) > 0 {
			actions = "all but " + strings.Join(s.NotActions, ",")
		}
		resources := strings.Join(s.Resources, ",")
		if resources == "" && len(s.NotResources) > 0 {
			resources = "all but " + strings.Join(s.NotResources, ",")
		}
		parts = append(parts, fmt.Sprintf("%s %s on %s", s.Effect, orDash(actions), orDash(resources)))
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TokenCells are a token's cells under TokenHeader.
func TokenCells(t api.Token, format render.Format) []string {
	return []string{t.ID, t.Name, TokenOwner(t), TokenAccess(t), TokenKind(t),
		render.TimeCell(format, t.CreationDate), render.TimeCell(format, t.LastUsed)}
}

// Tokens shows tokens whose secrets are already masked; JSON is the API's representation.
func Tokens(ts []api.Token, format render.Format) render.View {
	s := render.Section{Header: TokenHeader, Empty: "no tokens", Identify: tokenIdentity}
	for _, t := range ts {
		s.Rows = append(s.Rows, TokenCells(t, format))
	}
	if ts == nil {
		ts = []api.Token{}
	}
	return render.View{JSON: ts, Sections: []render.Section{s}}
}

// Token shows one token. secret is its full secret, after create or reset, or "": the output
// then holds it exactly once (in JSON, the API's "token" field).
func Token(t api.Token, format render.Format, secret string) render.View {
	if format == render.JSON && secret != "" {
		t.Secret = secret
		return render.View{JSON: t}
	}
	h := append(append([]string{}, TokenHeader...), "description", "member", "default api version")
	row := append(TokenCells(t, format), t.Description, t.MemberID, apiVersionCell(t.DefaultAPIVersion))
	if secret != "" {
		h = append(h, "secret")
		row = append(row, secret)
	}
	return render.View{JSON: t, Sections: []render.Section{{Header: h, Rows: [][]string{row}, Record: true}}}
}

func apiVersionCell(v int) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprint(v)
}

// Deleted reports the deletion of a token or member.
func Deleted(what, id string) render.View {
	return render.View{
		JSON:     map[string]any{"id": id, "deleted": true},
		Sections: []render.Section{{Header: []string{"id", "deleted"}, Rows: [][]string{{id, "true"}}}},
		Text:     fmt.Sprintf("deleted %s %s", what, id),
	}
}
