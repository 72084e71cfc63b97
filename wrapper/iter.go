package wrapper

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"net/http"

	"github.com/ldaccess/ldaccess/api"
)

// Members returns an iterator over every member q selects, fetching pages of q.PageSize
// (default [DefaultMembersPageSize]) as the loop needs them. Nothing is fetched until the loop
// starts, and breaking out of it sends no further request. An error is yielded once, with a
// zero member, and ends the iteration:
//
//	for m, err := range c.Members(ctx, wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"admin"}}}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(m.Email)
//	}
//
// Pages are followed through the next link LaunchDarkly returns, which must stay on the
// client's host; without one, by offset until the total count or, when the server gives no
// count, a short page. A server that
// does not move on (a link or a page it sent before, or an empty page short of the total)
// ends the iteration with an error rather than a loop.
func (c *Client) Members(ctx context.Context, q MembersQuery) iter.Seq2[api.Member, error] {
	return items(c.MemberPages(ctx, q), func(p *api.Members) []api.Member { return p.Items })
}

// MemberPages is [Client.Members] a page at a time, for callers that want the total count or
// to process members in batches.
func (c *Client) MemberPages(ctx context.Context, q MembersQuery) iter.Seq2[api.Members, error] {
	return pages(ctx, c, "getMembers", q.Offset, cmpOr(q.PageSize, DefaultMembersPageSize),
		func(offset int) (*http.Request, error) {
			q.Offset = offset
			return api.NewGetMembersRequest(c.server, q.params())
		},
		func(p *api.Members) pageInfo {
			pi := pageInfo{n: len(p.Items), next: nextHref(p.Links), total: knownTotal(p.TotalCount)}
			if len(p.Items) > 0 {
				pi.firstID = p.Items[0].ID
			}
			return pi
		})
}

// Tokens returns an iterator over the access tokens q selects, a page of q.PageSize (default
// [DefaultTokensPageSize]) at a time; it behaves as [Client.Members] does.
func (c *Client) Tokens(ctx context.Context, q TokensQuery) iter.Seq2[api.Token, error] {
	return items(c.TokenPages(ctx, q), func(p *api.Tokens) []api.Token { return p.Items })
}

// TokenPages is [Client.Tokens] a page at a time.
func (c *Client) TokenPages(ctx context.Context, q TokensQuery) iter.Seq2[api.Tokens, error] {
	return pages(ctx, c, "getTokens", q.Offset, cmpOr(q.PageSize, DefaultTokensPageSize),
		func(offset int) (*http.Request, error) {
			q.Offset = offset
			return api.NewGetTokensRequest(c.server, q.params())
		},
		func(p *api.Tokens) pageInfo {
			pi := pageInfo{n: len(p.Items), next: nextHref(p.Links), total: knownTotal(p.TotalCount)}
			if len(p.Items) > 0 {
				pi.firstID = p.Items[0].ID
			}
			return pi
		})
}

// pageInfo is what the pager needs to know about a page.
type pageInfo struct {
	n       int    // items on the page
	next    string // the next link's href, or ""
	total   int    // the total count, or -1 if not given
	firstID string // the first item's ID, to notice a page served twice
}

// errNoProgress ends an iteration over a server that keeps answering without moving on.
var errNoProgress = errors.New("pagination is not advancing")

// pages is the one pager behind every page iterator: build makes the request for an offset,
// info describes a page.
func pages[P any](ctx context.Context, c *Client, op string, offset, limit int,
	build func(offset int) (*http.Request, error), info func(*P) pageInfo) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		req, err := build(offset)
		seen := newSeen()
		for {
			if err != nil {
				yield(zero, c.opError(op, err))
				return
			}
			var page P
			if err := c.send(c.prepare(ctx, req), op, &page); err != nil {
				yield(zero, err)
				return
			}
			pi := info(&page)
			if pi.firstID != "" && !seen.page(pi.firstID) {
				yield(zero, c.opError(op, fmt.Errorf("%w: the server sent the same page twice", errNoProgress)))
				return
			}
			if !yield(page, nil) {
				return
			}
			offset += pi.n
			switch {
			case pi.next != "":
				switch {
				case pi.n == 0:
					err = fmt.Errorf("%w: an empty page links to a next one", errNoProgress)
				case !seen.link(pi.next):
					err = fmt.Errorf("%w: the next link leads back to a page already read", errNoProgress)
				default:
					req, err = c.linkRequest(ctx, pi.next)
				}
			case pi.total >= 0: // trust the count over the page size, which a server may cap
				if offset >= pi.total {
					return
				}
				if pi.n == 0 {
					err = fmt.Errorf("%w: an empty page at offset %d of %d", errNoProgress, offset, pi.total)
					break
				}
				req, err = build(offset)
			case pi.n < limit:
				return // a short page is the last
			default:
				req, err = build(offset)
			}
		}
	}
}

// seen remembers what an iteration has met, to notice a server that sends it round in
// circles: every next link followed and every page, known by its first item's ID. A loop of
// any length comes back to one of them. Only a 64-bit hash of each is kept, in one set, so
// that a long iteration costs a few bytes a page rather than the strings themselves. Links
// and IDs are hashed with different seeds, so that a link and an ID spelt alike are not
// taken for each other. The seeds are random for each iteration, so no server can choose
// strings that collide, and the chance that an iteration of n pages is ever wrongly stopped
// by a collision is below n²/2⁶⁴: about 5·10⁻⁸ for a million pages.
type seen struct {
	linkSeed, pageSeed maphash.Seed
	set                map[uint64]struct{}
}

func newSeen() *seen {
	return &seen{linkSeed: maphash.MakeSeed(), pageSeed: maphash.MakeSeed(), set: make(map[uint64]struct{})}
}

// link records a next link and reports whether it is new.
func (s *seen) link(href string) bool { return s.add(maphash.String(s.linkSeed, href)) }

// page records a page's first item ID and reports whether it is new.
func (s *seen) page(firstID string) bool { return s.add(maphash.String(s.pageSeed, firstID)) }

func (s *seen) add(h uint64) bool {
	if _, ok := s.set[h]; ok {
		return false
	}
	s.set[h] = struct{}{}
	return true
}

// linkRequest makes the request for a server-supplied link, refusing any that leaves the
// client's scheme and host: the next request would carry the token there.
func (c *Client) linkRequest(ctx context.Context, href string) (*http.Request, error) {
	u, err := c.base.Parse(href)
	if err != nil {
		return nil, fmt.Errorf("invalid next link: %w", err)
	}
	if !ownOrigin(c.base, u) || u.User != nil {
		return nil, fmt.Errorf("next link leads to another host (%s://%s); not followed", u.Scheme, u.Host)
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
}

func nextHref(l api.Links) string {
	return l["next"].Href
}

// knownTotal is a page's total count, or -1 if it gave none: an absent count decodes as 0,
// which pageInfo must not read as "no items", though a page that is empty ends the loop anyway.
func knownTotal(n int) int { return cmpOr(n, -1) }

// items flattens an iterator over pages into one over their items.
func items[P, T any](pages iter.Seq2[P, error], of func(*P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range of(&page) {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}
