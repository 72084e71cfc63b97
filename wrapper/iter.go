package wrapper

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"net/http"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
// count, a short page. Every iteration ends: a server that does not move on (a link it sent
// before, a page whose items it sent before, whatever they hold, or an empty page short of
// the total) ends it with an error at once rather than a loop. A server that sends new items
// forever is not one the client can tell from a large account: bound such an iteration with ctx.
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
		func(m *api.Member) string { return m.ID },
		func(p *page[api.Member]) api.Members {
			return api.Members{Links: p.Links, Items: p.Items.items, TotalCount: p.TotalCount}
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
		func(t *api.Token) string { return t.ID },
		func(p *page[api.Token]) api.Tokens {
			return api.Tokens{Links: p.Links, Items: p.Items.items, TotalCount: p.TotalCount}
		})
}

// page decodes a page as api.Members and api.Tokens do, with its items' hash besides.
type page[T any] struct {
	Links      api.Links      `json:"_links"`
	Items      hashedItems[T] `json:"items"`
	TotalCount int            `json:"totalCount"`
}

// hashedItems decodes a page's items array and keeps a hash of it as sent, so that the pager
// knows a page by everything in it, IDs or not. Hashing the bytes in hand costs a scan of
// them, not a second encoding.
type hashedItems[T any] struct {
	items []T
	sum   uint64 // maphash of the items' JSON text
}

// itemsSeed and idsSeed seed the hashes of pages' items and of their IDs: random for each
// process and never shown, so that no server can choose pages that collide.
var itemsSeed, idsSeed = maphash.MakeSeed(), maphash.MakeSeed()

// UnmarshalJSONFrom implements json.UnmarshalerFrom (go-json-experiment), with the options
// of the page's decoding.
func (h *hashedItems[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	h.sum, h.items = maphash.Bytes(itemsSeed, raw), nil
	return jsonv2.Unmarshal(raw, &h.items, dec.Options())
}

// key is what the pager knows a page by: the hash of its items' IDs, in order, so that a
// page served again is noticed even if a field that changes with every request (a token's
// lastUsed) makes its text differ; or, if an item has no ID, the hash of the items' text.
func (h *hashedItems[T]) key(id func(*T) string) uint64 {
	if len(h.items) == 0 {
		return h.sum
	}
	sum := uint64(len(h.items))
	for i := range h.items {
		s := id(&h.items[i])
		if s == "" {
			return h.sum
		}
		sum = (sum ^ maphash.String(idsSeed, s)) * 0x100000001b3
	}
	return sum
}

// errNoProgress ends an iteration over a server that keeps answering without moving on.
var errNoProgress = errors.New("pagination is not advancing")

// pages is the one pager behind every page iterator: build makes the request for an offset,
// id names an item, and of turns a decoded page into the P it yields.
//
// Every iteration ends: each request either moves on to a link never followed before, or to a
// higher offset, and each page must hold items never sent before (IDs in an order never sent,
// or, if an item has no ID, a text never sent); a server that serves pages again, in whatever
// order and under whatever links or offsets, is stopped with an error at the first page it
// repeats.
func pages[T, P any](ctx context.Context, c *Client, op string, offset, limit int,
	build func(offset int) (*http.Request, error), id func(*T) string, of func(*page[T]) P) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		req, err := build(offset)
		seen := newSeen()
		for {
			if err != nil {
				yield(zero, c.opError(op, err))
				return
			}
			var d page[T]
			if err := c.send(c.prepare(ctx, req), op, &d); err != nil {
				yield(zero, err)
				return
			}
			if !seen.page(d.Items.key(id)) {
				yield(zero, c.opError(op, fmt.Errorf("%w: the server sent a page it had sent before", errNoProgress)))
				return
			}
			if !yield(of(&d), nil) {
				return
			}
			n, next := len(d.Items.items), d.Links["next"].Href
			offset += n
			switch {
			case next != "":
				switch {
				case n == 0:
					err = fmt.Errorf("%w: an empty page links to a next one", errNoProgress)
				case !seen.link(next):
					err = fmt.Errorf("%w: the next link leads back to a page already read", errNoProgress)
				default:
					req, err = c.linkRequest(ctx, next)
				}
			case d.TotalCount > 0: // trust the count over the page size, which a server may cap
				if offset >= d.TotalCount {
					return
				}
				if n == 0 {
					err = fmt.Errorf("%w: an empty page at offset %d of %d", errNoProgress, offset, d.TotalCount)
					break
				}
				req, err = build(offset)
			case n < limit:
				return // a short page is the last; an absent count decodes as 0
			default:
				req, err = build(offset)
			}
		}
	}
}

// seen remembers what an iteration has met, to notice a server that sends it round in
// circles: every next link followed and every page's key. A loop of any length comes back to
// one of them. Only 64-bit hashes are kept, in one set, so that a long iteration costs a few
// bytes a page. Links are hashed with a seed of their own, random for each iteration, so that
// no server can choose what collides, and the chance that an iteration of n pages is ever
// wrongly stopped by a collision is below 2n²/2⁶⁴: about 10⁻⁷ for a million pages.
type seen struct {
	linkSeed maphash.Seed
	set      map[uint64]struct{}
}

func newSeen() *seen { return &seen{linkSeed: maphash.MakeSeed(), set: make(map[uint64]struct{})} }

// link records a next link and reports whether it is new.
func (s *seen) link(href string) bool { return s.page(maphash.String(s.linkSeed, href)) }

// page records a page's key and reports whether it is new.
func (s *seen) page(key uint64) bool {
	if _, ok := s.set[key]; ok {
		return false
	}
	s.set[key] = struct{}{}
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
