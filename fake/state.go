package fake

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// state is the account in memory. One mutex guards all of it: operations are short, and the
// expensive part, filtering and sorting thousands of members, is cached per query until the
// next change to a member (see view.go).
type state struct {
	mu sync.Mutex

	members    map[string]*memberRec
	memberList []*memberRec      // creation order: the order of an unsorted list
	emails     map[string]string // lower-case email → member ID
	tokens     map[string]*tokenRec
	tokenList  []*tokenRec // creation order
	secrets    map[string]secretRef
	teams      map[string]Team // by lower-case key
	teamOrder  []string        // lower-case keys, in the order given
	roleKeys   map[string]CustomRole
	roleIDs    map[string]CustomRole
	taken      map[string]bool // lower-case emails of other accounts' members

	ownerID string

	// memberVersion counts changes to members; cached views older than it are stale.
	memberVersion uint64
	views         map[viewKey]*view
	viewMembers   int // members held by all views

	ids      idSource
	applied  map[string]int // lower-case operationId → writes applied
	writes   map[string]int // member or token ID → writes that changed or removed it
	requests []Request
}

// memberRec is a member and what filters and sorts need of it, computed once per change.
type memberRec struct {
	m api.Member // RoleAttributes kept here, dropped from answers unless expanded

	lowerFirst, lowerLast, lowerFull, lowerEmail string
	sortName                                     string   // lower-case displayName
	teamKeys                                     []string // lower-case
}

// index recomputes the derived fields after a change to names, email or teams.
func (r *memberRec) index() {
	r.lowerFirst = strings.ToLower(r.m.FirstName)
	r.lowerLast = strings.ToLower(r.m.LastName)
	r.lowerFull = strings.TrimSpace(r.lowerFirst + " " + r.lowerLast)
	r.lowerEmail = strings.ToLower(r.m.Email)
	r.sortName = r.lowerFull
	if r.sortName == "" {
		r.sortName = r.lowerEmail
	}
	r.teamKeys = r.teamKeys[:0]
	if r.m.Teams != nil {
		for _, t := range r.m.Teams {
			r.teamKeys = append(r.teamKeys, strings.ToLower(t.Key))
		}
	}
}

// tokenRec is a token and its current secret. The api.Token never holds the secret: answers
// add it (in full or obfuscated) when they are built.
type tokenRec struct {
	t      api.Token
	secret string
}

// secretRef is what a secret authenticates as. expires is in epoch ms, 0 for never: a reset
// gives the old secret the caller's expiry.
type secretRef struct {
	tokenID string
	expires int64
}

func newState() *state {
	return &state{
		members:  map[string]*memberRec{},
		emails:   map[string]string{},
		tokens:   map[string]*tokenRec{},
		secrets:  map[string]secretRef{},
		teams:    map[string]Team{},
		roleKeys: map[string]CustomRole{},
		roleIDs:  map[string]CustomRole{},
		taken:    map[string]bool{},
		views:    map[viewKey]*view{},
		applied:  map[string]int{},
		writes:   map[string]int{},
	}
}

// load fills an empty state from an account seen at now (its times moved by Account.shift),
// adds an owner if it has none and makes adminSecret a personal admin token of the owner unless
// the account already holds that secret.
func (s *state) load(a *Account, adminSecret string, now time.Time) {
	if a == nil {
		a = &Account{}
	}
	d := a.shift(now)
	for _, r := range a.CustomRoles {
		r = cloneCustomRole(r)
		s.roleKeys[r.Key] = r
		s.roleIDs[r.ID] = r
	}
	for _, t := range a.Teams {
		s.addTeam(cloneTeam(t))
	}
	for _, e := range a.TakenEmails {
		s.taken[strings.ToLower(e)] = true
	}
	for _, m := range a.Members {
		m = cloneMember(m)
		shiftTimes(&m, d)
		if m.ID == "" {
			m.ID = s.ids.next(now)
		}
		if m.Role == "owner" && s.ownerID == "" {
			s.ownerID = m.ID
		}
		s.insertMember(normalizeMember(m, now, s))
	}
	if s.ownerID == "" {
		owner := api.Member{
			ID: s.ids.next(now), Role: "owner", Email: "owner@example.com",
			FirstName: "Account", LastName: "Owner", Verified: true, MFA: "enabled",
			CreationDate: now.UnixMilli(), LastSeen: now.UnixMilli(),
		}
		s.ownerID = owner.ID
		// The owner comes first, as the account's first member.
		s.insertMember(normalizeMember(owner, now, s))
		copy(s.memberList[1:], s.memberList[:len(s.memberList)-1])
		s.memberList[0] = s.members[owner.ID]
	}
	haveAdmin := false
	for _, t := range a.Tokens {
		t = cloneToken(t)
		shiftTimes(&t, d)
		if t.ID == "" {
			t.ID = s.ids.next(now)
		}
		secret := t.Secret // normalizeToken clears it: reads show only its last four characters
		s.insertToken(normalizeToken(t, now), secret)
		haveAdmin = haveAdmin || secret == adminSecret
	}
	if !haveAdmin {
		t := api.Token{
			ID: s.ids.next(now), OwnerID: s.ownerID, MemberID: s.ownerID,
			Name: "ldaccess fake admin", Role: "admin", ServiceToken: false,
			CreationDate: now.UnixMilli(), LastModified: now.UnixMilli(),
		}
		s.insertToken(normalizeToken(t, now), adminSecret)
		copy(s.tokenList[1:], s.tokenList[:len(s.tokenList)-1])
		s.tokenList[0] = s.tokens[t.ID]
	}
}

// normalizeMember fills what the contract requires and the fake maintains.
func normalizeMember(m api.Member, now time.Time, s *state) api.Member {
	if m.CustomRoles == nil {
		m.CustomRoles = []string{}
	}
	if m.MFA == "" {
		m.MFA = "disabled"
	}
	if m.Role == "" {
		m.Role = "reader"
	}
	if m.CreationDate == 0 {
		m.CreationDate = now.UnixMilli()
	}
	m.Links = selfLink("/api/v2/members/" + m.ID)
	if m.Teams != nil {
		ts := make([]api.MemberTeamSummaryRep, 0, len(m.Teams))
		for _, t := range m.Teams {
			if _, ok := s.teams[strings.ToLower(t.Key)]; !ok {
				s.addTeam(Team{Key: t.Key, Name: t.Name, CustomRoleKeys: slices.Clone(t.CustomRoleKeys)})
			}
			ts = append(ts, teamSummary(s.teams[strings.ToLower(t.Key)]))
		}
		m.Teams = ts
	}
	return m
}

func normalizeToken(t api.Token, now time.Time) api.Token {
	if t.CreationDate == 0 {
		t.CreationDate = now.UnixMilli()
	}
	if t.LastModified == 0 {
		t.LastModified = t.CreationDate
	}
	t.Secret = ""
	t.Member = api.MemberSummary{}
	t.Links = selfLink("/api/v2/tokens/" + t.ID)
	return t
}

func (s *state) addTeam(t Team) {
	k := strings.ToLower(t.Key)
	if _, ok := s.teams[k]; !ok {
		s.teamOrder = append(s.teamOrder, k)
	}
	if t.CustomRoleKeys == nil {
		t.CustomRoleKeys = []string{}
	}
	if t.Name == "" {
		t.Name = t.Key
	}
	s.teams[k] = t
}

func teamSummary(t Team) api.MemberTeamSummaryRep {
	return api.MemberTeamSummaryRep{Key: t.Key, Name: t.Name, CustomRoleKeys: slices.Clone(t.CustomRoleKeys)}
}

func (s *state) insertMember(m api.Member) *memberRec {
	r := &memberRec{m: m}
	r.index()
	s.members[m.ID] = r
	s.memberList = append(s.memberList, r)
	s.emails[r.lowerEmail] = m.ID
	s.memberVersion++
	return r
}

// setMember replaces a member's value after a change and makes cached views stale.
func (s *state) setMember(r *memberRec, m api.Member) {
	m.Version = max(m.Version, 1) + 1 // an absent version counts as the first
	r.m = m
	r.index()
	s.memberVersion++
	s.writes[m.ID]++
}

func (s *state) deleteMember(id string) {
	r := s.members[id]
	s.writes[id]++
	delete(s.members, id)
	delete(s.emails, r.lowerEmail)
	for i, x := range s.memberList {
		if x == r {
			s.memberList = append(s.memberList[:i:i], s.memberList[i+1:]...)
			break
		}
	}
	s.memberVersion++
}

func (s *state) insertToken(t api.Token, secret string) *tokenRec {
	r := &tokenRec{t: t, secret: secret}
	s.tokens[t.ID] = r
	s.tokenList = append(s.tokenList, r)
	if secret != "" {
		s.secrets[secret] = secretRef{tokenID: t.ID}
	}
	return r
}

func (s *state) deleteToken(id string) {
	r := s.tokens[id]
	s.writes[id]++
	delete(s.tokens, id)
	for sec, ref := range s.secrets {
		if ref.tokenID == id {
			delete(s.secrets, sec)
		}
	}
	for i, x := range s.tokenList {
		if x == r {
			s.tokenList = append(s.tokenList[:i:i], s.tokenList[i+1:]...)
			break
		}
	}
}

// memberAnswer is a member as an answer shows it: roleAttributes only when expanded. The copy
// is shallow; see clone.go for why that is safe.
func memberAnswer(r *memberRec, roleAttributes bool) api.Member {
	m := r.m
	if !roleAttributes {
		m.RoleAttributes = nil
	}
	// Each team links to itself. Made here rather than kept in the state, where 10,000 members'
	// links would only weigh.
	if m.Teams != nil {
		ts := make([]api.MemberTeamSummaryRep, len(m.Teams))
		for i, t := range m.Teams {
			t.Links = selfLink("/api/v2/teams/" + url.PathEscape(t.Key))
			ts[i] = t
		}
		m.Teams = ts
	}
	return m
}

// tokenAnswer is a token as reads show it: the secret obfuscated, the member summarized.
func (s *state) tokenAnswer(r *tokenRec) api.Token {
	t := r.t
	if r.secret != "" {
		t.Secret = obfuscate(r.secret)
	}
	if m, ok := s.members[t.MemberID]; ok {
		t.Member = api.MemberSummary{
			ID: m.m.ID, Email: m.m.Email, Role: m.m.Role,
			FirstName: m.m.FirstName, LastName: m.m.LastName,
			Links: selfLink("/api/v2/members/" + m.m.ID),
		}
	}
	return t
}

func selfLink(href string) api.Links {
	return api.Links{"self": link(href)}
}

func link(href string) api.Link {
	return api.Link{Href: href, Type: "application/json"}
}
