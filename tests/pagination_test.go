package tests

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Paging through a list in pages of any size yields exactly what one big page holds, in the
// same order.
func TestPaginationEquivalence(t *testing.T) {
	env := newContractEnv(t, newContractTransport(t, nil), fake.Options{
		Account: fake.Seed(fake.SeedOptions{Members: 45, Tokens: 30, Seed: 3, Now: newClock().Now()}),
	})
	ctx := context.Background()
	noTeam := true
	queries := map[string]wrapper.MembersQuery{
		"everyone":                 {},
		"by name":                  {Sort: wrapper.SortDisplayName},
		"last seen, newest first":  {Sort: wrapper.SortLastSeenDesc},
		"admins and writers":       {Filter: wrapper.MemberFilter{Roles: []string{"admin", "writer"}}, Sort: wrapper.SortLastSeen},
		"never seen":               {Filter: wrapper.MemberFilter{LastSeen: wrapper.NeverSeen()}},
		"on no team, by name desc": {Filter: wrapper.MemberFilter{NoTeam: &noTeam}, Sort: wrapper.SortDisplayNameDesc},
		"query":                    {Filter: wrapper.MemberFilter{Query: "a"}, Sort: wrapper.SortDisplayName, Expand: []api.MemberExpand{api.MemberExpandCustomRoles}},
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			q.PageSize = 1000
			all, err := env.admin.ListMembers(ctx, q)
			require.NoError(t, err)
			var want []string
			for _, m := range all.Items {
				want = append(want, m.ID)
			}
			require.NotEmpty(t, want, "the query should match someone")

			for _, size := range []int{0, 1, 2, 3, 4, 5, 6, 7} {
				q.PageSize = size
				var got []string
				for m, err := range env.admin.Members(ctx, q) {
					require.NoError(t, err)
					got = append(got, m.ID)
				}
				assert.Equal(t, want, got, "page size %d", size)
			}
		})
	}

	t.Run("tokens", func(t *testing.T) {
		all, err := env.admin.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: 1000})
		require.NoError(t, err)
		var want []string
		for _, tok := range all.Items {
			want = append(want, tok.ID)
		}
		for _, size := range []int{0, 1, 2, 3, 4, 5, 6, 7} {
			var got []string
			for tok, err := range env.admin.Tokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: size}) {
				require.NoError(t, err)
				got = append(got, tok.ID)
			}
			assert.Equal(t, want, got, "page size %d", size)
		}
	})
}

// With rate limits and faults on, a full iteration still returns every member exactly once.
func TestIterationUnderRateLimitsAndFaults(t *testing.T) {
	account := fake.Seed(fake.SeedOptions{Members: 600, Tokens: 4, Seed: 11, Now: time.Now()})
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv := fake.NewServer(fake.Options{
				Account:   account,
				RateLimit: &fake.RateLimit{Route: 4, Global: 10, Window: 40 * time.Millisecond},
				Faults: &fake.Faults{Seed: seed, Rate: 0.15, Kinds: []fake.FaultKind{
					fake.Fault502, fake.Fault503, fake.Fault504,
					fake.FaultDropBeforeHeaders, fake.FaultDropAfterHeaders, fake.FaultTruncatedBody,
				}},
			})
			defer srv.Close()
			c, err := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL),
				wrapper.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
				wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}))
			require.NoError(t, err)

			seen := map[string]int{}
			for m, err := range c.Members(context.Background(), wrapper.MembersQuery{PageSize: 25, Sort: wrapper.SortDisplayName}) {
				require.NoError(t, err)
				seen[m.ID]++
			}
			assert.Len(t, seen, len(srv.Members()))
			for id, n := range seen {
				assert.Equal(t, 1, n, "member %s seen %d times", id, n)
			}

			var limited, faulted int
			for _, r := range srv.Requests() {
				if r.Status == http.StatusTooManyRequests {
					limited++
				}
				if r.Fault != 0 {
					faulted++
				}
			}
			assert.Positive(t, faulted, "the run should have met faults")
			t.Logf("%d requests, %d rate limited, %d faulted", len(srv.Requests()), limited, faulted)
		})
	}
}
