package reliability

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// The chaos tests run the wrapper against the fake with a tenth (or more) of the requests
// faulted, deterministically from a seed, with every kind of transient failure: 429 with
// Retry-After, with X-Ratelimit-Reset and with no header at all, 502/503/504, connections
// dropped before and after the headers, truncated bodies. The retry policy's waits are
// instant (instantClock), so 20 seeds of 10,000 members take seconds.

var allTransientFaults = []fake.FaultKind{
	fake.Fault429RetryAfter, fake.Fault429Reset, fake.Fault429NoHeaders,
	fake.Fault502, fake.Fault503, fake.Fault504,
	fake.FaultDropBeforeHeaders, fake.FaultDropAfterHeaders, fake.FaultTruncatedBody,
}

var (
	chaosAccountOnce sync.Once
	chaosAccount     *fake.Account
)

// chaosAccount10k is a seeded account of 10,000 members; the fake copies it, so all seeds
// share one.
func chaosAccount10k() *fake.Account {
	chaosAccountOnce.Do(func() {
		chaosAccount = fake.Seed(fake.SeedOptions{Members: 10_000, Tokens: 20, Seed: 6})
	})
	return chaosAccount
}

func newChaosServer(t *testing.T, acct *fake.Account, faults *fake.Faults) *fake.Server {
	t.Helper()
	srv := fake.NewServer(fake.Options{AdminSecret: canary, Account: acct, Faults: faults})
	t.Cleanup(srv.Close)
	return srv
}

// TestChaosIterate: every member exactly once and no error, for 20 fault seeds, while the
// retry budget lasts.
func TestChaosIterate(t *testing.T) {
	acct := chaosAccount10k()
	want := make([]string, len(acct.Members))
	for i, m := range acct.Members {
		want[i] = m.ID
	}
	slices.Sort(want)
	for seed := int64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			srv := newChaosServer(t, acct, &fake.Faults{Seed: seed, Rate: 0.10, Kinds: allTransientFaults})
			hs := newHarness(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var got []string
			for m, err := range hs.c.Members(ctx, wrapper.MembersQuery{PageSize: 100}) {
				if hs.check(err) != nil { // guarded: lastRequests runs only on failure
					require.NoError(t, err, "after %d members (last requests: %s)", len(got), lastRequests(srv, 3))
				}
				got = append(got, m.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				dups, missing := diffIDs(got, want)
				require.Failf(t, "members differ", "got %d members, want %d; %d duplicated (%.3q…), %d missing (%.3q…)", len(got), len(want), len(dups), dups, len(missing), missing)
			}
			faulted := 0
			kinds := map[fake.FaultKind]int{}
			for _, r := range srv.Requests() {
				if r.Fault != 0 {
					faulted++
					kinds[r.Fault]++
				}
			}
			require.NotZero(t, faulted, "no request was faulted: the test tests nothing")
			t.Logf("%d requests, %d faulted %v, %d retries", len(srv.Requests()), faulted, kinds, hs.events.Load())
		})
	}
}

// lastRequests describes the fake's last n requests: status and fault.
func lastRequests(srv *fake.Server, n int) string {
	rs := srv.Requests()
	var parts []string
	for _, r := range rs[max(0, len(rs)-n):] {
		f := "no fault"
		if r.Fault != 0 {
			f = r.Fault.String()
		}
		parts = append(parts, fmt.Sprintf("%s %s?%s → %d (%s)", r.Method, r.Path, r.Query, r.Status, f))
	}
	return strings.Join(parts, "; ")
}

func diffIDs(got, want []string) (dups, missing []string) {
	count := map[string]int{}
	for _, id := range got {
		count[id]++
	}
	for id, n := range count {
		if n > 1 {
			dups = append(dups, id)
		}
	}
	for _, id := range want {
		if count[id] == 0 {
			missing = append(missing, id)
		}
	}
	return dups, missing
}

// TestChaosTokenIterate runs the token iterator through the same faults.
func TestChaosTokenIterate(t *testing.T) {
	acct := fake.Seed(fake.SeedOptions{Members: 50, Tokens: 300, Seed: 7})
	for seed := int64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			srv := newChaosServer(t, acct, &fake.Faults{Seed: seed, Rate: 0.15, Kinds: allTransientFaults})
			hs := newHarness(t, srv.URL)
			seen := map[string]int{}
			for tok, err := range hs.c.Tokens(context.Background(), wrapper.TokensQuery{ShowAll: true, PageSize: 10}) {
				if hs.check(err) != nil {
					require.NoError(t, err, "after %d tokens (last requests: %s)", len(seen), lastRequests(srv, 3))
				}
				seen[tok.ID]++
			}
			assert.Equal(t, len(srv.Tokens()), len(seen), "distinct tokens iterated, against the number the fake holds")
			for id, n := range seen {
				assert.Equal(t, 1, n, "times token %s was seen", id)
			}
		})
	}
}

// TestChaosWritesNotRepeated: with faults on POST and PATCH, including those that apply the
// write and then break the answer (dropped after the headers, truncated body), no write is
// ever applied twice. A 429 means "not processed" and may be resent; any other failure of a
// POST or PATCH is ambiguous and must surface as an error, not a resend.
func TestChaosWritesNotRepeated(t *testing.T) {
	acct := fake.Seed(fake.SeedOptions{Members: 400, Tokens: 5, Seed: 8})
	roleKey := acct.CustomRoles[0].Key
	var candidates []string // members without roleKey, never the owner
	for _, m := range acct.Members[1:] {
		if !slices.Contains(m.CustomRoles, roleKey) && m.Role != "owner" {
			candidates = append(candidates, m.ID)
		}
	}
	const calls = 60
	require.GreaterOrEqual(t, len(candidates), calls*5, "members without %s", roleKey)
	for seed := int64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			srv := newChaosServer(t, acct, &fake.Faults{Seed: seed, Rate: 0.25, Kinds: allTransientFaults})
			hs := newHarness(t, srv.URL)
			ctx := context.Background()

			// POST: create tokens with unique names.
			prefix := fmt.Sprintf("chaos-%d-", seed)
			var createOK []string
			for i := range calls {
				name := fmt.Sprintf("%s%03d", prefix, i)
				_, err := hs.c.CreateToken(ctx, api.AccessTokenPost{Name: name, Role: api.AccessTokenPostRole("reader")})
				if hs.check(err) == nil {
					createOK = append(createOK, name)
				}
			}
			created := map[string]int{}
			for _, tok := range srv.Tokens() {
				if strings.HasPrefix(tok.Name, prefix) {
					created[tok.Name]++
				}
			}
			for name, n := range created {
				assert.LessOrEqual(t, n, 1, "times token %s was created", name)
			}
			for _, name := range createOK {
				assert.Equal(t, 1, created[name], "CreateToken(%s) succeeded: times the fake holds it", name)
			}
			checkApplied(t, srv, "postToken", calls, len(createOK), len(created))

			// PATCH: append a custom role to distinct members; applying a patch twice would
			// list the role twice.
			members := candidates[(seed-1)*calls : seed*calls]
			patchOK := 0
			for _, id := range members {
				_, err := hs.c.PatchMember(ctx, id, wrapper.Add("/customRoles/-", roleKey))
				if hs.check(err) == nil {
					patchOK++
				}
			}
			patched := 0
			for _, id := range members {
				m, _ := srv.Member(id)
				n := 0
				for _, r := range m.CustomRoles {
					if r == roleKey {
						n++
					}
				}
				assert.LessOrEqual(t, n, 1, "member %s holds %s more than once: a patch was applied twice", id, roleKey)
				patched += min(n, 1)
			}
			checkApplied(t, srv, "patchMember", calls, patchOK, patched)
			t.Logf("create: %d/%d succeeded; patch: %d/%d succeeded", len(createOK), calls, patchOK, calls)
		})
	}
}

// checkApplied compares the fake's side-effect count with the client's view, and reads the
// request log to count the client's sends: a request follows the previous one of the same
// call only after a 429; after anything else it is a new call. So the sends the log shows
// must be exactly the client's calls.
func checkApplied(t *testing.T, srv *fake.Server, op string, calls, succeeded, effects int) {
	t.Helper()
	applied := srv.Applied(op)
	assert.Equal(t, effects, applied, "%s: writes the fake reports applied, against those its state shows", op)
	assert.LessOrEqual(t, applied, calls, "%s: writes applied for %d calls", op, calls)
	assert.GreaterOrEqual(t, applied, succeeded, "%s: writes applied for %d calls that succeeded", op, succeeded)
	inferred, prev429, faults := 0, false, 0
	for _, r := range srv.Requests() {
		if !strings.EqualFold(r.OperationID, op) {
			continue
		}
		if !prev429 {
			inferred++
		}
		prev429 = r.Status == 429
		if r.Fault != 0 {
			faults++
		}
	}
	assert.Equal(t, calls, inferred, "%s: calls the request log shows, against the client's: a request was resent after a failure other than 429", op)
	assert.NotZero(t, faults, "%s: no request was faulted: the test tests nothing", op)
}

// TestChaosIterateRateLimited adds the fake's rate limits (a route window of 4 requests per
// 200ms, tighter than any client's pace) to the faults, with the system clock: the client
// must pace itself through real windows (about 110 requests: 5.5s) and still yield every
// member exactly once. It logs how many 429s the limiter (not a fault) answered.
func TestChaosIterateRateLimited(t *testing.T) {
	acct := chaosAccount10k()
	for seed := int64(101); seed <= 103; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(fake.Options{AdminSecret: canary, Account: acct,
				RateLimit: &fake.RateLimit{Route: 4, Window: 200 * time.Millisecond},
				Faults:    &fake.Faults{Seed: seed, Rate: 0.10, Kinds: allTransientFaults}})
			t.Cleanup(srv.Close)
			hs := newHarness(t, srv.URL, withClock(nil, nil), wrapper.WithRetry(wrapper.RetryPolicy{
				MaxAttempts: 10, MaxWait: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			seen := make(map[string]int, len(acct.Members))
			for m, err := range hs.c.Members(ctx, wrapper.MembersQuery{PageSize: 100}) {
				if hs.check(err) != nil {
					require.NoError(t, err, "after %d members (last requests: %s)", len(seen), lastRequests(srv, 3))
				}
				seen[m.ID]++
			}
			for _, m := range acct.Members {
				assert.Equal(t, 1, seen[m.ID], "times member %s was seen", m.ID)
			}
			assert.Equal(t, len(acct.Members), len(seen), "distinct members")
			n429 := 0
			for _, r := range srv.Requests() {
				if r.Status == 429 && r.Fault == 0 {
					n429++
				}
			}
			t.Logf("%d requests, %d answered 429 by the rate limiter", len(srv.Requests()), n429)
		})
	}
}
