package fake

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// The view cache is bounded by views and by members held, so that a large account (the
// command's fake may hold a million members) does not pin a copy per query; past either bound the
// cache starts over.
const (
	maxViews       = 64
	maxViewMembers = 1 << 22
)

// viewKey names a cached view: the raw filter and sort parameters.
type viewKey struct{ filter, sort string }

// view is the members a filter selects, in a sort's order, as of a memberVersion. Paging
// through 10,000 members one page at a time then filters and sorts once, not once per page.
type view struct {
	version uint64
	members []*memberRec
}

// sortKey is one field of a `sort` parameter.
type sortKey struct {
	byLastSeen bool // else by display name
	desc       bool
}

// parseSort parses a comma-separated list of the contract's sort values (api.MembersSort).
// The switch names every value: a sort the contract adds fails the exhaustive lint here.
func parseSort(s string) ([]sortKey, error) {
	var keys []sortKey
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		var k sortKey
		switch v := api.MembersSort(f); v {
		case api.MembersSortDisplayName:
		case api.MembersSortDisplayNameDesc:
			k.desc = true
		case api.MembersSortLastSeen:
			k.byLastSeen = true
		case api.MembersSortLastSeenDesc:
			k.byLastSeen, k.desc = true, true
		default:
			return nil, fmt.Errorf("unsupported sort %q; use %s", f, joinValues(api.MembersSortValues()))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// compareMembers orders by the keys, then by _id ascending so that the order is total and pages
// never overlap. Members never seen or with no data have _lastSeen 0: the oldest.
func compareMembers(keys []sortKey, a, b *memberRec) int {
	for _, k := range keys {
		c := strings.Compare(a.sortName, b.sortName)
		if k.byLastSeen {
			c = cmp.Compare(a.m.LastSeen, b.m.LastSeen)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.m.ID, b.m.ID)
}

// membersView returns the members selected by filter in the sort's order; the caller holds the
// lock. The result is shared with the cache: read it, never change it.
func (s *state) membersView(rawFilter, rawSort string) ([]*memberRec, error) {
	key := viewKey{rawFilter, rawSort}
	if v, ok := s.views[key]; ok && v.version == s.memberVersion {
		return v.members, nil
	}
	f, err := parseFilter(rawFilter)
	if err != nil {
		return nil, err
	}
	keys, err := parseSort(rawSort)
	if err != nil {
		return nil, err
	}
	out := make([]*memberRec, 0, len(s.memberList))
	for _, r := range s.memberList {
		if f.match(r) {
			out = append(out, r)
		}
	}
	if len(keys) > 0 {
		slices.SortFunc(out, func(a, b *memberRec) int { return compareMembers(keys, a, b) })
	}
	if len(s.views) >= maxViews || s.viewMembers+len(out) > maxViewMembers {
		clear(s.views)
		s.viewMembers = 0
	}
	s.views[key] = &view{version: s.memberVersion, members: out}
	s.viewMembers += len(out)
	return out, nil
}

// joinValues lists an enum's values for an error message: "a, b or c".
func joinValues[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// joinParam is a form array parameter as it was sent: its values joined by commas.
func joinParam[T ~string](p *[]T) string {
	if p == nil {
		return ""
	}
	s := make([]string, len(*p))
	for i, v := range *p {
		s[i] = string(v)
	}
	return strings.Join(s, ",")
}
