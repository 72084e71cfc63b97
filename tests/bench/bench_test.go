package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

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
	if runBenchChild() {
		return
	}
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
	require.NoError(tb, err)
	return c
}

// sink keeps the compiler from discarding what a benchmark decodes.
var sink string

var memberToGet = memberID(7)

// contenders are one case's operation done by each client: the wrapper, the baseline with
// minimal structs, and the baseline decoding the full generated models.
type contenders struct {
	wrapper      func(*wrapper.Client) error
	baseline     func(*baseline) error
	baselineFull func(*baseline) error
}

// compare runs a case as the sub-benchmarks <Case>/wrapper, <Case>/baseline and
// <Case>/baseline-full, on the shared server.
func compare(b *testing.B, k contenders) {
	s := sharedServer()
	w, base := newWrapper(b, s.URL), newBaseline(s.URL)
	for _, c := range []struct {
		name string
		op   func() error
	}{
		{"wrapper", func() error { return k.wrapper(w) }},
		{"baseline", func() error { return k.baseline(base) }},
		{"baseline-full", func() error { return k.baselineFull(base) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.op(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// count checks that an operation saw as many items as the case expects.
func count(got, want int, err error) error {
	if err == nil && got != want {
		err = fmt.Errorf("got %d items, want %d", got, want)
	}
	return err
}

func BenchmarkGetMember(b *testing.B) {
	ctx := context.Background()
	compare(b, contenders{
		wrapper: func(c *wrapper.Client) error {
			m, err := c.GetMember(ctx, memberToGet)
			sink = m.Email
			return err
		},
		baseline: func(c *baseline) error {
			m, err := c.getMember(ctx, memberToGet)
			if err == nil {
				sink = m.Email
			}
			return err
		},
		baselineFull: func(c *baseline) error {
			m, err := c.getMemberFull(ctx, memberToGet)
			if err == nil {
				sink = m.Email
			}
			return err
		},
	})
}

func BenchmarkListMembers100(b *testing.B) {
	ctx := context.Background()
	compare(b, contenders{
		wrapper: func(c *wrapper.Client) error {
			p, err := c.ListMembers(ctx, wrapper.MembersQuery{PageSize: 100, Offset: 200})
			return count(len(p.Items), 100, err)
		},
		baseline: func(c *baseline) error {
			p, err := c.listMembers(ctx, 100, 200)
			if err != nil {
				return err
			}
			return count(len(p.Items), 100, nil)
		},
		baselineFull: func(c *baseline) error {
			p, err := c.listMembersFull(ctx, 100, 200)
			if err != nil {
				return err
			}
			return count(len(p.Items), 100, nil)
		},
	})
}

func BenchmarkIterateMembers10k(b *testing.B) {
	ctx := context.Background()
	compare(b, contenders{
		wrapper: func(c *wrapper.Client) error {
			n := 0
			for m, err := range c.Members(ctx, wrapper.MembersQuery{PageSize: 100}) {
				if err != nil {
					return err
				}
				sink = m.ID
				n++
			}
			return count(n, 10_000, nil)
		},
		baseline: func(c *baseline) error {
			n := 0
			err := c.eachMember(ctx, 100, func(m *minMember) { sink = m.ID; n++ })
			return count(n, 10_000, err)
		},
		baselineFull: func(c *baseline) error {
			n := 0
			err := c.eachMemberFull(ctx, 100, func(m *api.Member) { sink = m.ID; n++ })
			return count(n, 10_000, err)
		},
	})
}

func BenchmarkCreateToken(b *testing.B) {
	ctx := context.Background()
	role := api.AccessTokenPostRole("writer")
	post := api.AccessTokenPost{Name: "deploy-bot", Description: "Used by the deploy pipeline.", Role: role, ServiceToken: true, DefaultAPIVersion: 20240415}
	minPost := minTokenPost{Name: "deploy-bot", Description: "Used by the deploy pipeline.", Role: "writer", ServiceToken: true, DefaultAPIVersion: 20240415}
	compare(b, contenders{
		wrapper: func(c *wrapper.Client) error {
			t, err := c.CreateToken(ctx, post)
			if err == nil {
				sink = t.Secret
			}
			return err
		},
		baseline: func(c *baseline) error {
			t, err := c.createToken(ctx, minPost)
			if err == nil {
				sink = t.Token
			}
			return err
		},
		baselineFull: func(c *baseline) error {
			t, err := c.createTokenFull(ctx, post)
			if err == nil {
				sink = t.Secret
			}
			return err
		},
	})
}

func BenchmarkListTokens25(b *testing.B) {
	ctx := context.Background()
	items := func(p api.Tokens) int {
		if p.Items == nil {
			return 0
		}
		return len(p.Items)
	}
	compare(b, contenders{
		wrapper: func(c *wrapper.Client) error {
			p, err := c.ListTokens(ctx, wrapper.TokensQuery{PageSize: 25})
			return count(items(p), 25, err)
		},
		baseline: func(c *baseline) error {
			p, err := c.listTokens(ctx, 25)
			if err != nil {
				return err
			}
			return count(len(p.Items), 25, nil)
		},
		baselineFull: func(c *baseline) error {
			p, err := c.listTokensFull(ctx, 25)
			if err != nil {
				return err
			}
			return count(items(p), 25, nil)
		},
	})
}
