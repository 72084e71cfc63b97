// Package wrapper is ldaccess's client for LaunchDarkly's REST API for access tokens and
// account members: token rotation, member onboarding and offboarding, and access reviews.
//
// # Getting started
//
// Create a [Client] with an access token and call one method per operation:
//
//	c, err := wrapper.New(os.Getenv("LD_ACCESS_TOKEN"))
//	if err != nil {
//		return err
//	}
//	me, err := c.GetMember(ctx, "me")
//
// All admins of the account, however many pages they take:
//
//	admins := wrapper.MembersQuery{Filter: wrapper.MemberFilter{Roles: []string{"admin"}}}
//	for m, err := range c.Members(ctx, admins) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(m.Email)
//	}
//
// The models (api.Member, api.Token, …) are package api's, generated from the project's
// OpenAPI contract. Their optional fields are plain values, left out of a request when zero, so
// a request reads as a literal:
//
//	tok, err := c.CreateToken(ctx, api.AccessTokenPost{Name: "deploy-bot", Role: api.AccessTokenPostRoleWriter})
//
// LaunchDarkly writes times as Unix epoch milliseconds; [Time] and [Millis] convert them.
//
// # Names
//
// One word, one meaning, in this package, api and fake alike: a token is an access token, the
// object LaunchDarkly stores (api.Token); its secret is the string that authenticates as it
// (api.Token.Secret, shown in full only by CreateToken and ResetToken). A team is named by its
// key (MemberFilter.TeamKey, AllMembersFilter.TeamKey). A page size of zero means the
// package's default page size everywhere, one page or all of them.
//
// # Operations
//
// Tokens: [Client.GetToken], [Client.ListTokens] (one page), [Client.Tokens] (all, lazily),
// [Client.CreateToken], [Client.PatchToken], [Client.ResetToken], [Client.DeleteToken].
//
// Members: [Client.GetMember], [Client.ListMembers] (one page), [Client.Members] (all,
// lazily), [Client.InviteMembers], [Client.PatchMember], [Client.DeleteMember],
// [Client.AddMemberToTeams], and [Client.UpdateMembers] for LaunchDarkly's semantic patch of
// many members at once.
//
// Members are selected with a [MemberFilter] and ordered with the Sort constants, such as
// [SortLastSeenDesc]. JSON Patch operations are built with [Add], [Replace], [Remove] and
// [Test]; semantic-patch instructions with [ReplaceMembersRoles] and its siblings. For
// anything else, Client.API is the generated client, sharing the same transport.
//
// # Errors
//
// Every answer other than 2xx becomes an [*APIError] with LaunchDarkly's code, message and
// request ID; errors.Is matches it against [ErrNotFound], [ErrUnauthorized], [ErrForbidden],
// [ErrConflict], [ErrInvalidRequest] and [ErrRateLimited]. Errors start with "ldaccess: ",
// name the operation, and never contain the access token.
//
// Nor does anything else a server can make the client say: everything a server sent, and every
// error net/http made of it, is cleaned of control characters and invalid UTF-8 and then has
// the token, and any run of 8 or more of its characters, replaced by [REDACTED] before it
// reaches an error (every link of its chain), a [RetryEvent] or a log record. The chain keeps
// what errors.Is and errors.As look for: sentinels, context errors, *url.Error, net.Error
// timeouts. [Client.Redact] applies the same rule to what a program prints itself.
//
// # Authentication
//
// The token goes, as LaunchDarkly wants it, raw in the Authorization header, together with
// LD-API-Version ([DefaultAPIVersion] unless [WithAPIVersion]) and a User-Agent. It goes only
// to the configured scheme and host ([BaseURL], or [WithBaseURL]): a redirect elsewhere is
// followed without it, and a pagination link elsewhere is not followed at all.
//
// # Rate limits and retries
//
// The client's transport retries a 429 whatever the method, and a 502, 503, 504 or a lost
// connection for idempotent methods only, waiting as the response's Retry-After or
// X-Ratelimit-Reset says, or with exponential backoff. A wait longer than the policy allows or
// than the context's deadline fails at once with a [*RateLimitError]. Once a response reports
// a rate-limit window spent, the client holds back further requests on that route (or all,
// for the global window) until it resets, across all goroutines. [RetryPolicy] documents the
// rules and defaults; [WithRetry] changes them and [WithLogger] shows each retry at debug
// level. The transport reads a success body whole, so a body cut short by a broken
// connection is retried like a lost connection; every retry obeys the policy's MaxAttempts
// and MaxWait and the context's deadline. Because it is a transport, Client.API gets the same
// treatment.
//
// # Deadlines
//
// The client bounds the phases before a response (dial, TLS handshake, response headers) but
// not the reading of a body, which a long iteration needs. A server that sends its headers and
// never ends its body holds a call until its context ends: give calls contexts with deadlines,
// or an [http.Client] with a Timeout through [WithHTTPClient].
//
// Until a route has had an answer, one request at a time goes on it, so that goroutines
// starting together on a fresh client draw at most one 429 in the first window; an answer
// that reports no budget shows the route unlimited and lets them all go.
//
// A Client is safe for concurrent use. Make one per token and share it.
package wrapper
