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
// A token acts with its own role, capped by its member's role for personal tokens: `admin`
// tokens (or an inline policy allowing "*" on "*") may do everything; `reader` and `writer`
// tokens may read members and manage their own tokens; a token whose member has the role
// `no_access` is refused everything with 403. Only admins may list every token (showAll),
// create service tokens, or change members.
//
// No token can give more access than it has, as in LaunchDarkly: creating a token, or patching
// one (the calling token included), is refused with 403 forbidden if the caller is not an
// admin (owners count as admins) and the token would gain
//   - a role ranked above the caller's own (reader < writer < admin);
//   - a custom role (customRoleIds) that the calling token does not hold itself;
//   - an inline policy (inlineRole) with an "allow" statement: whether a policy allows more
//     than a role is not decided, so only admins may give one. A policy that only denies
//     grants nothing and is allowed.
//
// Only what a patch adds is judged: a token keeps, and may be renamed with, the custom roles
// and inline policy it already had.
//
// # Choices where LaunchDarkly publishes nothing
//
//   - limit is at most 1000 for both lists; a limit below 1, above 1000, or a negative offset
//     answers 400 invalid_request.
//   - Unknown filter fields, sort fields and expand values answer 400 invalid_request.
//   - An invalid query parameter answers 400 invalid_request on every operation, as
//     LaunchDarkly does, although openapi.yaml lists 400 only for operations with a body.
//   - On the first page the `first` and `prev` links are absent, on the last page `next` and
//     `last` (LaunchDarkly's documentation: links are missing when the page they name does not
//     exist). hrefs are host-relative and carry filter, sort, expand and showAll.
//   - A member never seen has _lastSeen 0 and is a pending invite or unverified (lastSeen
//     {"never":true}); a verified member with _lastSeen 0 is one LaunchDarkly has no data for
//     ({"noData":true}). {"before":t} includes both.
//   - Unknown team keys when adding a member to teams or inviting answer 400; unknown custom
//     role keys too.
//   - A failed JSON Patch `test` answers 422 patch_failed on a token and 409
//     optimistic_locking_error on a member (the contract lists no 422 for members).
//   - An invited member holding only custom roles gets the base role `no_access`.
//   - Authenticating updates the token's lastUsed, never the member's _lastSeen, so that lists
//     sorted by lastSeen do not shift under a client paging through them.
//   - The account owner cannot be deleted or have its role replaced (403 and 400).
//   - With Options.SCIM, removing or inviting members answers 403 forbidden with a message
//     naming SCIM and the identity provider; role changes answer as applied and are reverted
//     at once (LaunchDarkly: "shortly afterwards").
//
// # Provoking every documented status
//
// 400: an invalid body or parameter. 401: an unknown token. 403: a token of a member with the
// role no_access (Handler.IssueToken), a writer's token on an admin's operation, or a token
// giving more access than it has. 404: an
// unknown ID. 409: a member JSON Patch whose `test` fails, or Fault409. 422: a token JSON Patch
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
