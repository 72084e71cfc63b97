package wrapper

import (
	"strings"

	"github.com/ldaccess/ldaccess/api"
)

// params returns the generated client's parameters for q.
func (q MembersQuery) params() *api.GetMembersParams {
	l := int64(cmpOr(q.PageSize, DefaultMembersPageSize))
	p := &api.GetMembersParams{Limit: &l}
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

func (q TokensQuery) params() *api.GetTokensParams {
	l := int64(cmpOr(q.PageSize, DefaultTokensPageSize))
	p := &api.GetTokensParams{Limit: &l}
	if q.ShowAll {
		t := true
		p.ShowAll = &t
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
