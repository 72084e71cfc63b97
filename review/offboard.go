package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Offboarded is the reason of the actions an offboarding plans for the people it names.
const Offboarded Finding = "offboarding"

// OffboardOptions adjust Offboard.
type OffboardOptions struct {
	// Policy decides what happens to the service tokens the people own, which are owner-gone
	// once they leave: its rules for owner-gone (delete-token, reset-token) apply, and its Never
	// list spares. Without such a rule (DefaultPolicy) they are only reported.
	Policy Policy
	// KeepPersonalTokens lists the people's personal tokens (Offboarding.KeptTokens) instead of
	// deleting them.
	KeepPersonalTokens bool
	// Now is the clock: the plan's date, and the age of a service token for a rule's olderThan.
	// time.Now if nil.
	Now func() time.Time
}

// An Offboarding is what Offboard found and plans.
type Offboarding struct {
	// Plan deletes the people's personal tokens, acts on their service tokens as the policy
	// says, then removes the people, tokens first. Refusals (the account owner, the member
	// ldaccess runs as, its token) are in Plan.Refused with the reason.
	Plan Plan
	// Members are the members the people named, in the order named.
	Members []api.Member
	// NotFound are the people no member matched, as given.
	NotFound []string
	// KeptTokens are personal tokens left in place (KeepPersonalTokens), secrets masked.
	KeptTokens []api.Token
	// ServiceTokens are the service tokens the people own that no rule acts on: they outlive
	// their owner's departure, and someone should decide what becomes of them.
	ServiceTokens []api.Token
	// ManagedByIdentityProvider are the emails of the members an identity provider (SCIM or
	// SAML) manages: LaunchDarkly refuses to remove them, and the person must be deprovisioned
	// there; their tokens can still be deleted.
	ManagedByIdentityProvider []string
}

// Empty reports whether the offboarding matched no member: there is nothing to plan, and
// nothing should be written.
func (o Offboarding) Empty() bool { return len(o.Members) == 0 }

// Offboard plans the departure of people, named by email address or member ID: each one's
// personal tokens deleted (or, with KeepPersonalTokens, listed), the service tokens they own
// handled as the policy says (by default reported, not deleted), and the member removed. It
// reads the account and changes nothing: Apply carries the plan out. Listing every token needs
// an admin token.
//
// The account owner, the member the client runs as and the client's own token are never
// planned for: they are in Plan.Refused with the reason. People no member matches are in
// NotFound; when no one matched, the result is Empty.
func Offboard(ctx context.Context, c *wrapper.Client, people []string, o OffboardOptions) (Offboarding, error) {
	if err := checkPeople(people); err != nil {
		return Offboarding{}, err
	}
	if err := o.Policy.Validate(); err != nil {
		return Offboarding{}, err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	ob := &offboarder{c: c, o: o, now: now().UTC()}
	if err := ob.readAccount(ctx); err != nil {
		return Offboarding{}, err
	}
	if err := ob.findMembers(ctx, people); err != nil {
		return Offboarding{}, err
	}
	if err := ob.planTokens(ctx); err != nil {
		return Offboarding{}, err
	}
	ob.planMembers()
	return ob.res, nil
}

// checkPeople refuses what is neither an email address nor an ID, before anything is sent: a
// "," or "|" would make the members filter read one person as two.
func checkPeople(people []string) error {
	for _, p := range people {
		if strings.Contains(p, "@") && !strings.ContainsAny(p, ",|") && !strings.ContainsFunc(p, unicode.IsSpace) &&
			!strings.ContainsFunc(p, unicode.IsControl) {
			continue
		}
		if checkID(p) != nil {
			return fmt.Errorf("offboard: %q is neither an email address nor a member ID", p)
		}
	}
	return nil
}

type offboarder struct {
	c   *wrapper.Client
	o   OffboardOptions
	now time.Time
	g   ground
	res Offboarding
	// byID are the members found, by ID.
	byID map[string]api.Member
}

// readAccount reads the account's owner and the caller: the plan's account and its ground.
func (ob *offboarder) readAccount(ctx context.Context) error {
	var owner api.Member
	q := wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{RoleOwner}}}
	for m, err := range ob.c.Members(ctx, q) {
		if err != nil {
			return fmt.Errorf("finding the account's owner: %w", err)
		}
		if m.Role == RoleOwner && owner.ID == "" {
			owner = m
		}
	}
	if owner.ID == "" {
		return errors.New("the account has no owner to identify it by")
	}
	caller, err := WhoAmI(ctx, ob.c)
	if err != nil {
		return err
	}
	ob.g = ground{ownerID: owner.ID, caller: caller}
	ob.res.Plan = Plan{
		Format: PlanFormat, Account: Account{OwnerID: owner.ID, OwnerEmail: owner.Email}, Caller: caller,
		ReviewedAt: ob.now, Policy: ob.o.Policy, Actions: []Action{},
	}
	return nil
}

// findMembers looks the people up, by email and by ID, fifty to a request.
func (ob *offboarder) findMembers(ctx context.Context, people []string) error {
	var emails, ids []string
	for _, p := range people {
		if strings.Contains(p, "@") {
			emails = append(emails, p)
		} else {
			ids = append(ids, p)
		}
	}
	found := map[string]api.Member{} // by lower-case email and by ID
	add := func(f wrapper.MemberFilter) error {
		for m, err := range ob.c.Members(ctx, wrapper.MembersQuery{Filter: f}) {
			if err != nil {
				return fmt.Errorf("finding the members: %w", err)
			}
			found[strings.ToLower(m.Email)], found[m.ID] = m, m
		}
		return nil
	}
	for batch := range slices.Chunk(emails, 50) {
		if err := add(wrapper.MemberFilter{Emails: batch}); err != nil {
			return err
		}
	}
	for batch := range slices.Chunk(ids, 50) {
		if err := add(wrapper.MemberFilter{IDs: batch}); err != nil {
			return err
		}
	}
	ob.byID = map[string]api.Member{}
	for _, p := range people {
		m, ok := found[strings.ToLower(p)]
		if !ok {
			m, ok = found[p]
		}
		switch {
		case !ok:
			ob.res.NotFound = append(ob.res.NotFound, p)
		case ob.byID[m.ID].ID == "":
			ob.byID[m.ID] = m
			ob.res.Members = append(ob.res.Members, m)
		}
	}
	return nil
}

// planTokens goes through every token once: the people's personal tokens are deleted (or
// kept), their service tokens go to the policy.
func (ob *offboarder) planTokens(ctx context.Context) error {
	if ob.res.Empty() {
		return nil
	}
	pl := newPlanner(ob.o.Policy, ob.now)
	for t, err := range ob.c.Tokens(ctx, wrapper.TokensQuery{ShowAll: true}) {
		if err != nil {
			return fmt.Errorf("listing tokens: %w", err)
		}
		m, ok := ob.byID[t.OwnerID]
		if !ok {
			continue
		}
		t = MaskSecret(t)
		if t.ServiceToken {
			ob.serviceToken(pl, t, m)
		} else {
			ob.personalToken(t, m)
		}
	}
	return nil
}

func (ob *offboarder) personalToken(t api.Token, m api.Member) {
	if ob.o.KeepPersonalTokens {
		ob.res.KeptTokens = append(ob.res.KeptTokens, t)
		return
	}
	a := onToken(Action{Kind: DeleteToken, Reasons: []Finding{Offboarded}}, t, m.Email)
	ob.res.Plan.propose(a, ob.refusesToken(t, m, a.Kind))
}

// serviceToken applies the policy's owner-gone rules to a service token of a leaver.
func (ob *offboarder) serviceToken(pl planner, t api.Token, m api.Member) {
	a, ok := pl.token(TokenRow{Token: t, Owner: m.Email, Findings: []Finding{TokenOwnerGone}}) // t.OwnerID is m.ID
	if !ok {
		ob.res.ServiceTokens = append(ob.res.ServiceTokens, t)
		return
	}
	ob.res.Plan.propose(a, ob.refusesToken(t, m, a.Kind))
}

// refusesToken: a token is refused with its owner (the account owner, the caller), and on its
// own when it is the one the client runs with.
func (ob *offboarder) refusesToken(t api.Token, m api.Member, kind ActionKind) string {
	if why := ob.g.refusesMember(m.ID, m.Role); why != "" {
		return "its owner is refused: " + why
	}
	return ob.g.refusesToken(t, kind)
}

// planMembers removes each person found, after their tokens.
func (ob *offboarder) planMembers() {
	for _, m := range ob.res.Members {
		if m.IntegrationMetadata != nil {
			ob.res.ManagedByIdentityProvider = append(ob.res.ManagedByIdentityProvider, m.Email)
		}
		a := Action{
			ID: string(RemoveMember) + ":" + m.ID, Kind: RemoveMember, Subject: subjectMember, ObjectID: m.ID,
			Name: m.Email, Reasons: []Finding{Offboarded}, State: MemberState(m),
		}
		ob.res.Plan.propose(a, ob.g.refusesMember(m.ID, m.Role))
	}
}
