package fake

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

// TestConcurrentUse runs readers and writers of every kind at once; the race detector checks the
// locking, and the end state checks that no write was lost or doubled.
func TestConcurrentUse(t *testing.T) {
	srv, c := newServer(t, Options{
		Account:   Seed(SeedOptions{Members: 500, Tokens: 20, Seed: 8}),
		RateLimit: &RateLimit{Global: 1 << 20, Route: 1 << 20},
	})
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				email := fmt.Sprintf("w%d-%d@concurrent.test", w, i)
				r := c.do("POST", "/api/v2/members", fmt.Sprintf(`[{"email":%q,"role":"reader"}]`, email))
				if !assert.Equal(t, 201, r.status, "invite: %s", r.body) {
					continue
				}
				id := decode[api.Members](t, r).Items[0].ID
				r = c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"writer"}]`)
				assert.Equal(t, 200, r.status, "patch: %s", r.body)
				r = c.do("GET", "/api/v2/members?sort=-displayName&filter=role%3Awriter&limit=50&offset="+fmt.Sprint(i*10), nil)
				assert.Equal(t, 200, r.status, "list: %s", r.body)
				r = c.do("POST", "/api/v2/tokens", `{"role":"reader"}`)
				if !assert.Equal(t, 201, r.status, "token: %s", r.body) {
					continue
				}
				tok := decode[api.Token](t, r)
				r = c.as(tok.Secret).do("GET", "/api/v2/members/me", nil)
				assert.Equal(t, 200, r.status, "me: %s", r.body)
				_ = srv.Members()
				_ = srv.Requests()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, workers*rounds, srv.Applied("postMembers"))
	assert.Equal(t, workers*rounds, srv.Applied("patchMember"))
	assert.Equal(t, workers*rounds, srv.Applied("postToken"))
	assert.Len(t, srv.Members(), 500+workers*rounds)
	invited := listIDs(t, c, "filter=query%3Aconcurrent.test")
	require.Len(t, invited, workers*rounds)
}
