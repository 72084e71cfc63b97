package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idPatch is where one member's ID sits in an encoded page: at off, member j of the page.
type idPatch struct{ off, j int }

// putMemberID writes memberID(i) over the 24 bytes at b, without allocating.
func putMemberID(b []byte, i int) {
	const hexdigits = "0123456789abcdef"
	copy(b, "569f1835")
	v := uint64(0x14f4432160000000) + uint64(i)
	for k := 23; k >= 8; k-- {
		b[k] = hexdigits[v&0xf]
		v >>= 4
	}
}

// benchServer is the in-process LaunchDarkly stand-in both clients talk to. Every body is
// encoded before the clock starts; a request costs the server a lookup and a write, and the
// same for both clients. It checks the token the way LaunchDarkly does, answers with
// LaunchDarkly's rate-limit headers (never spent) and follows its pagination: `limit`,
// `offset`, relative `_links` and `totalCount`.
type benchServer struct {
	*httptest.Server
	pageSize   int
	total      int
	pages      [][]byte    // item arrays, cycled when total exceeds what was encoded
	patches    [][]idPatch // per encoded page, where its member IDs are
	bufs       sync.Pool   // *[]byte for cycled pages
	suffixes   [][]byte    // per page: `,"_links":…,"totalCount":N}`
	member     []byte
	tokensPage []byte
	newToken   []byte
}

var (
	hdrJSON      = []string{"application/json"}
	hdrGlobal    = []string{"4999"}
	hdrRoute     = []string{"999"}
	hdrReset     = []string{"4102444800000"} // 2100-01-01: windows never close during a run
	itemsPrefix  = []byte(`{"items":`)
	unauthorized = []byte(`{"code":"unauthorized","message":"Invalid access token","id":"bench"}`)
)

// newBenchServer serves total members in pages of pageSize, encoding at most distinct pages
// and cycling through them beyond that (with the right IDs' links and totalCount), so that a
// 100,000-member account costs the process the same memory as a 10,000-member one.
func newBenchServer(tb testing.TB, total, pageSize, distinct int) *benchServer {
	tb.Helper()
	s := &benchServer{pageSize: pageSize, total: total}
	npages := (total + pageSize - 1) / pageSize
	for p := 0; p < min(npages, distinct); p++ {
		items := encodeMemberItems(p*pageSize, min(pageSize, total-p*pageSize))
		s.pages = append(s.pages, items)
		var patches []idPatch
		for j := range min(pageSize, total-p*pageSize) {
			id := []byte(memberID(p*pageSize + j))
			for off := 0; ; {
				k := bytes.Index(items[off:], id)
				if k < 0 {
					break
				}
				patches = append(patches, idPatch{off: off + k, j: j})
				off += k + len(id)
			}
		}
		s.patches = append(s.patches, patches)
	}
	// The first 100 pages' suffixes are made ahead; later ones per request, so that the data
	// the server holds does not grow with the account's size.
	for p := range min(npages, 100) {
		s.suffixes = append(s.suffixes, pageSuffix("/api/v2/members", p*pageSize, pageSize, total))
	}
	s.member = mustJSON(genMember(7))
	toks := make([]any, 25)
	for i := range toks {
		toks[i] = genToken(i, false)
	}
	s.tokensPage = append(append([]byte(`{"items":`), mustJSON(toks)...), pageSuffix("/api/v2/tokens", 0, 25, 60)...)
	s.newToken = mustJSON(genToken(1000, true))
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// pageSuffix is the part of a collection after its items, as LaunchDarkly writes it.
func pageSuffix(path string, offset, limit, total int) []byte {
	href := func(off int) string {
		return fmt.Sprintf(`{"href":"%s?limit=%d&offset=%d","type":"application/json"}`, path, limit, off)
	}
	last := max(0, (total-1)/limit*limit)
	var b strings.Builder
	b.WriteString(`,"_links":{"first":` + href(0) + `,"last":` + href(last))
	if offset+limit < total {
		b.WriteString(`,"next":` + href(offset+limit))
	}
	if offset > 0 {
		b.WriteString(`,"prev":` + href(max(0, offset-limit)))
	}
	b.WriteString(`,"self":` + href(offset) + `},"totalCount":` + strconv.Itoa(total) + `}`)
	return []byte(b.String())
}

func (s *benchServer) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["X-Ratelimit-Global-Remaining"] = hdrGlobal
	h["X-Ratelimit-Route-Remaining"] = hdrRoute
	h["X-Ratelimit-Reset"] = hdrReset
	if r.Header.Get("Authorization") != benchToken {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(unauthorized)
		return
	}
	switch p := r.URL.Path; {
	case p == "/api/v2/members" && r.Method == http.MethodGet:
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		if limit != s.pageSize || offset%s.pageSize != 0 || offset < 0 || offset >= s.total {
			http.Error(w, `{"code":"invalid_request","message":"the benchmark server serves limit=`+strconv.Itoa(s.pageSize)+` at page offsets only"}`, http.StatusBadRequest)
			return
		}
		page := offset / s.pageSize
		items := s.pages[page%len(s.pages)]
		if page >= len(s.pages) {
			// A cycled page: the encoded one with this page's member IDs, so that every
			// member of the account is distinct, as the wrapper's loop detection requires.
			bp, _ := s.bufs.Get().(*[]byte)
			if bp == nil {
				bp = new([]byte)
			}
			b := append((*bp)[:0], items...)
			for _, pt := range s.patches[page%len(s.pages)] {
				putMemberID(b[pt.off:], page*s.pageSize+pt.j)
			}
			*bp = b
			defer s.bufs.Put(bp)
			items = b
		}
		var suffix []byte
		if page < len(s.suffixes) {
			suffix = s.suffixes[page]
		} else {
			suffix = pageSuffix("/api/v2/members", offset, s.pageSize, s.total)
		}
		h["Content-Length"] = []string{strconv.Itoa(len(itemsPrefix) + len(items) + len(suffix))}
		w.Write(itemsPrefix)
		w.Write(items)
		w.Write(suffix)
	case strings.HasPrefix(p, "/api/v2/members/") && r.Method == http.MethodGet:
		w.Write(s.member)
	case p == "/api/v2/tokens" && r.Method == http.MethodGet:
		w.Write(s.tokensPage)
	case p == "/api/v2/tokens" && r.Method == http.MethodPost:
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		w.Write(s.newToken)
	default:
		http.Error(w, `{"code":"not_found","message":"Unknown resource identifier"}`, http.StatusNotFound)
	}
}

// release closes the server and lets its bodies be collected.
func (s *benchServer) release() {
	s.Close()
	s.pages, s.suffixes, s.member, s.tokensPage, s.newToken = nil, nil, nil, nil, nil
}

func TestPutMemberID(t *testing.T) {
	for _, i := range []int{0, 7, 99_999, 123_456} {
		b := make([]byte, 24)
		putMemberID(b, i)
		assert.Equal(t, memberID(i), string(b), "putMemberID(%d)", i)
	}
}

// TestCycledPagesAreDistinct: the 100,000-member account the memory benchmark iterates holds
// 100,000 distinct members, though only 10 pages are encoded.
func TestCycledPagesAreDistinct(t *testing.T) {
	s := newBenchServer(t, 3_000, 100, 10)
	seen := map[string]bool{}
	c := newBaseline(s.URL)
	// eachMember calls back on the test goroutine, so the callback may use require.
	err := c.eachMember(t.Context(), 100, func(m *minMember) {
		require.False(t, seen[m.ID], "member %s twice", m.ID)
		seen[m.ID] = true
	})
	require.NoError(t, err)
	require.Len(t, seen, 3_000, "members")
}
