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
// count, a short page. A server that does not move on (a link it sent before, a page whose
// items it sent before, whatever they hold, or an empty page short of the total) ends the
// iteration with an error at once rather than a loop. A server that sends new items forever
// is not one the client can tell from a large account: bound such an iteration with ctx.
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
		func(d *memberPage) (api.Members, pageInfo) {
			p := d.Members
			p.Items = d.Items.items
			pi := pageInfo{n: len(p.Items), next: nextHref(p.Links), total: knownTotal(p.TotalCount), sum: d.Items.sum,
				ids: idsHash(p.Items, func(m *api.Member) string { return m.ID })}
			return p, pi
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
		func(d *tokenPage) (api.Tokens, pageInfo) {
			p := d.Tokens
			p.Items = d.Items.items
			pi := pageInfo{n: len(p.Items), next: nextHref(p.Links), total: knownTotal(p.TotalCount), sum: d.Items.sum,
				ids: idsHash(p.Items, func(t *api.Token) string { return t.ID })}
			return p, pi
		})
}

// memberPage and tokenPage decode a page as api.Members and api.Tokens do, with its items'
// hash besides: their Items field takes the place of the embedded one.
type (
	memberPage struct {
		api.Members
		Items hashedItems[api.Member] `json:"items"`
	}
	tokenPage struct {
		api.Tokens
		Items hashedItems[api.Token] `json:"items"`
	}
)

// hashedItems decodes a page's items array and keeps a hash of it as sent, so that the pager
// knows a page by everything in it, whatever the items hold, IDs or not. Hashing the bytes
// already in hand costs a scan of them, not a second encoding.
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

// idsHash hashes the IDs of a page's items, in order, so that a page served again is noticed
// even if a field that changes with every request (a token's lastUsed) makes its text differ.
// It is 0, no hash, if an item has no ID: then the items' text tells pages apart.
func idsHash[T any](items []T, id func(*T) string) uint64 {
	if len(items) == 0 {
		return 0
	}
	sum := uint64(len(items))
	for i := range items {
		s := id(&items[i])
		if s == "" {
			return 0
		}
		sum = (sum ^ maphash.String(idsSeed, s)) * 0x100000001b3
	}
	return sum
}

// pageInfo is what the pager needs to know about a page.
type pageInfo struct {
	n     int    // items on the page
	next  string // the next link's href, or ""
	total int    // the total count, or -1 if not given
	sum   uint64 // the hash of its items, to notice a page served again
	ids   uint64 // the hash of its items' IDs, or 0 if one has none
}

// errNoProgress ends an iteration over a server that keeps answering without moving on.
var errNoProgress = errors.New("pagination is not advancing")

// pages is the one pager behind every page iterator: build makes the request for an offset,
// D is what a page is decoded into, and info turns it into the page P and what the pager needs
// to know of it.
//
// Every iteration ends: each request either moves on to a link never followed before, or to a
// higher offset, and each page must hold items never sent before (IDs in an order never sent,
// or, if an item has no ID, a text never sent); a server that serves pages again, in whatever
// order and under whatever links or offsets, is stopped with an error at the first page it
// repeats.
func pages[D, P any](ctx context.Context, c *Client, op string, offset, limit int,
	build func(offset int) (*http.Request, error), info func(*D) (P, pageInfo)) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		req, err := build(offset)
		seen := newSeen()
		for {
			if err != nil {
				yield(zero, c.opError(op, err))
				return
			}
			var d D
			if err := c.send(c.prepare(ctx, req), op, &d); err != nil {
				yield(zero, err)
				return
			}
			page, pi := info(&d)
			key := pi.ids // a page is known by its IDs, or by its items' text if one has none
			if key == 0 {
				key = pi.sum
			}
			if !seen.page(key) {
				yield(zero, c.opError(op, fmt.Errorf("%w: the server sent a page it had sent before", errNoProgress)))
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
// circles: every next link followed and every page, known by the hash of its items' IDs or,
// if one has none, of its items' text. A loop of any length comes back to one of them. Only
// 64-bit hashes are kept, in one set, so that a long iteration costs a few bytes a page rather
// than the strings themselves. Links are hashed with a seed of their own, random for each
// iteration, items and IDs with theirs, so that no server can choose what collides, and the
// chance that an iteration of n pages is ever wrongly stopped by a collision is below
// 2n²/2⁶⁴: about 10⁻⁷ for a million pages.
type seen struct {
	linkSeed maphash.Seed
	set      map[uint64]struct{}
}

func newSeen() *seen {
	return &seen{linkSeed: maphash.MakeSeed(), set: make(map[uint64]struct{})}
}

// link records a next link and reports whether it is new.
func (s *seen) link(href string) bool { return s.add(maphash.String(s.linkSeed, href)) }

// page records a page's hash and reports whether it is new.
func (s *seen) page(sum uint64) bool { return s.add(sum) }

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
