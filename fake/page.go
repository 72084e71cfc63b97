package fake

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/ldaccess/ldaccess/api"
)

// Page sizes. LaunchDarkly publishes the defaults; the cap is the fake's choice.
const (
	defaultMembersLimit = 20
	defaultTokensLimit  = 25
	maxLimit            = 1000
)

// pageBounds checks limit and offset and applies the default limit.
func pageBounds(limit, offset *int64, def int) (int, int, *apiError) {
	l, o := int64(def), int64(0)
	if limit != nil {
		l = *limit
	}
	if offset != nil {
		o = *offset
	}
	if l < 1 || l > maxLimit {
		return 0, 0, errInvalid(fmt.Sprintf("limit must be between 1 and %d", maxLimit))
	}
	if o < 0 {
		return 0, 0, errInvalid("offset must not be negative")
	}
	return int(l), int(min(o, 1<<40)), nil
}

// pageOf returns the items of one page.
func pageOf[T any](all []T, limit, offset int) []T {
	if offset >= len(all) {
		return all[:0:0]
	}
	return all[offset:min(offset+limit, len(all))]
}

// pageLinks builds a collection's links as LaunchDarkly does: host-relative hrefs carrying the
// query (filter, sort, expand, showAll) with limit and offset; `self` always; `first` and `prev`
// only past the first page; `next` and `last` only before the last page.
func pageLinks(path string, q url.Values, limit, offset, total int) api.Links {
	href := func(off int) api.Link {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", strconv.Itoa(off))
		return link(path + "?" + v.Encode())
	}
	links := api.Links{"self": href(offset)}
	if offset > 0 {
		links["first"] = href(0)
		links["prev"] = href(max(offset-limit, 0))
	}
	if offset+limit < total {
		links["next"] = href(offset + limit)
		// The last page keeps the current page's phase, so that paging by `next` reaches it.
		links["last"] = href(offset + (total-1-offset)/limit*limit)
	}
	return links
}
