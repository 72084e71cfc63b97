package fake

import (
	"reflect"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// Account is the state of a LaunchDarkly account: the initial state given in Options, and what
// Seed builds.
type Account struct {
	// Members are the account's members, in the order lists return them unsorted. The first
	// member with the role "owner" owns the admin token; an owner is added if there is none.
	// A member's teams are given by Teams (keys and names); customRoles by key.
	Members []api.Member
	// Tokens are the account's access tokens, each with its full secret in Secret (reads show
	// its last four characters, or nothing of one shorter than 16). A token whose MemberID names no member is listed but does not
	// authenticate.
	Tokens []api.Token
	// Teams are the teams members can belong to.
	Teams []Team
	// CustomRoles are the custom roles members and tokens can hold.
	CustomRoles []CustomRole
	// TakenEmails are addresses that belong to members of another account: inviting one is
	// refused with email_taken_in_different_account.
	TakenEmails []string
	// SeenAt is the moment the account's times are relative to; Seed sets it to its Now. A
	// fake whose clock reads another moment when it starts moves every time of the members and
	// tokens (creation, last seen, last used…) by the difference, so that a token unused for
	// 100 days at SeenAt is unused for 100 days by the fake's clock. Zero takes the times as
	// they are.
	SeenAt time.Time
}

// Team is a team of members; a team grants its custom roles to its members.
type Team struct {
	// Key identifies the team; filters and teamKeys match it without regard to case.
	Key string
	// Name is shown in members' team summaries.
	Name string
	// CustomRoleKeys are the custom roles the team grants.
	CustomRoleKeys []string
}

// CustomRole is a custom role: members hold it by Key, tokens by ID.
type CustomRole struct {
	// ID is the role's 24-hex-digit ID, as tokens' customRoleIds name it.
	ID string
	// Key is the role's key, as members' customRoles and role filters name it.
	Key string
	// Name is the role's display name.
	Name string
	// Policy is what the role allows and denies: statements over LaunchDarkly's actions and
	// resources (see Authorization in the package documentation). Nil allows nothing beyond
	// reading.
	Policy []api.Statement
}

// shift is how far, in milliseconds, the account's member and token times move for it to be
// seen at now: now − SeenAt, or 0 when it has no SeenAt.
func (a *Account) shift(now time.Time) int64 {
	if a.SeenAt.IsZero() {
		return 0
	}
	return now.Sub(a.SeenAt).Milliseconds()
}

// shiftTimes moves every time in *p by d milliseconds. Every int64 of a member or a token is a
// time in Unix epoch milliseconds (the contract's `format: int64` integers are all times);
// zero, "never", stays zero.
func shiftTimes[T any](p *T, d int64) {
	if d != 0 {
		shiftValue(reflect.ValueOf(p).Elem(), d)
	}
}

func shiftValue(v reflect.Value, d int64) {
	//exhaustive:ignore // a walk over reflect.Kind: the kinds not named need nothing
	switch v.Kind() {
	case reflect.Int64:
		if v.CanSet() && v.Int() != 0 {
			v.SetInt(v.Int() + d)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			shiftValue(v.Elem(), d)
		}
	case reflect.Slice:
		for i := range v.Len() {
			shiftValue(v.Index(i), d)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			shiftValue(v.Field(i), d)
		}
	}
}
