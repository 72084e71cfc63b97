package fake

import "github.com/ldaccess/ldaccess/api"

// Account is the state of a LaunchDarkly account: the initial state given in Options, and what
// Seed builds.
type Account struct {
	// Members are the account's members, in the order lists return them unsorted. The first
	// member with the role "owner" owns the admin token; an owner is added if there is none.
	// A member's teams are given by Teams (keys and names); customRoles by key.
	Members []api.Member
	// Tokens are the account's access tokens, each with its full secret in Secret (reads show
	// its last four characters). A token whose MemberID names no member is listed but does not
	// authenticate.
	Tokens []api.Token
	// Teams are the teams members can belong to.
	Teams []Team
	// CustomRoles are the custom roles members and tokens can hold.
	CustomRoles []CustomRole
	// TakenEmails are addresses that belong to members of another account: inviting one is
	// refused with email_taken_in_different_account.
	TakenEmails []string
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
