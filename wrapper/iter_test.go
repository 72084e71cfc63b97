package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// pageServer serves total members m0…m(total-1) by limit and offset. With links it sends
// LaunchDarkly's relative next link; withTotal sends totalCount.
type pageServer struct {
	total       int
	links       bool
	withTotal   bool
	failAtPage  int // answer this request (from 1) with 500
	maxPageSize int // cap the page size as a server may
	rec         recorder
}

func (p *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.rec.record(r, nil)
	if n == p.failAtPage {
		writeJSON(w, 500, `{"code":"internal","message":"boom"}`)
		return
	}
	q := r.URL.Query()
	limit, offset := 20, 0
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	if p.maxPageSize > 0 {
		limit = min(limit, p.maxPageSize)
	}
	page := api.Members{Items: []api.Member{}, Links: api.Links{}}
	for i := offset; i < min(offset+limit, p.total); i++ {
		page.Items = append(page.Items, api.Member{ID: "m" + strconv.Itoa(i), Email: fmt.Sprintf("m%d@acme.com", i), Links: api.Links{}, CustomRoles: []string{}})
	}
	if p.links && offset+limit < p.total {
		href := fmt.Sprintf("/api/v2/members?limit=%d&offset=%d", limit, offset+limit)
		page.Links["next"] = api.Link{Href: href}
	}
	if p.withTotal {
		page.TotalCount = p.total
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(page)
}

func collect(t *testing.T, seq func(func(api.Member, error) bool)) (ids []string, errs []error) {
	for m, err := range seq {
		if err != nil {
			errs = append(errs, checkErr(t, err))
			continue
		}
		ids = append(ids, m.ID)
	}
	return ids, errs
}

func memberIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, "m"+strconv.Itoa(i))
	}
	return ids
}

func TestMembersIterator(t *testing.T) {
	tests := []struct {
		name      string
		srv       *pageServer
		q         MembersQuery
		wantIDs   []string
		wantPages int
		wantQuery []string // the query of each request, in order
	}{
		{
			name: "links", srv: &pageServer{total: 5, links: true, withTotal: true}, q: MembersQuery{PageSize: 2},
			wantIDs: memberIDs(0, 5), wantPages: 3,
			wantQuery: []string{"limit=2", "limit=2&offset=2", "limit=2&offset=4"},
		},
		{
			name: "offsets and totalCount", srv: &pageServer{total: 5, withTotal: true}, q: MembersQuery{PageSize: 2},
			wantIDs: memberIDs(0, 5), wantPages: 3,
			wantQuery: []string{"limit=2", "limit=2&offset=2", "limit=2&offset=4"},
		},
		{
			name: "offsets, exact multiple stops on totalCount", srv: &pageServer{total: 4, withTotal: true}, q: MembersQuery{PageSize: 2},
			wantIDs: memberIDs(0, 4), wantPages: 2,
		},
		{
			name: "offsets without total stop on a short page", srv: &pageServer{total: 5}, q: MembersQuery{PageSize: 2},
			wantIDs: memberIDs(0, 5), wantPages: 3,
		},
		{
			name: "offsets without total, exact multiple, end on an empty page", srv: &pageServer{total: 4}, q: MembersQuery{PageSize: 2},
			wantIDs: memberIDs(0, 4), wantPages: 3,
		},
		{
			name: "server caps the page size: totalCount wins over a short page", srv: &pageServer{total: 5, withTotal: true, maxPageSize: 2},
			q: MembersQuery{PageSize: 3}, wantIDs: memberIDs(0, 5), wantPages: 3,
		},
		{
			name: "default page size", srv: &pageServer{total: 150, links: true, withTotal: true},
			wantIDs: memberIDs(0, 150), wantPages: 2,
			wantQuery: []string{"limit=100", "limit=100&offset=100"},
		},
		{
			name: "starting offset and filter", srv: &pageServer{total: 5, links: true, withTotal: true},
			q:       MembersQuery{PageSize: 2, Offset: 3, Filter: MemberFilter{Roles: []string{"admin"}}, Sort: SortLastSeenDesc},
			wantIDs: memberIDs(3, 5), wantPages: 1,
			wantQuery: []string{"filter=role%3Aadmin&limit=2&offset=3&sort=-lastSeen"},
		},
		{
			name: "empty account", srv: &pageServer{total: 0, links: true, withTotal: true},
			wantPages: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestServer(t, tt.srv.ServeHTTP)
			seq := c.Members(bg, tt.q)
			assert.Zero(t, tt.srv.rec.Count(), "fetched before ranging")
			ids, errs := collect(t, seq)
			assert.Empty(t, errs)
			assert.Equal(t, tt.wantIDs, ids)
			reqs := tt.srv.rec.Requests()
			assert.Len(t, reqs, tt.wantPages)
			for i, q := range tt.wantQuery {
				if assert.Less(t, i, len(reqs)) {
					assert.Equal(t, sortedQuery(q), sortedQuery(reqs[i].Query))
				}
			}
			for _, r := range reqs {
				assert.Equal(t, testToken, r.Header.Get("Authorization"))
			}
		})
	}
}

func sortedQuery(q string) string {
	v, _ := url.ParseQuery(q)
	return v.Encode()
}

func TestMembersIteratorBreakSendsNothingMore(t *testing.T) {
	srv := &pageServer{total: 10, links: true, withTotal: true}
	c, _ := newTestServer(t, srv.ServeHTTP)
	var ids []string
	for m, err := range c.Members(bg, MembersQuery{PageSize: 3}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
		if len(ids) == 4 { // the first item of the second page
			break
		}
	}
	assert.Equal(t, memberIDs(0, 4), ids)
	assert.Equal(t, 2, srv.rec.Count())

	// Breaking at the end of a page does not fetch the next one.
	for range c.MemberPages(bg, MembersQuery{PageSize: 3}) {
		break
	}
	assert.Equal(t, 3, srv.rec.Count())
}

func TestMembersIteratorMidStreamError(t *testing.T) {
	srv := &pageServer{total: 10, links: true, withTotal: true, failAtPage: 2}
	c, _ := newTestServer(t, srv.ServeHTTP, WithRetry(RetryPolicy{MaxAttempts: 1}))
	ids, errs := collect(t, c.Members(bg, MembersQuery{PageSize: 3}))
	assert.Equal(t, memberIDs(0, 3), ids)
	require.Len(t, errs, 1, "an error is yielded once and ends the loop")
	var apiErr *APIError
	require.ErrorAs(t, errs[0], &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 2, srv.rec.Count())
}

func TestIteratorStopsOnServerThatNeverAdvances(t *testing.T) {
	one := `{"_id":"m1","_links":{},"_lastSeen":0,"_pendingInvite":false,"_verified":true,"creationDate":1,"customRoles":[],"email":"a@b.c","mfa":"disabled","role":"reader"}`
	tests := []struct {
		name string
		body func(r *http.Request) string
	}{
		{"same next link every time", func(*http.Request) string {
			return `{"items":[` + one + `],"_links":{"next":{"href":"/api/v2/members?limit=1&offset=1"}},"totalCount":99}`
		}},
		{"offset ignored: same page every time", func(*http.Request) string {
			return `{"items":[` + one + `],"_links":{},"totalCount":99}`
		}},
		{"next link changes but the page does not", func(r *http.Request) string {
			next := r.URL.Query().Get("offset") + "1"
			return `{"items":[` + one + `],"_links":{"next":{"href":"/api/v2/members?limit=1&offset=` + next + `"}}}`
		}},
		{"empty page short of totalCount", func(*http.Request) string {
			return `{"items":[],"_links":{},"totalCount":99}`
		}},
		{"empty page with a next link", func(r *http.Request) string {
			return `{"items":[],"_links":{"next":{"href":"/api/v2/members?offset=5"}}}`
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n int
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				writeJSON(w, 200, tt.body(r))
			})
			ids, errs := collect(t, c.Members(bg, MembersQuery{PageSize: 1}))
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], errNoProgress)
			assert.Contains(t, errs[0].Error(), "ldaccess: getMembers: ")
			assert.LessOrEqual(t, len(ids), 1)
			assert.LessOrEqual(t, n, 2)
		})
	}
}

func TestIteratorRejectsBadNextLinks(t *testing.T) {
	for _, href := range []string{"https://evil.example/api/v2/members", "//evil.example/x", "http://%zz", "https://user:pw@127.0.0.1/x"} {
		c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"items":[`+memberJSON+`],"_links":{"next":{"href":"`+href+`"}},"totalCount":5}`)
		})
		ids, errs := collect(t, c.Members(bg, MembersQuery{PageSize: 1}))
		assert.Equal(t, []string{"m1"}, ids)
		assert.Len(t, errs, 1, href)
	}
}

func TestTokensIterator(t *testing.T) {
	rec := &recorder{}
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r, nil)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		total := 60
		var items []api.Token
		for i := offset; i < min(offset+limit, total); i++ {
			items = append(items, api.Token{ID: "t" + strconv.Itoa(i), Links: api.Links{}})
		}
		json.NewEncoder(w).Encode(api.Tokens{Items: items, TotalCount: total})
	})
	var n int
	for tok, err := range c.Tokens(bg, TokensQuery{ShowAll: true}) {
		require.NoError(t, err)
		assert.Equal(t, "t"+strconv.Itoa(n), tok.ID)
		n++
	}
	assert.Equal(t, 60, n)
	reqs := rec.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, sortedQuery("showAll=true&limit=25"), sortedQuery(reqs[0].Query))
	assert.Equal(t, sortedQuery("showAll=true&limit=25&offset=50"), sortedQuery(reqs[2].Query))

	// No items at all, no links, no count.
	c2, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	for _, err := range c2.Tokens(bg, TokensQuery{}) {
		require.Fail(t, "unexpected yield", "%v", err)
	}
}

func TestIteratorContextCancelled(t *testing.T) {
	srv := &pageServer{total: 10, links: true, withTotal: true}
	c, _ := newTestServer(t, srv.ServeHTTP)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	var got int
	var gotErr error
	for _, err := range c.Members(ctx, MembersQuery{PageSize: 2}) {
		if err != nil {
			gotErr = checkErr(t, err)
			continue
		}
		got++
		cancel()
	}
	assert.Equal(t, 2, got)
	assert.ErrorIs(t, gotErr, context.Canceled)
}

func TestIteratorLinkLoops(t *testing.T) {
	page := func(prefix, next string) string {
		var items []string
		for i := range 3 {
			items = append(items, strings.Replace(memberJSON, `"m1"`, `"`+prefix+strconv.Itoa(i)+`"`, 1))
		}
		return `{"items":[` + strings.Join(items, ",") + `],"_links":{"next":{"href":"` + next + `"}}}`
	}
	for _, tt := range []struct {
		name  string
		pages map[string]string // by query; "" is the first request
	}{
		{"two pages", map[string]string{"": page("m", "/api/v2/members?p=b"), "p=b": page("n", "/api/v2/members?p=a"), "p=a": page("m", "/api/v2/members?p=b")}},
		{"three pages", map[string]string{"": page("m", "/api/v2/members?p=b"), "p=b": page("n", "/api/v2/members?p=c"),
			"p=c": page("o", "/api/v2/members?p=a"), "p=a": page("p", "/api/v2/members?p=b")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n int
			c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				q := r.URL.RawQuery
				if r.URL.Query().Get("p") == "" {
					q = ""
				}
				writeJSON(w, 200, tt.pages[q])
			})
			_, errs := collect(t, c.Members(bg, MembersQuery{PageSize: 3}))
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], errNoProgress)
			assert.LessOrEqual(t, n, len(tt.pages))
		})
	}
}

func TestBodyCutShortByCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		w.Write([]byte(`{"_id":"m0`))
		w.(http.Flusher).Flush()
		cancel()
		<-r.Context().Done()
	})
	_, err := c.GetMember(ctx, "m1")
	checkErr(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "getMember")
}

// roundTripFunc answers requests in memory, for tests that need many of them quickly.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestIteratorLoopDetectionMemory iterates many one-member pages with realistic member IDs
// (24 hex digits) and long next links, and measures the live heap as it goes: what the pager
// keeps to detect loops must stay a few bytes a page, not the links and IDs themselves.
func TestIteratorLoopDetectionMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("iterates thousands of pages")
	}
	const from, to = 1000, 11000 // heap measured at these pages
	filter := strings.Repeat("x", 100)
	c, err := New(testToken, WithBaseURL("https://app.test"), WithHTTPClient(&http.Client{
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			body := fmt.Sprintf(`{"items":[{"_id":"%024x","email":"a@b.c","role":"reader"}],`+
				`"_links":{"next":{"href":"/api/v2/members?filter=%s&limit=1&offset=%d"}}}`, offset, filter, offset+1)
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		}),
	}))
	require.NoError(t, err)
	liveHeap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var n int
	var before, after uint64
	for _, err := range c.Members(bg, MembersQuery{PageSize: 1}) {
		require.NoError(t, err)
		n++
		switch n {
		case from:
			before = liveHeap()
		case to:
			after = liveHeap()
		}
		if n == to {
			break
		}
	}
	require.Equal(t, to, n)
	perPage := float64(int64(after)-int64(before)) / (to - from)
	t.Logf("live heap grew %.1f B a page over %d pages", perPage, to-from)
	// Two 64-bit hashes a page in a map[uint64]struct{} take two 16-byte slots (the empty
	// value is padded) and their control bytes, at a load between 7/16 and 7/8: 39 to 78 B.
	// The strings themselves, a 24-byte ID and a 150-byte link with their map entries, come
	// to about 245 B.
	assert.Less(t, perPage, 100.0, "loop detection keeps too much per page")
}

func TestSeen(t *testing.T) {
	s := newSeen()
	items := func(text string) uint64 { return maphash.String(itemsSeed, text) }
	assert.True(t, s.link("/api/v2/members?offset=1"))
	assert.True(t, s.page(items("/api/v2/members?offset=1")), "items spelt like a link are not that link")
	assert.True(t, s.page(items(`[{"_id":"m1"}]`)))
	assert.False(t, s.link("/api/v2/members?offset=1"))
	assert.False(t, s.page(items(`[{"_id":"m1"}]`)))
	assert.True(t, s.link(`[{"_id":"m1"}]`))
	// Each iteration hashes links with its own seed.
	assert.NotEqual(t, maphash.String(s.linkSeed, "x"), maphash.String(newSeen().linkSeed, "x"))
}
