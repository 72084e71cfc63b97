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
// An ID argument is always one path segment: it is escaped, so that an ID holding "/", "?",
// "#" or "%" reaches /api/v2/members/<that ID> (or tokens) and nowhere else; "", "." and "..",
// which URL resolution and servers collapse into the parent's path, are refused unsent.
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
// The client's transport, which Client.API shares, retries under one [RetryPolicy] ([WithRetry];
// [WithLogger] shows each retry at debug level). A 429 is retried whatever the method, since
// LaunchDarkly did not process the request. A 502, 503 or 504, a failure to get any response,
// or a body cut short (the transport reads a success body whole before handing it on) is
// retried only for GET, HEAD, PUT, DELETE and OPTIONS: a POST or PATCH may have been applied,
// so it is never sent twice. Failures that will not heal fail fast: a host name that does not
// resolve, or a body past 4 MiB, is not retried, and a refused connection is retried once,
// after the first step of backoff.
//
// The wait before a retry is the response's Retry-After (seconds or an HTTP date), else its
// X-Ratelimit-Reset (Unix epoch milliseconds), else exponential backoff with full jitter (a
// random wait up to BaseDelay·2ⁿ⁻¹ before retry n, capped at MaxDelay). A header value that
// cannot be parsed is ignored; one in the past or negative means no wait, and one beyond a day
// counts as a day. Header waits get jitter of up to a tenth of the wait (at least up to 50ms),
// so that clients sharing a limit do not all return at once.
//
// Every retry, whatever its cause, counts against MaxAttempts, and every wait is held to
// MaxWait and to the context's deadline, which includes the Timeout of an [http.Client] given with
// [WithHTTPClient]: a call cut short by either is not retried. A rate-limit wait longer than
// MaxWait, or past the deadline, is not attempted: the call fails at once with a
// [*RateLimitError]. A 5xx whose retry could not come in time is returned as it is.
//
// The client also paces itself, across all goroutines, so as not to provoke 429s. For each
// route (method and path pattern, such as GET /api/v2/members/{id}) and for the account's
// global window, it keeps the budget responses report (X-Ratelimit-Route-Remaining,
// X-Ratelimit-Global-Remaining) until X-Ratelimit-Reset, and counts its requests off it as
// they are sent. Once a window's budget is spent, further requests on that route (on all, for
// the global window) wait for its reset, under the same MaxWait and deadline, rather than
// being sent; RetryPolicy.OnPace is told of each such wait, as OnRetry is of retries. After a reset, until a response reports the new window, no more requests are in
// flight than the limit seen before (unless a minute has passed without reports), and at
// least one. Until a route has had an answer, one request at a time goes on it, so that
// goroutines starting together on a fresh client draw at most one 429 in the first window; an
// answer that reports no budget shows the route unlimited and lets them all go. The budget is
// exact when the client is the only one spending it; other clients on the same token can
// still cause the odd 429, which is retried as above.
//
// # Deadlines
//
// The client bounds the phases before a response (dial, TLS handshake, response headers) but
// not the reading of a body, which a long iteration needs. A server that sends its headers and
// never ends its body holds a call until its context ends: setting a deadline is the caller's
// job. Give calls contexts with deadlines, or an [http.Client] with a Timeout through
// [WithHTTPClient], which bounds each call as a whole: every attempt, the waits between them
// and the reading of the body.
package wrapper
