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
	errs := make(chan error, workers*rounds*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				email := fmt.Sprintf("w%d-%d@concurrent.test", w, i)
				r := c.do("POST", "/api/v2/members", fmt.Sprintf(`[{"email":%q,"role":"reader"}]`, email))
				if r.status != 201 {
					errs <- fmt.Errorf("invite: %d %s", r.status, r.body)
					continue
				}
				id := decode[api.Members](t, r).Items[0].ID
				if r := c.do("PATCH", "/api/v2/members/"+id, `[{"op":"replace","path":"/role","value":"writer"}]`); r.status != 200 {
					errs <- fmt.Errorf("patch: %d %s", r.status, r.body)
				}
				if r := c.do("GET", "/api/v2/members?sort=-displayName&filter=role%3Awriter&limit=50&offset="+fmt.Sprint(i*10), nil); r.status != 200 {
					errs <- fmt.Errorf("list: %d %s", r.status, r.body)
				}
				r = c.do("POST", "/api/v2/tokens", `{"role":"reader"}`)
				if r.status != 201 {
					errs <- fmt.Errorf("token: %d %s", r.status, r.body)
					continue
				}
				tok := decode[api.Token](t, r)
				if r := c.as(tok.Secret).do("GET", "/api/v2/members/me", nil); r.status != 200 {
					errs <- fmt.Errorf("me: %d %s", r.status, r.body)
				}
				_ = srv.Members()
				_ = srv.Requests()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, workers*rounds, srv.Applied("postMembers"))
	assert.Equal(t, workers*rounds, srv.Applied("patchMember"))
	assert.Equal(t, workers*rounds, srv.Applied("postToken"))
	assert.Len(t, srv.Members(), 500+workers*rounds)
	invited := listIDs(t, c, "filter=query%3Aconcurrent.test")
	require.Len(t, invited, workers*rounds)
}
