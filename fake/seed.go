package fake

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// SeedOptions say what account Seed builds.
type SeedOptions struct {
	// Members is how many members, the owner included; at least 1.
	Members int
	// Tokens is how many access tokens.
	Tokens int
	// Seed seeds the random generator: the same options give the same account.
	Seed int64
	// Now is the moment the account is seen at (creation dates, last-seen and last-used times
	// are before it); zero means 2026-01-01T00:00:00Z, so that the account does not depend on
	// the clock. Seed records it in Account.SeenAt, and a fake serving the account moves its
	// times to the fake's own clock, so the two always agree.
	Now time.Time
}

const day = 24 * time.Hour

// Seed builds a realistic account deterministically: one owner (the first member), a few
// admins, writers, readers and members without access; custom roles and teams; last-seen times
// from minutes to years ago, never-seen members, members with no last-seen data and pending
// invites; MFA on and off; personal and service tokens, some never used, some unused for more
// than 90 days, some admin, some with a wildcard inline policy, some owned by members who have
// left; and one address, taken@elsewhere.example, that belongs to another account. 5,000
// members take a few milliseconds.
func Seed(opts SeedOptions) *Account {
	now := opts.Now
	if now.IsZero() {
		now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	g := &seeder{
		rng:    rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed_1d0c_ce55)),
		now:    now,
		emails: map[string]int{},
	}
	a := &Account{SeenAt: now}
	for _, r := range seedRoles {
		a.CustomRoles = append(a.CustomRoles, CustomRole{ID: g.id(), Key: r[0], Name: r[1]})
	}
	for _, t := range seedTeams {
		a.Teams = append(a.Teams, Team{Key: t[0], Name: t[1], CustomRoleKeys: strings.Fields(t[2])})
	}
	a.Members = make([]api.Member, 0, max(opts.Members, 1))
	for i := range max(opts.Members, 1) {
		a.Members = append(a.Members, g.member(i, a))
	}
	for range opts.Tokens {
		a.Tokens = append(a.Tokens, g.token(a))
	}
	a.TakenEmails = []string{"taken@elsewhere.example"}
	return a
}

type seeder struct {
	rng    *rand.Rand
	now    time.Time
	emails map[string]int // addresses handed out per name and domain
}

// id is a 24-hex-digit ID, like LaunchDarkly's.
func (g *seeder) id() string { return fmt.Sprintf("%016x%08x", g.rng.Uint64(), g.rng.Uint32()) }

func (g *seeder) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// ago is a time between lo and hi before now, in epoch ms.
func (g *seeder) ago(lo, hi time.Duration) int64 {
	return g.now.Add(-lo - time.Duration(g.rng.Int64N(int64(hi-lo)+1))).UnixMilli()
}

func (g *seeder) member(i int, a *Account) api.Member {
	first, last := g.pick(firstNames), g.pick(lastNames)
	email := g.email(first, last)
	m := api.Member{
		ID: g.id(), FirstName: first, LastName: last, Email: email,
		CustomRoles: []string{}, MFA: "disabled", Verified: true, Version: 1 + g.rng.IntN(5),
		ExcludedDashboards: []string{},
	}
	if g.rng.Float64() < 0.6 {
		m.MFA = "enabled"
	}
	// The draws below happen in this order, so that a seed always yields the same account.
	g.access(i, a, &m)
	g.activity(i, &m)
	g.belongings(a, &m)
	rarities(i, &m)
	return m
}

// access draws the member's role and custom roles; the first member is the owner.
func (g *seeder) access(i int, a *Account, m *api.Member) {
	customRole := func() []string { return []string{a.CustomRoles[g.rng.IntN(len(a.CustomRoles))].Key} }
	p := g.rng.Float64()
	switch {
	case i == 0:
		m.Role = "owner"
	case p < 0.03:
		m.Role = "admin"
	case p < 0.45:
		m.Role = "writer"
	case p < 0.85:
		m.Role = "reader"
	case p < 0.90:
		m.Role = "no_access"
	default: // custom roles alone
		m.Role = "no_access"
		m.CustomRoles = customRole()
	}
	if m.Role != "owner" && m.Role != "no_access" && g.rng.Float64() < 0.1 {
		m.CustomRoles = customRole()
	}
}

// activity draws when the member joined and was last seen: a mix of daily users, stale ones,
// pending invitations and members LaunchDarkly has no last-seen time for.
func (g *seeder) activity(i int, m *api.Member) {
	m.CreationDate = g.ago(30*day, 5*365*day)
	switch q := g.rng.Float64(); {
	case i == 0:
		m.LastSeen = g.ago(0, time.Hour)
	case q < 0.04: // invited, not yet accepted
		m.PendingInvite, m.Verified, m.MFA = true, false, "disabled"
		m.CreationDate = g.ago(0, 150*day) // some forgotten: past a 90-day review
	case q < 0.07: // provisioned, never signed in
		m.Verified = false
	case q < 0.10: // active before LaunchDarkly recorded last-seen times
		m.LastSeen = 0
	case q < 0.40:
		m.LastSeen = g.ago(0, day)
	case q < 0.70:
		m.LastSeen = g.ago(day, 30*day)
	case q < 0.90:
		m.LastSeen = g.ago(30*day, 365*day)
	default:
		m.LastSeen = g.ago(365*day, 3*365*day)
	}
	if m.LastSeen > 0 && m.LastSeen < m.CreationDate {
		m.CreationDate = m.LastSeen
	}
	if m.LastSeen > 0 && g.rng.Float64() < 0.5 {
		m.LastSeenMetadata = api.LastSeenMetadata{TokenID: g.id()}
	}
}

// belongings draws the member's teams, role attributes and sign-in providers.
func (g *seeder) belongings(a *Account, m *api.Member) {
	if g.rng.Float64() < 0.7 {
		n := 1 + g.rng.IntN(2)
		teams := make([]api.MemberTeamSummaryRep, 0, n)
		for _, j := range g.rng.Perm(len(a.Teams))[:n] {
			teams = append(teams, teamSummary(a.Teams[j]))
		}
		m.Teams = teams
	}
	if g.rng.Float64() < 0.05 {
		m.RoleAttributes = map[string]api.RoleAttributeValues{"projects": {"default", g.pick(projects)}}
	}
	if g.rng.Float64() < 0.3 {
		m.OAuthProviders = []api.OAuthProviderKind{g.pick([]string{"google", "github", "okta"})}
	}
}

// rarities sets the properties that only some members have, chosen by position rather than by
// a new draw, so that every member seeded before they were added stays as it was.
func rarities(i int, m *api.Member) {
	if i%13 == 4 && !m.PendingInvite {
		local, domain, _ := strings.Cut(m.Email, "@")
		m.PendingEmail = local + ".new@" + domain
	}
	if i%7 == 2 {
		m.ExcludedDashboards = []string{"experiments"}
	}
	if i%9 == 5 && len(m.Teams) > 0 {
		m.PermissionGrants = []api.MemberPermissionGrantSummaryRep{{
			ActionSet: "maintainTeam", Actions: []string{"updateTeamMembers"}, Resource: "team/" + m.Teams[0].Key,
		}}
	}
}

// email makes a unique address from the names: the second Ada Abebe at acme.com is
// ada.abebe2@acme.com. Names hold no digits, so a numbered address never meets a plain one.
func (g *seeder) email(first, last string) string {
	local := strings.ToLower(first + "." + last)
	domain := g.pick(domains)
	key := local + "@" + domain
	n := g.emails[key]
	g.emails[key] = n + 1
	if n == 0 {
		return key
	}
	return local + strconv.Itoa(n+1) + "@" + domain
}

func (g *seeder) token(a *Account) api.Token {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	owner := a.Members[0].ID
	if g.rng.Float64() < 0.1 {
		owner = g.id() // a member who has since left
	} else if len(a.Members) > 1 {
		owner = a.Members[g.rng.IntN(len(a.Members))].ID
	}
	created := g.ago(day, 3*365*day)
	t := api.Token{
		ID: g.id(), OwnerID: owner, MemberID: owner,
		Name:   fmt.Sprintf("%s-%d", g.pick(tokenNames), g.rng.IntN(100)),
		Secret: secretFromBytes(b), ServiceToken: g.rng.Float64() < 0.3, CreationDate: created,
		LastModified:      created,
		DefaultAPIVersion: []int{20240415, 20220603, 20191212}[g.rng.IntN(3)],
	}
	if g.rng.Float64() < 0.5 {
		t.Description = "Used by " + t.Name
	}
	switch p := g.rng.Float64(); {
	case p < 0.15:
		t.InlineRole = []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}}}
	case p < 0.25:
		t.InlineRole = []api.Statement{{
			Effect: "allow", Actions: []string{"updateOn", "updateOff"},
			Resources: []string{"proj/*:env/production:flag/*"},
		}}
	case p < 0.35:
		t.CustomRoleIDs = []api.ObjectID{a.CustomRoles[g.rng.IntN(len(a.CustomRoles))].ID}
	case p < 0.55:
		t.Role = "admin"
	case p < 0.80:
		t.Role = "writer"
	default:
		t.Role = "reader"
	}
	switch q := g.rng.Float64(); {
	case q < 0.2: // never used: no lastUsed
	case q < 0.45: // stale: unused for more than 90 days
		t.LastUsed = max(g.ago(91*day, 2*365*day), created)
	default:
		t.LastUsed = max(g.ago(0, 30*day), created)
	}
	return t
}

var (
	firstNames = strings.Fields(`Ada Alan Ariel Avery Bea Carlos Chen Dana Dev Elif Emma Farah Femi
		Grace Hana Hugo Ines Ivan Jamal Jin Kai Kenji Lea Leila Lucas Maya Mateo Mei Nadia Nia
		Noah Olga Omar Priya Quinn Rafael Rosa Sam Sana Sofia Tariq Tess Uma Viktor Wen Yara
		Yusuf Zoe Amir Bo Cleo Diego Eli Freya Gus Hiro Ivy Jonah Kira Luca`)
	lastNames = strings.Fields(`Abebe Adeyemi Alvarez Andersen Bauer Becker Chen Costa Dubois
		Eriksen Fischer Flores Garcia Gupta Haddad Hansen Ito Jensen Kaur Kim Kowalski Larsen
		Lopez Martin Meyer Moreau Nakamura Nguyen Novak Okafor Olsen Park Patel Petrov Quispe
		Rossi Sato Schmidt Silva Singh Smith Sousa Tanaka Torres Ueda Vargas Wagner Walsh Wang
		Weber Yamamoto Yilmaz Zhang Ziegler Brooks Reyes Hughes Murphy Price Shah`)
	domains    = []string{"acme.com", "acme.com", "acme.com", "acme.io", "example.org", "contractor.dev"}
	projects   = []string{"mobile", "web", "billing", "search"}
	tokenNames = []string{"deploy-bot", "terraform", "ci-pipeline", "datadog-sync", "audit-export",
		"release-tool", "backstage", "local-dev", "scim-bridge", "flag-cleanup"}
	seedRoles = [][2]string{
		{"flag-editor", "Flag editor"}, {"release-manager", "Release manager"},
		{"qa-tester", "QA tester"}, {"sre-oncall", "SRE on call"},
		{"billing-viewer", "Billing viewer"}, {"experiment-analyst", "Experiment analyst"},
		{"segment-admin", "Segment admin"}, {"security-auditor", "Security auditor"},
	}
	// key, name, custom roles granted (space-separated)
	seedTeams = [][3]string{
		{"platform", "Platform", "flag-editor sre-oncall"}, {"mobile", "Mobile", "flag-editor"},
		{"web", "Web", "flag-editor release-manager"}, {"data", "Data", "experiment-analyst"},
		{"security", "Security", "security-auditor"}, {"growth", "Growth", "experiment-analyst segment-admin"},
		{"sre", "SRE", "sre-oncall"}, {"payments", "Payments", "billing-viewer release-manager"},
	}
)
