package fake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func TestSeedDeterministic(t *testing.T) {
	opts := SeedOptions{Members: 300, Tokens: 40, Seed: 42}
	a, b := Seed(opts), Seed(opts)
	assert.Equal(t, a, b)
	opts.Seed = 43
	assert.NotEqual(t, a, Seed(opts))
	assert.Equal(t, Seed(SeedOptions{Members: 5}).Members, Seed(SeedOptions{Members: 5}).Members, "a zero Now does not read the clock")
}

func TestSeedRealistic(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	a := Seed(SeedOptions{Members: 2000, Tokens: 200, Seed: 11, Now: now})
	roles := map[string]int{}
	var pendingInvites, never, noData, recent, mfa, onTeams, customRoles int
	emails := map[string]bool{}
	for i, m := range a.Members {
		roles[m.Role]++
		assert.False(t, emails[m.Email], "unique emails")
		emails[m.Email] = true
		assert.Contains(t, m.Email, "@")
		assert.NotNil(t, m.CustomRoles)
		assert.LessOrEqual(t, m.LastSeen, now.UnixMilli())
		if i == 0 {
			assert.Equal(t, "owner", m.Role, "the owner comes first")
		}
		switch {
		case m.PendingInvite:
			pendingInvites++
			assert.Zero(t, m.LastSeen)
		case neverSeen(m.LastSeen, m.PendingInvite, m.Verified):
			never++
		case m.LastSeen == 0:
			noData++
		case now.Sub(time.UnixMilli(m.LastSeen)) < 24*time.Hour:
			recent++
		}
		if m.MFA == "enabled" {
			mfa++
		}
		if m.Teams != nil && len(m.Teams) > 0 {
			onTeams++
		}
		if len(m.CustomRoles) > 0 {
			customRoles++
		}
	}
	assert.Equal(t, 1, roles["owner"])
	for _, r := range []string{"admin", "writer", "reader", "no_access"} {
		assert.Positive(t, roles[r], r)
	}
	assert.Less(t, roles["admin"], roles["writer"])
	for name, n := range map[string]int{"pending invites": pendingInvites, "never seen": never, "no data": noData,
		"seen today": recent, "mfa": mfa, "on teams": onTeams, "custom roles": customRoles} {
		assert.Positive(t, n, name)
		assert.Less(t, n, len(a.Members), name)
	}
	assert.GreaterOrEqual(t, len(a.Teams), 5)
	assert.GreaterOrEqual(t, len(a.CustomRoles), 5)

	members := map[string]bool{}
	for _, m := range a.Members {
		members[m.ID] = true
	}
	var service, personal, neverUsed, stale, admin, wildcard, orphaned int
	for _, tk := range a.Tokens {
		assert.Regexp(t, secretPattern, tk.Secret)
		if tk.ServiceToken {
			service++
		} else {
			personal++
		}
		switch {
		case tk.LastUsed == 0:
			neverUsed++
		case now.Sub(time.UnixMilli(tk.LastUsed)) > 90*24*time.Hour:
			stale++
		}
		if tk.Role == "admin" {
			admin++
		}
		if tk.InlineRole != nil && isWildcard((tk.InlineRole)[0]) {
			wildcard++
		}
		if !members[tk.MemberID] {
			orphaned++
		}
	}
	for name, n := range map[string]int{"service": service, "personal": personal, "never used": neverUsed,
		"stale": stale, "admin": admin, "wildcard": wildcard, "orphaned": orphaned} {
		assert.Positive(t, n, name)
	}
}

func isWildcard(s api.Statement) bool {
	return s.Effect == "allow" && strings.Join(s.Actions, ",") == "*" && strings.Join(s.Resources, ",") == "*"
}

// TestSeededAccountServes: a large seeded account answers filtered, sorted pages quickly, and
// every answer stays within the contract.
func TestSeededAccountServes(t *testing.T) {
	srv, c := newServer(t, Options{Account: Seed(SeedOptions{Members: 10000, Tokens: 50, Seed: 4})})
	require.Len(t, srv.Members(), 10000)
	start := time.Now()
	for _, q := range []string{"", "sort=displayName", "sort=-lastSeen&filter=role%3Awriter%7Cadmin",
		`filter=lastSeen%3A%7B%22never%22%3Atrue%7D`, "filter=query%3Aada,team%3Aplatform&expand=roleAttributes"} {
		for off := 0; off < 200; off += 20 {
			r := c.do("GET", "/api/v2/members?offset="+strconv.Itoa(off)+"&"+q, nil)
			require.Equal(t, 200, r.status, "body: %s", r.body)
		}
	}
	t.Logf("50 pages of 10,000 members in %v", time.Since(start))
}

// The same clock and the same requests give the same IDs, so users can compare output with
// golden files.
func TestHandlerDeterministic(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	run := func() (tokenIDs []string, requestID string) {
		h := NewHandler(Options{Account: Seed(SeedOptions{Members: 5, Tokens: 3, Seed: 1}), Now: now})
		req := httptest.NewRequest(http.MethodGet, "/api/v2/tokens?showAll=true", nil)
		req.Header.Set("Authorization", h.AdminSecret())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		for _, tok := range h.Tokens() {
			tokenIDs = append(tokenIDs, tok.ID)
		}
		return tokenIDs, rec.Header().Get("X-Request-Id")
	}
	ids1, req1 := run()
	ids2, req2 := run()
	assert.Equal(t, ids1, ids2, "the admin token the fake adds has the same ID every time")
	assert.Equal(t, req1, req2)
	assert.NotEmpty(t, req1)
}

// A seeded account and the fake's clock agree, whatever moment each was given: a token last
// used 100 days before the seed's moment is last used 100 days before the fake's now. Before,
// a zero SeedOptions.Now (2026-01-01) under a clock months later made tokens look stale that
// the same seed, seen at the clock's moment, shows in use.
func TestSeededAccountAgreesWithTheClock(t *testing.T) {
	later := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	clock := func() time.Time { return later }
	seenNow := NewHandler(Options{Account: Seed(SeedOptions{Members: 30, Tokens: 41, Seed: 2, Now: later}), Now: clock})
	seenEarlier := NewHandler(Options{Account: Seed(SeedOptions{Members: 30, Tokens: 41, Seed: 2}), Now: clock})

	stale := func(h *Handler) (n int) {
		for _, tok := range h.Tokens() {
			if tok.LastUsed != 0 && later.Sub(time.UnixMilli(tok.LastUsed)) > 90*day {
				n++
			}
		}
		return n
	}
	assert.Equal(t, stale(seenNow), stale(seenEarlier), "tokens unused for 90 days")
	assert.Equal(t, seenNow.Tokens(), seenEarlier.Tokens())
	assert.Equal(t, seenNow.Members(), seenEarlier.Members())
}
