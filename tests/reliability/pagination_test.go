package reliability

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/wrapper"
)

// pageSize is the page size the iterators below ask for; every hostile page is full.
const pageSize = 2

// iterators are the four ways of going through a collection, each counting what it yielded
// until the first error.
var iterators = []struct {
	name, collection string
	run              func(ctx context.Context, c *wrapper.Client) (items int, err error)
}{
	{"Members", "members", func(ctx context.Context, c *wrapper.Client) (int, error) {
		return drain(c.Members(ctx, wrapper.MembersQuery{PageSize: pageSize}), func(any) int { return 1 })
	}},
	{"MemberPages", "members", func(ctx context.Context, c *wrapper.Client) (int, error) {
		return drain(c.MemberPages(ctx, wrapper.MembersQuery{PageSize: pageSize}), func(p any) int { return pageSize })
	}},
	{"Tokens", "tokens", func(ctx context.Context, c *wrapper.Client) (int, error) {
		return drain(c.Tokens(ctx, wrapper.TokensQuery{PageSize: pageSize}), func(any) int { return 1 })
	}},
	{"TokenPages", "tokens", func(ctx context.Context, c *wrapper.Client) (int, error) {
		return drain(c.TokenPages(ctx, wrapper.TokensQuery{PageSize: pageSize}), func(p any) int { return pageSize })
	}},
}

func drain[T any](seq iter.Seq2[T, error], weight func(any) int) (int, error) {
	n := 0
	for v, err := range seq {
		if err != nil {
			return n, err
		}
		n += weight(v)
	}
	return n, nil
}

// TestIteratorsEndOnARepeatedPage: a server that serves the same page again and again is
// stopped with an error at the second time, whatever the page's items hold (IDs missing, null,
// empty or repeated) and however its links and count try to keep the client going: the same
// items under ever new next links, an offset echoed back in the links, or a count that never
// runs out. The guard is the page itself, not its first item's ID. A runaway iteration is cut
// off by a 400 after maxRequests.
func TestIteratorsEndOnARepeatedPage(t *testing.T) {
	const maxRequests = 50
	items := map[string]string{
		"IDs missing":  `{"email":"a@example.com","role":"reader"}`,
		"IDs null":     `{"_id":null,"email":"a@example.com","role":"reader"}`,
		"IDs empty":    `{"_id":"","email":"a@example.com","role":"reader"}`,
		"IDs repeated": `{"_id":"x1","email":"a@example.com","role":"reader"}`,
		"items empty":  `{}`,
	}
	// links returns the page's _links and totalCount members for a request at offset.
	pagings := map[string]func(collection string, offset int) string{
		"no links, no count": func(string, int) string { return `"_links":{}` },
		"a count never reached": func(string, int) string {
			return `"_links":{},"totalCount":1000000000`
		},
		"a new next link each time": func(col string, off int) string {
			return `"_links":{"next":{"href":"/api/v2/` + col + `?limit=2&offset=` + strconv.Itoa(off+pageSize) + `"}}`
		},
		"the offset echoed in self, count never reached": func(col string, off int) string {
			return `"_links":{"self":{"href":"/api/v2/` + col + `?offset=` + strconv.Itoa(off) + `"}},"totalCount":1000000000`
		},
	}
	for _, it := range iterators {
		for itemsName, item := range items {
			for pagingName, paging := range pagings {
				t.Run(it.name+"/"+itemsName+"/"+pagingName, func(t *testing.T) {
					var rt countingRT
					h := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
						if n > maxRequests {
							return memResponse(r, 400, jsonHeader("application/json"), `{"code":"runaway","message":"too many requests"}`)
						}
						off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
						body := `{"items":[` + item + `,` + item + `],` + paging(it.collection, off) + `}`
						return memResponse(r, 200, jsonHeader("application/json"), body)
					}), &instantClock{}, fastPolicy())
					n, err := it.run(context.Background(), h.c)
					h.check(err)
					require.Error(t, err, "the iteration ended without an error after %d requests", rt.n)
					assert.Contains(t, err.Error(), "pagination is not advancing")
					assert.True(t, strings.HasPrefix(err.Error(), "ldaccess: get"+strings.ToUpper(it.collection[:1])+it.collection[1:]+": "), err.Error())
					assert.Equal(t, 2, rt.n, "requests before the repeated page was noticed")
					assert.Equal(t, pageSize, n, "items yielded: the first page only")
				})
			}
		}
	}
}

// TestIteratorsEndOnARepeatedPageThatChanges: a stuck server whose items carry a field that
// changes with every request, as a token's lastUsed does, serves the same page in other words;
// the same IDs in the same order are that page again.
func TestIteratorsEndOnARepeatedPageThatChanges(t *testing.T) {
	for _, it := range iterators {
		t.Run(it.name, func(t *testing.T) {
			var rt countingRT
			h := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
				if n > 50 {
					return memResponse(r, 400, jsonHeader("application/json"), `{"code":"runaway","message":"too many requests"}`)
				}
				item := func(id string) string {
					return `{"_id":"` + id + `","lastUsed":` + strconv.Itoa(n) + `,"_lastSeen":` + strconv.Itoa(n) + `}`
				}
				body := `{"items":[` + item("a") + `,` + item("b") + `],"_links":{}}`
				return memResponse(r, 200, jsonHeader("application/json"), body)
			}), &instantClock{}, fastPolicy())
			n, err := it.run(context.Background(), h.c)
			h.check(err)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "pagination is not advancing")
			assert.Equal(t, 2, rt.n)
			assert.Equal(t, pageSize, n)
		})
	}
}

// TestIteratorsFollowDistinctPagesWithoutIDs: the guard does not stop a server whose pages
// differ, even when no item has an ID: pages are told apart by all they hold.
func TestIteratorsFollowDistinctPagesWithoutIDs(t *testing.T) {
	for _, it := range iterators {
		t.Run(it.name, func(t *testing.T) {
			var rt countingRT
			h := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
				off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				item := func(i int) string { return `{"email":"m` + strconv.Itoa(off+i) + `@example.com"}` }
				body := `{"items":[` + item(0) + `,` + item(1) + `],"_links":{},"totalCount":10}`
				return memResponse(r, 200, jsonHeader("application/json"), body)
			}), &instantClock{}, fastPolicy())
			n, err := it.run(context.Background(), h.c)
			require.NoError(t, h.check(err))
			assert.Equal(t, 10, n)
			assert.Equal(t, 5, rt.n)
		})
	}
}

// FuzzIteratorEnds: a server that answers every request with the same body, whatever it is,
// gets at most two requests from any iterator, which then ends, with or without an error.
func FuzzIteratorEnds(f *testing.F) {
	f.Add(`{"items":[{"_id":"a"},{"_id":"b"}],"_links":{},"totalCount":99}`)
	f.Add(`{"items":[{},{}],"_links":{"next":{"href":"/api/v2/members?offset=2"}}}`)
	f.Add(`{"items":[{"_id":null},{"_id":null}]}`)
	f.Add(`{"items":[],"totalCount":5}`)
	f.Add(`{"items":null,"_links":{"next":{"href":"/api/v2/tokens?offset=2"}}}`)
	f.Add(`{"items":[1,2]}`)
	f.Fuzz(func(t *testing.T, body string) {
		for _, it := range iterators {
			var rt countingRT
			h := memClient(t, rt.wrap(func(n int, r *http.Request) *http.Response {
				if n > 10 {
					return memResponse(r, 400, jsonHeader("application/json"), `{"code":"runaway","message":"too many requests"}`)
				}
				return memResponse(r, 200, jsonHeader("application/json"), body)
			}), &instantClock{}, fastPolicy())
			_, err := it.run(context.Background(), h.c)
			h.check(err)
			require.LessOrEqual(t, rt.n, 2, "%s: requests for a body served again and again: %q", it.name, body)
		}
		// A page iterator decodes a page exactly as the one-page call does.
		h := memClient(t, func(r *http.Request) (*http.Response, error) {
			return memResponse(r, 200, jsonHeader("application/json"), body), nil
		}, &instantClock{}, fastPolicy())
		ctx := context.Background()
		mp, err := firstPage(h.c.MemberPages(ctx, wrapper.MembersQuery{PageSize: pageSize}))
		ml, lerr := h.c.ListMembers(ctx, wrapper.MembersQuery{PageSize: pageSize})
		samePage(t, body, mp, err, ml, lerr)
		tp, err := firstPage(h.c.TokenPages(ctx, wrapper.TokensQuery{PageSize: pageSize}))
		tl, lerr := h.c.ListTokens(ctx, wrapper.TokensQuery{PageSize: pageSize})
		samePage(t, body, tp, err, tl, lerr)
	})
}

func firstPage[P any](seq iter.Seq2[P, error]) (P, error) {
	for p, err := range seq {
		return p, err
	}
	panic("an iterator yielded nothing")
}

// samePage checks that a page iterator's first page is the one-page call's answer.
func samePage[P any](t *testing.T, body string, page P, err error, want P, wantErr error) {
	t.Helper()
	require.Equal(t, wantErr == nil, err == nil, "body %q: page iterator %v, one-page call %v", body, err, wantErr)
	if err == nil {
		assert.Equal(t, want, page, "body %q", body)
	}
}
