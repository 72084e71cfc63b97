package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// memberFilter is a parsed members `filter`: every term given must match.
type memberFilter struct {
	query    string          // lower case; "" for none
	roles    []string        // lower case; nil for none
	ids      map[string]bool // nil for none
	emails   map[string]bool // lower case; nil for none
	team     string          // lower case; "" for none
	noTeam   *bool
	lastSeen *lastSeenFilter
}

// lastSeenFilter is one of {"never":true}, {"noData":true} or {"before":<epoch ms>}.
type lastSeenFilter struct {
	Never  bool   `json:"never"`
	NoData bool   `json:"noData"`
	Before *int64 `json:"before"`
}

// filterField is the contract's filter field named field, matched without regard to case as
// LaunchDarkly does; "" if there is none.
func filterField(field string) api.MembersFilterField {
	for _, v := range api.MembersFilterFieldValues() {
		if strings.EqualFold(string(v), field) {
			return v
		}
	}
	return ""
}

// parseFilter parses `field:value` terms separated by commas. A lastSeen value is a JSON object,
// so commas inside braces do not separate terms.
func parseFilter(s string) (memberFilter, error) {
	var f memberFilter
	for _, term := range splitTerms(s) {
		field, value, ok := strings.Cut(term, ":")
		if !ok {
			return f, fmt.Errorf("filter term %q is not field:value", term)
		}
		field = strings.TrimSpace(field)
		switch filterField(field) {
		case api.MembersFilterFieldQuery:
			f.query = strings.ToLower(value)
		case api.MembersFilterFieldRole:
			f.roles = lowerList(value)
		case api.MembersFilterFieldID:
			f.ids = map[string]bool{}
			for _, id := range strings.Split(value, "|") {
				f.ids[strings.TrimSpace(id)] = true
			}
		case api.MembersFilterFieldEmail:
			f.emails = map[string]bool{}
			for _, e := range lowerList(value) {
				f.emails[e] = true
			}
		case api.MembersFilterFieldTeam:
			f.team = strings.ToLower(strings.TrimSpace(value))
		case api.MembersFilterFieldNoTeam:
			switch strings.ToLower(strings.TrimSpace(value)) {
			case "true":
				f.noTeam = ptr(true)
			case "false":
				f.noTeam = ptr(false)
			default:
				return f, fmt.Errorf("filter noteam must be true or false, not %q", value)
			}
		case api.MembersFilterFieldLastSeen:
			ls, err := parseLastSeen(value)
			if err != nil {
				return f, err
			}
			f.lastSeen = ls
		default:
			return f, fmt.Errorf("unsupported filter field %q; use %s", field, joinValues(api.MembersFilterFieldValues()))
		}
	}
	return f, nil
}

// parseLastSeen accepts exactly one of the three forms.
func parseLastSeen(value string) (*lastSeenFilter, error) {
	var ls lastSeenFilter
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ls); err != nil || dec.InputOffset() != int64(len(strings.TrimRight(value, " "))) {
		return nil, fmt.Errorf(`filter lastSeen must be {"never":true}, {"noData":true} or {"before":<epoch ms>}, not %q`, value)
	}
	n := 0
	for _, set := range []bool{ls.Never, ls.NoData, ls.Before != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf(`filter lastSeen must be {"never":true}, {"noData":true} or {"before":<epoch ms>}, not %q`, value)
	}
	return &ls, nil
}

// splitTerms splits on commas outside braces and drops empty terms.
func splitTerms(s string) []string {
	var terms []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				terms = append(terms, s[start:i])
				start = i + 1
			}
		}
	}
	terms = append(terms, s[start:])
	return slices.DeleteFunc(terms, func(t string) bool { return strings.TrimSpace(t) == "" })
}

func lowerList(v string) []string {
	parts := strings.Split(v, "|")
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.TrimSpace(p))
	}
	return parts
}

// match reports whether the member passes every term.
func (f *memberFilter) match(r *memberRec) bool {
	switch {
	case f.query != "" && !matchesQuery(r, f.query),
		f.roles != nil && !hasAnyRole(r, f.roles),
		f.ids != nil && !f.ids[r.m.ID],
		f.emails != nil && !f.emails[r.lowerEmail],
		f.team != "" && !slices.Contains(r.teamKeys, f.team),
		f.noTeam != nil && *f.noTeam != (len(r.teamKeys) == 0):
		return false
	}
	return f.lastSeen == nil || f.lastSeen.match(r)
}

// matchesQuery: the lower-cased query is part of the member's first, last or full name or
// address.
func matchesQuery(r *memberRec, query string) bool {
	return strings.Contains(r.lowerFirst, query) || strings.Contains(r.lowerLast, query) ||
		strings.Contains(r.lowerFull, query) || strings.Contains(r.lowerEmail, query)
}

// match: the member was never seen, is one LaunchDarkly has no data for, or was last seen
// before the time given, as the filter asks.
func (ls *lastSeenFilter) match(r *memberRec) bool {
	switch {
	case ls.Never:
		return neverSeen(r.m.LastSeen, r.m.PendingInvite, r.m.Verified)
	case ls.NoData:
		return r.m.LastSeen == 0 && !neverSeen(r.m.LastSeen, r.m.PendingInvite, r.m.Verified)
	default:
		return r.m.LastSeen < *ls.Before
	}
}

// neverSeen: a member with no last-seen time who has not accepted an invitation or confirmed
// an address has never been active; one who has is a member LaunchDarkly has no data for.
func neverSeen(lastSeen int64, pendingInvite, verified bool) bool {
	return lastSeen == 0 && (pendingInvite || !verified)
}

// hasAnyRole: the member's role (owner counting as admin too) or one of its custom roles is in
// roles, compared without case.
func hasAnyRole(r *memberRec, roles []string) bool {
	for _, want := range roles {
		if strings.EqualFold(want, r.m.Role) || (want == "admin" && r.m.Role == "owner") {
			return true
		}
		for _, cr := range r.m.CustomRoles {
			if strings.EqualFold(cr, want) {
				return true
			}
		}
	}
	return false
}
