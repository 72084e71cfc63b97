package review

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// A Caller is who a review or an apply runs as: the member the client's token acts as
// (GET /members/me) and the token itself.
type Caller struct {
	MemberID string `json:"memberId"`
	Email    string `json:"email,omitempty"`
	// TokenIDs are the tokens the client may be authenticating with: the caller's member's
	// tokens whose secret ends with the client's last four characters (LaunchDarkly shows no
	// more of a secret). Normally one; when several match, all of them; when none does, every
	// token of the member: none of them is acted on.
	TokenIDs []string `json:"tokenIds,omitempty"`
	// TokenName is the token's name when exactly one matched.
	TokenName string `json:"tokenName,omitempty"`
	// TokenMembers are the members the tokens of TokenIDs belong to when the API names no
	// member for the client (a service token): a token stops authenticating when its member
	// is removed, so no action touches them either.
	TokenMembers []string `json:"tokenMembers,omitempty"`
}

// WhoAmI identifies the client's caller: its member (GET /members/me) and, among that member's
// tokens, the one the client authenticates with. When the API names no member for the token
// (a service token, where LaunchDarkly ties none to it), the token is looked for among every
// token the client can list, and MemberID is empty.
func WhoAmI(ctx context.Context, c *wrapper.Client) (Caller, error) {
	me, err := readMe(ctx, c)
	if err != nil {
		return Caller{}, err
	}
	tokens, _, err := listTokens(ctx, c, me.ID == "", func(string, int, bool) {})
	if err != nil {
		return Caller{}, fmt.Errorf("listing the caller's tokens: %w", err)
	}
	return callerFrom(me, tokens, c.SecretSuffix()), nil
}

// readMe reads the caller's member: the zero Member when the API has none for the token.
func readMe(ctx context.Context, c *wrapper.Client) (api.Member, error) {
	me, err := c.GetMember(ctx, "me")
	if errors.Is(err, wrapper.ErrNotFound) || errors.Is(err, wrapper.ErrInvalidRequest) {
		return api.Member{}, nil
	}
	if err != nil {
		return api.Member{}, fmt.Errorf("reading who the token acts as: %w", err)
	}
	return me, nil
}

// callerFrom identifies the caller's token among tokens by the last four characters of its
// secret: those of the member's that match, or, if none does, every token of the member. With
// no member known, every token that matches.
func callerFrom(me api.Member, tokens []api.Token, suffix string) Caller {
	c := Caller{MemberID: me.ID, Email: me.Email}
	var mine, match []api.Token
	for _, t := range tokens {
		if me.ID != "" && t.OwnerID != me.ID && t.MemberID != me.ID {
			continue
		}
		mine = append(mine, t)
		if suffix != "" && MaskSecret(t).Secret == suffix {
			match = append(match, t)
		}
	}
	switch {
	case len(match) == 0 && me.ID != "":
		match = mine // none told apart: every one may be it
	case len(match) == 1:
		c.TokenName = match[0].Name
	}
	for _, t := range match {
		c.TokenIDs = append(c.TokenIDs, t.ID)
		for _, m := range []string{t.MemberID, t.OwnerID} {
			if me.ID == "" && m != "" && !slices.Contains(c.TokenMembers, m) {
				c.TokenMembers = append(c.TokenMembers, m)
			}
		}
	}
	return c
}

// known reports whether anything of the caller is known to protect.
func (c Caller) known() bool { return c.MemberID != "" || len(c.TokenIDs) > 0 }

// ground is what no action may touch, whatever a policy or a hand-edited plan says: the
// account owner, the member ldaccess runs as and the token it runs with. Acting on any of them
// would either be refused by LaunchDarkly or cut the run off from under itself (a deleted
// token fails every later action with 401).
type ground struct {
	ownerID string
	caller  Caller
}

// refuses says why the object may not be acted on, "" if it may.
func (g ground) refuses(subject, id string) string {
	switch {
	case subject == subjectMember && id == g.ownerID:
		return "it is the account owner, whom ldaccess never acts on"
	case subject == subjectMember && id == g.caller.MemberID:
		return fmt.Sprintf("it is the member ldaccess runs as (%s): acting on it would cut the run off", orNone(g.caller.Email))
	case subject == subjectMember && slices.Contains(g.caller.TokenMembers, id):
		return "the token ldaccess runs with belongs to it, and stops working when it is removed: acting on it would cut the run off"
	case subject == subjectToken && len(g.caller.TokenIDs) == 1 && g.caller.TokenIDs[0] == id:
		return "it is the token ldaccess runs with: deleting or resetting it would fail every later action"
	case subject == subjectToken && slices.Contains(g.caller.TokenIDs, id):
		return "it may be the token ldaccess runs with (a token of the caller that four characters of a secret do not tell apart from it): it is left alone"
	}
	return ""
}

// refusesToken adds what only the token and the action show: LaunchDarkly gives the new secret
// of a personal token only to the member who created it ("Only you have access to the secret
// values of tokens you create"; an admin may receive a service token's), so a reset of another
// member's personal token is refused there (403) and is not planned here.
func (g ground) refusesToken(t api.Token, kind ActionKind) string {
	if why := g.refuses(subjectToken, t.ID); why != "" {
		return why
	}
	if kind == ResetToken && !t.ServiceToken && g.caller.MemberID != "" && t.MemberID != g.caller.MemberID {
		return "only the member who created a personal token receives its new secret (LaunchDarkly refuses anyone else): its creator can rotate it, or delete it"
	}
	return ""
}

// refusesMember adds what only the member itself shows: the owner's role.
func (g ground) refusesMember(id, role string) string {
	if role == RoleOwner {
		return "it is the account owner, whom ldaccess never acts on"
	}
	return g.refuses(subjectMember, id)
}

// liveGround reads, just before an apply, who owns the account (refusing a plan made for
// another) and who the client is.
func liveGround(ctx context.Context, c *wrapper.Client, plan Plan) (ground, error) {
	owner, err := c.GetMember(ctx, plan.Account.OwnerID)
	if errors.Is(err, wrapper.ErrNotFound) || (err == nil && (owner.Role != RoleOwner || owner.ID != plan.Account.OwnerID)) {
		return ground{}, fmt.Errorf("%w (its owner, %s %s, is not this account's owner)", ErrWrongAccount, plan.Account.OwnerID, plan.Account.OwnerEmail)
	}
	if err != nil {
		return ground{}, fmt.Errorf("checking the account: %w", err)
	}
	caller, err := WhoAmI(ctx, c)
	if err != nil {
		return ground{}, err
	}
	if !caller.known() {
		return ground{}, errors.New("cannot tell which member or token this client runs as, so cannot keep the plan off them: not applied")
	}
	return ground{ownerID: owner.ID, caller: caller}, nil
}

// safeID is what an object ID in a plan may look like: one plain path segment, and nothing the
// members filter would read as two (LaunchDarkly's IDs are 24 hexadecimal digits).
var safeID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// checkID refuses an ID that is not one plain path segment, and "me", which the API reads as
// the caller.
func checkID(id string) error {
	if !safeID.MatchString(id) || id == "me" {
		return fmt.Errorf("%q is not an ID: IDs are letters, digits, - and _ (LaunchDarkly's are hexadecimal)", id)
	}
	return nil
}
