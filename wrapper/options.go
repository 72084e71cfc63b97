package wrapper

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ldaccess/ldaccess/internal/testclock"
)

// Base URLs of LaunchDarkly's instances, for [WithBaseURL].
const (
	BaseURL        = "https://app.launchdarkly.com"    // commercial; the default
	BaseURLEU      = "https://app.eu.launchdarkly.com" // EU
	BaseURLFederal = "https://app.launchdarkly.us"     // federal
)

// DefaultAPIVersion is the LD-API-Version the client sends unless [WithAPIVersion] says otherwise.
// The models in package api are written against it.
const DefaultAPIVersion = "20240415"

const (
	version          = "0.1.0"                          // the library's, reported in the User-Agent
	defaultUserAgent = "ldaccess/" + version + " (+go)" // prefixed by [WithUserAgent]
)

// An Option configures a [Client] in [New].
type Option func(*options)

type options struct {
	baseURL      string
	httpClient   *http.Client
	apiVersion   string
	userAgent    string
	retry        RetryPolicy
	logger       *slog.Logger
	insecureHTTP bool

	clock  testclock.Clock // nil: the system's; set by this package's tests
	jitter func() float64  // nil: math/rand/v2's; set by this package's tests
}

// WithBaseURL sets the LaunchDarkly instance to talk to, such as [BaseURLEU], or a test
// server's URL. It must be absolute; plain http:// is accepted only for loopback hosts unless
// [WithInsecureHTTP] is also given. The default is [BaseURL].
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithHTTPClient makes the client send its requests through hc, wrapping its transport (nil
// means [http.DefaultTransport]) with authentication, pacing and retries; hc itself is not
// modified. Its Timeout, if any, bounds each call as a whole, and cuts long iterations short
// too (see "Deadlines" in the package documentation). Without this option the client uses
// its own [http.Client], with timeouts on every phase before the body but none overall.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithAPIVersion sets the LD-API-Version header sent with every request that does not set its
// own. The default is [DefaultAPIVersion]; the models in package api are written against it.
func WithAPIVersion(v string) Option { return func(o *options) { o.apiVersion = v } }

// WithUserAgent puts ua (for example "access-review/1.2") in front of the library's own
// User-Agent, so that LaunchDarkly's audit log tells your program apart.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithRetry sets how rate-limited and failed requests are retried. Zero fields take the
// defaults documented on [RetryPolicy].
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p } }

// WithLogger sets where the client reports retries and rate-limit waits, at debug level.
// Log lines never contain the access token. The default discards everything.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithInsecureHTTP allows a plain http:// base URL for a host other than a loopback address.
// The access token then crosses the network in clear text; use it only for a trusted proxy
// or a test rig.
func WithInsecureHTTP() Option { return func(o *options) { o.insecureHTTP = true } }

// defaultTransport is the tuned transport of the client's own http.Client: timeouts on every
// phase before the body, so that a stalled server fails a request instead of hanging it, but
// none on the body, which an iterator reads at its own pace.
func defaultTransport() *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
	}
}
