package fake

import (
	"strconv"
	"time"
)

// DefaultAdminSecret is the secret of the admin token when Options.AdminSecret is empty: a
// personal admin token of the account owner, whose member ID `me` resolves to. It is as random
// as a real secret: clients redact any run of 8 of its characters from what they print, and a
// secret of zeros would blank every ID with 8 zeros in it.
const DefaultAdminSecret = "api-5f0b3c1e-7a2d-4b86-9e4f-c3d8a1b6e207"

// Options configure a Handler or a Server. The zero value is a working server: an account
// holding only its owner, an admin token whose secret is DefaultAdminSecret, no rate limits,
// no faults.
type Options struct {
	// AdminSecret is the secret of the admin token, a personal admin token of the owner;
	// DefaultAdminSecret if empty.
	AdminSecret string
	// Account is the initial state; nil means an account holding only its owner. The fake
	// copies it, so the caller may reuse it.
	Account *Account
	// RateLimit turns on rate limiting; nil means none.
	RateLimit *RateLimit
	// Faults turns on fault injection; nil means none.
	Faults *Faults
	// Now is the clock, time.Now if nil. Tests set it to control token expiry, lastUsed and
	// rate-limit windows.
	Now func() time.Time
	// SCIM makes an identity provider manage the account's members, as SCIM provisioning (or
	// SAML with role sync) does at LaunchDarkly: every member carries _integrationMetadata,
	// removing and inviting members are refused (403), and role and custom-role changes are
	// answered as applied but reverted at once, as the identity provider overrides them.
	SCIM bool
}

// RateLimit configures LaunchDarkly-style fixed windows. Every answer then carries
// X-Ratelimit-Global-Remaining (when Global > 0), X-Ratelimit-Route-Remaining (when Route > 0)
// and X-Ratelimit-Reset, the end of the window in Unix epoch milliseconds. A request that finds
// a window spent is answered 429 rate_limited and not processed, and uses up nothing.
type RateLimit struct {
	// Route is how many requests each route (method and path pattern, such as
	// "GET /api/v2/members/{id}") accepts per window; 0 means no route limit.
	Route int
	// Global is how many requests the whole account accepts per window; 0 means no global
	// limit.
	Global int
	// Window is the length of a window, 10 seconds if zero. Windows are aligned to multiples
	// of Window since the Unix epoch.
	Window time.Duration
	// RetryAfter adds Retry-After (whole seconds until the window resets) to 429 answers, as
	// LaunchDarkly's IP-based limits do.
	RetryAfter bool
}

// FaultKind names one kind of injected failure.
type FaultKind int

// The kinds of fault. Those marked "before" answer without processing the request; those marked
// "after" process it (a write is applied) and then break the answer, so that a client cannot
// know whether its write happened.
const (
	Fault500               FaultKind = iota + 1 // before: 500 internal_server_error
	Fault502                                    // before: 502 bad_gateway
	Fault503                                    // before: 503 service_unavailable
	Fault504                                    // before: 504 gateway_timeout
	FaultDropBeforeHeaders                      // before: the connection closes with no answer
	FaultDropAfterHeaders                       // after: status and headers, then the connection closes
	FaultTruncatedBody                          // after: Content-Length promises more body than is sent
	Fault429RetryAfter                          // before: 429 rate_limited with Retry-After: 1
	Fault429Reset                               // before: 429 rate_limited with X-Ratelimit-Reset one second ahead
	Fault429NoHeaders                           // before: 429 rate_limited with no rate-limit headers
	Fault403                                    // before: 403 forbidden
	Fault404                                    // before: 404 not_found
	Fault409                                    // before: 409 optimistic_locking_error
)

var faultNames = map[FaultKind]string{
	Fault500: "500", Fault502: "502", Fault503: "503", Fault504: "504",
	FaultDropBeforeHeaders: "drop-before-headers", FaultDropAfterHeaders: "drop-after-headers",
	FaultTruncatedBody: "truncated-body", Fault429RetryAfter: "429-retry-after",
	Fault429Reset: "429-reset", Fault429NoHeaders: "429-no-headers",
	Fault403: "403", Fault404: "404", Fault409: "409",
}

// String names the kind, as in the request log; the zero value is "none".
func (k FaultKind) String() string {
	if s, ok := faultNames[k]; ok {
		return s
	}
	if k == 0 {
		return "none"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// DefaultFaultKinds are the kinds Faults draws from when Kinds is empty: the transient failures
// a well-behaved client is expected to survive.
var DefaultFaultKinds = []FaultKind{
	Fault502, Fault503, Fault504, FaultDropBeforeHeaders, FaultDropAfterHeaders,
	FaultTruncatedBody, Fault429Reset,
}

// Faults configures fault injection. Given the same sequence of requests, the same faults
// happen: the random draws come from a generator seeded with Seed, one set of draws per request
// that reaches an operation (unknown paths and methods are never faulted). Concurrent requests
// draw in the order they arrive.
//
// Dropped connections and truncated bodies take over the connection (http.Hijacker), as on an
// HTTP/1 server such as NewServer's; where that is impossible (HTTP/2, a ResponseRecorder) the
// handler panics with http.ErrAbortHandler, which net/http answers by resetting the stream.
type Faults struct {
	// Seed seeds the random generator.
	Seed int64
	// Rate is the probability, from 0 to 1, that a request is faulted.
	Rate float64
	// Kinds are the faults drawn from, with equal probability; DefaultFaultKinds if empty.
	Kinds []FaultKind
	// Script faults chosen requests whatever Rate says; a scripted fault takes precedence.
	Script []ScriptedFault
	// Latency delays every request that reaches an operation.
	Latency time.Duration
	// LatencyJitter adds a random delay from 0 up to LatencyJitter to Latency.
	LatencyJitter time.Duration
}

// ScriptedFault faults one chosen request: "the 3rd request to getMembers answers 503" is
// ScriptedFault{OperationID: "getMembers", Nth: 3, Kind: Fault503}.
type ScriptedFault struct {
	// OperationID is the operation's operationId in openapi.yaml, such as "getMembers";
	// case does not matter.
	OperationID string
	// Nth counts the requests to that operation from 1, including faulted ones.
	Nth int
	// Kind is the fault.
	Kind FaultKind
}
