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
// level. Because it is a transport, Client.API gets the same treatment.
//
// A Client is safe for concurrent use. Make one per token and share it.
package wrapper
