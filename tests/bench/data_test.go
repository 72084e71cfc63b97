package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/ldaccess/ldaccess/api"
)

// The data the benchmark server serves is generated from the api types with a fixed seed, so
// every run and both clients decode byte-identical bodies shaped like LaunchDarkly's: links,
// teams, permission grants, identity-provider metadata on some members, policies on some
// tokens.

const (
	benchToken = "api-LEAKCANARY-0000-4000-8000-000000000000"
	dataSeed   = 20240415
	epochBase  = int64(1_700_000_000_000) // ms; fixed so bodies never change between runs
)

var (
	firstNames = []string{"Ariel", "Sandy", "Omar", "Mei", "Lukas", "Priya", "Jonas", "Fatima", "Diego", "Aiko", "Nadia", "Tomás"}
	lastNames  = []string{"Flores", "Chen", "Haddad", "Nakamura", "Schmidt", "Raman", "Berg", "Okafor", "García", "Ito", "Novak", "Silva"}
	roles      = []string{"reader", "writer", "admin", "no_access", "reader", "writer"}
	custom     = []string{"flag-editor", "release-manager", "auditor", "sre-oncall", "data-viewer"}
	teamKeys   = []string{"platform", "security", "mobile", "web", "payments", "growth"}
)

func link(href string) api.Link { return api.Link{Href: href, Type: "application/json"} }

// memberID is a deterministic 24-hex-digit ID, unique per index.
func memberID(i int) string { return fmt.Sprintf("569f1835%016x", 0x14f4432160000000+uint64(i)) }

func tokenID(i int) string { return fmt.Sprintf("61095542%016x", 0x756dba5511100000+uint64(i)) }

// genMember returns member i of a realistic account.
func genMember(i int) api.Member {
	r := rand.New(rand.NewPCG(dataSeed, uint64(i)))
	id := memberID(i)
	fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	m := api.Member{
		ID:            id,
		Links:         api.Links{"self": link("/api/v2/members/" + id)},
		FirstName:     fn,
		LastName:      ln,
		Role:          roles[r.IntN(len(roles))],
		Email:         fmt.Sprintf("%s.%s.%d@acme-corp.example.com", fn, ln, i),
		PendingInvite: r.IntN(20) == 0,
		Verified:      r.IntN(10) != 0,
		CustomRoles:   []string{},
		MFA:           []string{"enabled", "disabled"}[r.IntN(2)],
		CreationDate:  epochBase - int64(r.IntN(1_000_000_000)),
		Version:       1 + r.IntN(9),
	}
	if r.IntN(4) != 0 {
		m.LastSeen = epochBase - int64(r.IntN(100_000_000))
		m.LastSeenMetadata = api.LastSeenMetadata{TokenID: tokenID(r.IntN(50))}
	}
	for range r.IntN(3) {
		m.CustomRoles = append(m.CustomRoles, custom[r.IntN(len(custom))])
	}
	m.ExcludedDashboards = []string{}
	teams := make([]api.MemberTeamSummaryRep, 1+r.IntN(2))
	for t := range teams {
		k := teamKeys[r.IntN(len(teamKeys))]
		teams[t] = api.MemberTeamSummaryRep{
			CustomRoleKeys: []string{custom[r.IntN(len(custom))]},
			Key:            k,
			Name:           k + " team",
			Links:          api.Links{"self": link("/api/v2/teams/" + k)},
		}
	}
	m.Teams = teams
	if r.IntN(3) == 0 {
		m.PermissionGrants = []api.MemberPermissionGrantSummaryRep{{
			ActionSet: "maintainTeam", Actions: []string{"updateTeamMembers"}, Resource: "team/" + teams[0].Key,
		}}
	}
	m.OAuthProviders = []api.OAuthProviderKind{"google"}
	if r.IntN(5) == 0 {
		ext := "00u" + strconv.Itoa(100000+i)
		m.IntegrationMetadata = &api.IntegrationMetadata{
			ExternalID:     ext,
			ExternalStatus: api.IntegrationStatus{Display: "In sync", Value: "in_sync"},
			ExternalURL:    "https://acme.okta.example.com/admin/user/profile/view/" + ext,
			LastChecked:    epochBase - int64(r.IntN(10_000_000)),
		}
	}
	return m
}

// genToken returns token i; full reveals its whole secret, as create and reset do.
func genToken(i int, full bool) api.Token {
	r := rand.New(rand.NewPCG(dataSeed+1, uint64(i)))
	id := tokenID(i)
	owner := memberID(r.IntN(1000))
	secret := fmt.Sprintf("api-%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1))
	if !full {
		secret = secret[len(secret)-4:]
	}
	t := api.Token{
		ID:                id,
		Links:             api.Links{"self": link("/api/v2/tokens/" + id), "parent": link("/api/v2/tokens")},
		Member:            api.MemberSummary{ID: owner, Links: api.Links{"self": link("/api/v2/members/" + owner)}, Email: "owner" + strconv.Itoa(i) + "@acme-corp.example.com", FirstName: firstNames[i%len(firstNames)], LastName: lastNames[i%len(lastNames)], Role: "admin"},
		CreationDate:      epochBase - int64(r.IntN(1_000_000_000)),
		LastModified:      epochBase - int64(r.IntN(100_000_000)),
		MemberID:          owner,
		OwnerID:           owner,
		Name:              fmt.Sprintf("deploy-bot-%d", i),
		Description:       "Used by the deploy pipeline of service " + strconv.Itoa(i),
		DefaultAPIVersion: 20240415,
		ServiceToken:      r.IntN(2) == 0,
		Secret:            secret,
	}
	if r.IntN(3) != 0 {
		t.LastUsed = epochBase - int64(r.IntN(10_000_000))
	}
	if r.IntN(2) == 0 {
		t.Role = roles[r.IntN(3)]
	} else {
		t.CustomRoleIDs = []api.ObjectID{tokenID(900 + r.IntN(9))}
		t.InlineRole = []api.Statement{{
			Resources: []string{"proj/*:env/production:flag/*"},
			Actions:   []api.ActionSpecifier{"updateOn", "updateFallthrough"},
			Effect:    api.StatementEffectAllow,
		}}
	}
	return t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// encodeItems returns the JSON array of members [from, from+n).
func encodeMemberItems(from, n int) []byte {
	items := make([]api.Member, n)
	for i := range items {
		items[i] = genMember(from + i)
	}
	return mustJSON(items)
}
