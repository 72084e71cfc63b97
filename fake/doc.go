// Package fake is an in-memory stand-in for LaunchDarkly's REST API for access tokens and
// account members, for tests, demos and the ldaccess command, in the spirit of
// net/http/httptest.
//
// Start one, point a client at it, and close it when done:
//
//	srv := fake.NewServer(fake.Options{})
//	defer srv.Close()
//	c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL))
//
// The server implements all 13 operations of the contract (openapi.yaml at the module root)
// with LaunchDarkly's semantics: member filters, sorting, expansion and pagination links; `me`;
// the invitation rules; JSON Patch on members and tokens; the semantic patch on many members;
// token secrets shown in full only on create and reset; reset with a grace period for the old
// secret. Every request is checked against the contract before it reaches an operation, and every
// error is answered in LaunchDarkly's format, {"code", "message", "id"}.
//
// # State
//
// Options.Account sets the initial state; nil gives an account holding only its owner. Seed
// builds a large, realistic account deterministically. The admin token, whose secret is
// Options.AdminSecret or DefaultAdminSecret, is a personal admin token of the owner, listed
// like any other token. Tokens created through the API authenticate too and act as their
// member. Handler's accessors (Members, Tokens, Requests, Applied, …) let a test inspect the
// state and the traffic.
//
// # Names
//
// One word, one meaning, here as in the wrapper and the generated api package: a token is an
// access token, the object LaunchDarkly stores (api.Token, Handler.Token, Handler.Tokens); its
// secret is the string that authenticates as it (api.Token.Secret, Handler.AdminSecret,
// DefaultAdminSecret). A team is named by its key (TeamKey), a custom role by its key for
// members and by its ID for tokens, as LaunchDarkly does.
//
// # Authorization
//
// One model decides every request, LaunchDarkly's roles and policies as its documentation
// states them, and decides it when the request is applied: each operation resolves its caller
// from the secret again, inside the locked section that applies its write. A token deleted or
// reset, a member removed or demoted, a custom role or team taken away while a request is on
// its way (its body still arriving) counts. Admission, before the body is read, only answers
// an unknown secret (401) or a caller without access (403) early.
//
// Who. A token holds its built-in role (admin allows every action on every resource; writer
// and reader none of this API's), its custom roles (CustomRole.Policy) and its inline policy,
// taken together as one policy. A member's access is the union of its roles, each its own
// policy (LaunchDarkly: "Permissions are cumulative across roles"): its built-in role (owner
// and admin allow everything), its own custom roles and those of its teams (a key naming no
// custom role of the account grants nothing, not even reading). A personal token may do what
// both it and its member allow, as the member is now: a role, custom role or team lost is
// lost for every token of the member at once. A service token is not capped by its
// member, yet stops authenticating when its member is removed, as every token here does. A
// token whose member has the role no_access and no custom role (its own or a team's), a
// service token too, is refused everything (403).
//
// Reading. Any caller with access may read members, and the tokens of its own member; admins
// may list every token (showAll) and read any, as may a caller whose policy lets it manage
// that token. A policy that allows "*" on "*" and denies nothing counts as the admin role; a
// custom role grants at least reading.
//
// Writing. Every write asks LaunchDarkly's action on its target, and the caller's policies must
// allow it:
//   - member/<id>, also named member/<email>: createMember (invite, naming the new member by
//     email), deleteMember, updateRole, updateCustomRole, updateMemberRoleAttributes (also
//     inviting with roleAttributes);
//   - team/<key>: updateTeamMembers (adding a member to teams, on team/* if it names none;
//     inviting with teamKeys);
//   - member/<member id>:token/<id> (also by the member's email) for a personal token,
//     service-token/<id> for a service token: createAccessToken, deleteAccessToken,
//     resetAccessToken, updateAccessTokenName, updateAccessTokenDescription,
//     updateAccessTokenPolicy (role, customRoleIds, inlineRole and defaultApiVersion).
//
// So reader and writer tokens manage no tokens, not even themselves, as LaunchDarkly
// documents: "Tokens can only manage other tokens, including themselves, if they have Admin
// role or explicit permission via a custom role". A JSON Patch asks the action of each field
// it writes, whether or not the value changes (a patch of `test` operations only asks none). A
// semantic-patch instruction asks its action on each member it selects, or on member/* if it
// selects none.
//
// Statements. A policy allows an action on a resource when one of its statements allows it
// and none denies it; order does not matter. actions and resources are globs, "*" matching any
// run of characters; notActions and notResources reach all but what they list. A resource
// specifier has as many ":"-separated scopes as the resource it names (member/* reaches no
// token; member/*:token/* every personal token), and "*" alone reaches everything. Resources
// are matched without regard to case. The scopes of a name are the resource's own, never read
// back out of its spelling: a member whose email holds ":" is one scope, a member still.
//
// Secrets. Create and reset answer with a token's secret, which is all the token's access.
// LaunchDarkly: "Only you have access to the secret values of tokens you create. Other account
// members cannot access them. Administrators can delete your tokens, but cannot view their
// values." A personal token's secret goes only to a personal token of the member who created
// it, or to the token itself. A service token belongs to the account, not to a person: an
// admin may reset it and receive its secret through a personal token (rotating the account's
// service tokens is an admin's job, whoever created them). Resetting anyone else's personal
// token is refused (403), deleting it is not, and a service token creates no token. A reset is
// judged as a creation (see Giving), unless the token resets itself. An old secret in its
// grace period after a reset is its token until it expires, but receives no secret, its own
// token's included: a new secret would outlive it (403).
//
// Giving. No write gives more access than the caller has. An unrestricted caller (admin
// level, with a token that denies nothing) may give anything. Any other caller is refused
// (403) a write that would give a member or a token
//   - a built-in role ranked above the caller's own (no_access < reader < writer < admin), or
//     admin at all;
//   - a custom role that the caller does not hold in full: held by its token, which must deny
//     nothing, and by its member, itself or through a team (teams' roles count as given when
//     a member joins a team or is invited into one);
//   - an inline-policy statement that allows anything (statements that only deny are fine);
//   - a removed deny: a deny statement, or a custom role holding one, taken off a token.
//
// Only what a write adds is judged: a token keeps, and may be renamed with, the custom roles
// and inline policy it already had.
//
// Owners. Every member with the role owner is protected on every path, however many an
// Account holds (the first owns the admin token): it cannot be removed (403), its role cannot
// be replaced (400), and a semantic patch over all members passes it by.
//
// Where LaunchDarkly is silent, the fake takes the stricter rule:
//   - a token's role, custom roles and inline policy are one policy, so a deny anywhere in it
//     wins over its role: an admin token with an inline "deny * on member/*" changes no member;
//   - inviting, joining a team or adding custom roles give access as above, and ask the rank
//     rule of tokens of members too;
//   - where what a specifier reaches cannot be known here (a ${roleAttribute/…} placeholder,
//     tags or selectors after ";", an action spelt in another case, in actions or in
//     notActions), an allow is read as reaching none of it and a deny as reaching all it might
//     (a placeholder for a resource's type may be any type; "*" with tags, anything); a
//     statement with both actions and notActions (or resources and notResources) allows only
//     what both let through and denies what either does; an unknown effect denies;
//   - defaultApiVersion is changed under updateAccessTokenPolicy;
//   - tokens are named in resources by ID only, never by name, which their holder may change;
//   - the rules above on old secrets in their grace period, on writes that change nothing, on
//     inviting with roleAttributes and on custom role keys the account lacks.
//
// # Choices where LaunchDarkly publishes nothing
//
//   - limit is at most 1000 for both lists; a limit below 1, above 1000, or a negative offset
//     answers 400 invalid_request.
//   - Unknown filter fields, sort fields and expand values answer 400 invalid_request.
//   - An invalid query parameter answers 400 invalid_request (every operation with query
//     parameters documents it). A body sent to an operation that takes none is not read,
//     whatever its size; a body above 1 MiB is refused with 400 by the others.
//   - On the first page the `first` and `prev` links are absent, on the last page `next` and
//     `last` (LaunchDarkly's documentation: links are missing when the page they name does not
//     exist). hrefs are host-relative and carry filter, sort, expand and showAll.
//   - A member never seen has _lastSeen 0 and is a pending invite or unverified (lastSeen
//     {"never":true}); a verified member with _lastSeen 0 is one LaunchDarkly has no data for
//     ({"noData":true}). {"before":t} includes both.
//   - Unknown team keys when adding a member to teams or inviting answer 400; unknown custom
//     role keys too.
//   - An invited member's email is a bare address: one with a display name, a comment or a
//     quoted local part answers 400 (invalid_emails).
//   - A JSON body that names a field twice, in any case, or a property of the contract in
//     another case than the contract's, answers 400: the contract check and the operation
//     would read it apart ({"role":"reader","Role":"owner"}).
//   - Reads show a secret's last four characters, and nothing of a secret shorter than 16
//     (Options.AdminSecret and an Account's secrets may be short); so does the request log.
//   - A failed JSON Patch `test` answers 422 patch_failed on a token and 409
//     optimistic_locking_error on a member (the contract lists no 422 for members).
//   - An invited member holding only custom roles gets the base role `no_access`.
//   - Authenticating updates the token's lastUsed, never the member's _lastSeen, so that lists
//     sorted by lastSeen do not shift under a client paging through them.
//   - An account owner cannot be deleted or have its role replaced (403 and 400); see
//     Authorization for every owner of an account.
//   - With Options.SCIM, removing or inviting members answers 403 forbidden with a message
//     naming SCIM and the identity provider; role changes answer as applied and are reverted
//     at once (LaunchDarkly: "shortly afterwards").
//
// # Provoking every documented status
//
// 400: an invalid body or parameter. 401: an unknown, expired, reset or deleted token, or one
// whose member is gone. 403: a token of a member with the role no_access (Handler.IssueToken),
// a writer's token on an admin's operation, a token giving more access than it has, a reset
// of a token another member created, or a reset asked with an old secret in its grace period.
// 404: an unknown ID. 409: a member JSON Patch whose `test` fails, or Fault409. 422: a token JSON Patch
// whose `test` fails. 429: RateLimit or a Fault429 kind. getMembers' 404, which LaunchDarkly
// documents without saying when, and the other 409s come only from scripted faults.
//
// # Rate limits and faults
//
// Options.RateLimit turns on LaunchDarkly's per-route and global fixed windows with their
// X-Ratelimit-* headers. Options.Faults injects, deterministically from a seed, 5xx answers,
// 429s, dropped connections, truncated bodies and latency, by probability or by script. Both are
// off by default.
package fake
