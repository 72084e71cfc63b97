package wrapper

import (
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// params returns the generated client's parameters for q, asking for defaultLimit items if
// q.PageSize is zero and defaultLimit is not.
func (q MembersQuery) params(defaultLimit int) *api.GetMembersParams {
	p := new(api.GetMembersParams)
	if n := cmpOr(q.PageSize, defaultLimit); n > 0 {
		l := int64(n)
		p.Limit = &l
	}
	if q.Offset > 0 {
		o := int64(q.Offset)
		p.Offset = &o
	}
	if f := q.Filter.String(); f != "" {
		p.Filter = &f
	}
	if len(q.Expand) > 0 {
		e := strings.Join(q.Expand, ",")
		p.Expand = &e
	}
	if q.Sort != "" {
		s := q.Sort
		p.Sort = &s
	}
	return p
}

func (q TokensQuery) params(defaultLimit int) *api.GetTokensParams {
	p := new(api.GetTokensParams)
	if q.ShowAll {
		t := true
		p.ShowAll = &t
	}
	if n := cmpOr(q.PageSize, defaultLimit); n > 0 {
		l := int64(n)
		p.Limit = &l
	}
	if q.Offset > 0 {
		o := int64(q.Offset)
		p.Offset = &o
	}
	return p
}

func cmpOr(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}
