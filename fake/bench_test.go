package fake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkMembersPage pages through 10,000 members, filtered and sorted, straight through the
// handler: the cached view keeps each page from filtering and sorting the account again.
func BenchmarkMembersPage(b *testing.B) {
	h := NewHandler(Options{Account: Seed(SeedOptions{Members: 10000, Seed: 1})})
	off := 0
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v2/members?sort=-lastSeen&filter=role%3Awriter%7Creader&limit=50&offset="+strconv.Itoa(off), nil)
		req.Header.Set("Authorization", DefaultAdminSecret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
		off = (off + 50) % 8000
	}
}

func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		Seed(SeedOptions{Members: 5000, Tokens: 100, Seed: 1})
	}
}
