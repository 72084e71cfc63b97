package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ldaccess/ldaccess/api"
)

// The benchmarks compare the client with the plain net/http + encoding/json a caller would
// otherwise write, on the same loopback server: the difference is the client's overhead.

func benchServer(b *testing.B, total int) *httptest.Server {
	var one strings.Builder
	pages := map[string][]byte{}
	page := func(offset, limit int) []byte {
		key := strconv.Itoa(offset) + "/" + strconv.Itoa(limit)
		if p, ok := pages[key]; ok {
			return p
		}
		var sb strings.Builder
		sb.WriteString(`{"items":[`)
		for i := offset; i < min(offset+limit, total); i++ {
			if i > offset {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"_id":"%024d","_links":{"self":{"href":"/api/v2/members/%024d","type":"application/json"}},"firstName":"Ariel","lastName":"Flores","role":"writer","email":"m%d@acme.com","_pendingInvite":false,"_verified":true,"customRoles":["flag-editor"],"mfa":"enabled","_lastSeen":1628001602644,"creationDate":1500000000000,"teams":[{"customRoleKeys":[],"key":"platform","name":"Platform"}]}`, i, i, i)
		}
		fmt.Fprintf(&sb, `],"totalCount":%d,"_links":{}}`, total)
		pages[key] = []byte(sb.String())
		return pages[key]
	}
	page(0, 1)
	one.Write(page(0, 1)[len(`{"items":[`):])
	member := []byte(strings.SplitN(one.String(), `],"totalCount"`, 2)[0])
	for o := 0; o < total; o += 100 {
		page(o, 100)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/v2/members" {
			w.Write(member)
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		w.Write(page(offset, limit))
	}))
	b.Cleanup(srv.Close)
	return srv
}

func rawGet(ctx context.Context, hc *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", testToken)
	req.Header.Set("LD-API-Version", DefaultAPIVersion)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func BenchmarkGetMember(b *testing.B) {
	srv := benchServer(b, 1)
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{Transport: defaultTransport()}
		for b.Loop() {
			var m api.Member
			if err := rawGet(bg, hc, srv.URL+"/api/v2/members/569f183514f4432160000007", &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		c, _ := New(testToken, WithBaseURL(srv.URL))
		for b.Loop() {
			if _, err := c.GetMember(bg, "569f183514f4432160000007"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListMembers100(b *testing.B) {
	srv := benchServer(b, 100)
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{Transport: defaultTransport()}
		for b.Loop() {
			var p api.Members
			if err := rawGet(bg, hc, srv.URL+"/api/v2/members?limit=100&offset=0", &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		c, _ := New(testToken, WithBaseURL(srv.URL))
		for b.Loop() {
			if _, err := c.ListMembers(bg, MembersQuery{PageSize: 100}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkIterate10kMembers(b *testing.B) {
	const total = 10000
	srv := benchServer(b, total)
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{Transport: defaultTransport()}
		for b.Loop() {
			n := 0
			for offset := 0; offset < total; offset += 100 {
				var p api.Members
				if err := rawGet(bg, hc, srv.URL+"/api/v2/members?limit=100&offset="+strconv.Itoa(offset), &p); err != nil {
					b.Fatal(err)
				}
				n += len(p.Items)
			}
			if n != total {
				b.Fatal(n)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		c, _ := New(testToken, WithBaseURL(srv.URL))
		for b.Loop() {
			n := 0
			for _, err := range c.Members(bg, MembersQuery{}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != total {
				b.Fatal(n)
			}
		}
	})
}

var _ = io.Discard
