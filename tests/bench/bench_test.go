package bench

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Benchmark names pair up as <Case>/wrapper, <Case>/baseline and <Case>/baseline-full; the
// report that `make bench` prints (./benchreport) divides wrapper by baseline and shows the
// issue's targets beside each ratio:
//
//	single calls (GetMember, CreateToken): ≤ 1.10× the baseline's time, ≤ baseline + 25 allocs
//	pages and full iteration (ListMembers100, ListTokens25, IterateMembers10k): ≤ 1.00×
//
// Both clients run in the same process against the same server (a loopback TCP
// httptest.Server); allocations include the server's own, which are the same for both.

var (
	sharedOnce sync.Once
	shared     *benchServer // 10,000 members in 100 distinct pages of 100; 25 tokens
	sharedTB   = &cleanupTB{}
)

// cleanupTB lets the shared server outlive any one benchmark; TestMain closes it.
type cleanupTB struct {
	testing.TB
	fns []func()
}

func (c *cleanupTB) Helper()          {}
func (c *cleanupTB) Cleanup(f func()) { c.fns = append(c.fns, f) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range sharedTB.fns {
		f()
	}
	os.Exit(code)
}

func sharedServer() *benchServer {
	sharedOnce.Do(func() { shared = newBenchServer(sharedTB, 10_000, 100, 100) })
	return shared
}

// releaseShared closes the shared server and drops its data.
func releaseShared() {
	if shared != nil {
		shared.release()
		shared = nil
		sharedOnce = sync.Once{}
	}
}

func newWrapper(tb testing.TB, baseURL string, opts ...wrapper.Option) *wrapper.Client {
	tb.Helper()
	c, err := wrapper.New(benchToken, append([]wrapper.Option{wrapper.WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

var (
	sinkS string
	sinkI int
)

var memberToGet = memberID(7)

func BenchmarkGetMember(b *testing.B) {
	s := sharedServer()
	ctx := context.Background()
	b.Run("wrapper", func(b *testing.B) {
		c := newWrapper(b, s.URL)
		b.ReportAllocs()
		for b.Loop() {
			m, err := c.GetMember(ctx, memberToGet)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = m.Email
		}
	})
	b.Run("baseline", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			m, err := c.getMember(ctx, memberToGet)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = m.Email
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			m, err := c.getMemberFull(ctx, memberToGet)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = m.Email
		}
	})
}

func BenchmarkListMembers100(b *testing.B) {
	s := sharedServer()
	ctx := context.Background()
	check := func(b *testing.B, n int) {
		if n != 100 {
			b.Fatalf("got %d members, want 100", n)
		}
	}
	b.Run("wrapper", func(b *testing.B) {
		c := newWrapper(b, s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.ListMembers(ctx, wrapper.MembersQuery{PageSize: 100, Offset: 200})
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(p.Items))
		}
	})
	b.Run("baseline", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.listMembers(ctx, 100, 200)
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(p.Items))
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.listMembersFull(ctx, 100, 200)
			if err != nil {
				b.Fatal(err)
			}
			check(b, len(p.Items))
		}
	})
}

func BenchmarkIterateMembers10k(b *testing.B) {
	s := sharedServer()
	ctx := context.Background()
	check := func(b *testing.B, n int) {
		if n != 10_000 {
			b.Fatalf("iterated %d members, want 10000", n)
		}
	}
	b.Run("wrapper", func(b *testing.B) {
		c := newWrapper(b, s.URL)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for m, err := range c.Members(ctx, wrapper.MembersQuery{PageSize: 100}) {
				if err != nil {
					b.Fatal(err)
				}
				sinkS = m.ID
				n++
			}
			check(b, n)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if err := c.eachMember(ctx, 100, func(m *minMember) { sinkS = m.ID; n++ }); err != nil {
				b.Fatal(err)
			}
			check(b, n)
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if err := c.eachMemberFull(ctx, 100, func(m *api.Member) { sinkS = m.ID; n++ }); err != nil {
				b.Fatal(err)
			}
			check(b, n)
		}
	})
}

func BenchmarkCreateToken(b *testing.B) {
	s := sharedServer()
	ctx := context.Background()
	role := api.AccessTokenPostRole("writer")
	post := api.AccessTokenPost{Name: ptr("deploy-bot"), Description: ptr("Used by the deploy pipeline."), Role: &role, ServiceToken: ptr(true), DefaultAPIVersion: ptr(20240415)}
	minPost := minTokenPost{Name: "deploy-bot", Description: "Used by the deploy pipeline.", Role: "writer", ServiceToken: true, DefaultAPIVersion: 20240415}
	b.Run("wrapper", func(b *testing.B) {
		c := newWrapper(b, s.URL)
		b.ReportAllocs()
		for b.Loop() {
			t, err := c.CreateToken(ctx, post)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = *t.Token
		}
	})
	b.Run("baseline", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			t, err := c.createToken(ctx, minPost)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = t.Token
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			t, err := c.createTokenFull(ctx, post)
			if err != nil {
				b.Fatal(err)
			}
			sinkS = *t.Token
		}
	})
}

func BenchmarkListTokens25(b *testing.B) {
	s := sharedServer()
	ctx := context.Background()
	b.Run("wrapper", func(b *testing.B) {
		c := newWrapper(b, s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.ListTokens(ctx, wrapper.TokensQuery{PageSize: 25})
			if err != nil {
				b.Fatal(err)
			}
			if p.Items == nil || len(*p.Items) != 25 {
				b.Fatal("want 25 tokens")
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.listTokens(ctx, 25)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Items) != 25 {
				b.Fatal("want 25 tokens")
			}
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		c := newBaseline(s.URL)
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.listTokensFull(ctx, 25)
			if err != nil {
				b.Fatal(err)
			}
			if p.Items == nil || len(*p.Items) != 25 {
				b.Fatal("want 25 tokens")
			}
		}
	})
}
