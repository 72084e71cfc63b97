package wrapper

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/ldaccess/ldaccess/api"
)

// A Client calls LaunchDarkly's REST API for access tokens and account members. It is safe for
// concurrent use; create one per access token and share it, so that its rate-limit pacing sees
// all of the token's traffic.
type Client struct {
	// API is the generated client for anything the methods of Client do not cover. It sends
	// through the same transport, so its requests are authenticated, paced and retried too.
	API *api.ClientWithResponses

	hc     *http.Client
	cred   *credential // the token: nothing else holds it
	base   *url.URL    // scheme and host that receive the token
	server string      // base URL with a trailing slash: the request builders resolve paths against it
}

// New returns a client that authenticates with token, a LaunchDarkly personal or service
// access token (api-…). It reports an error for an empty token, one containing whitespace or
// control characters, a base URL that is not absolute, or plain http:// to a host that is not
// a loopback address without [WithInsecureHTTP]. New sends no request.
func New(token string, opts ...Option) (*Client, error) {
	o := options{baseURL: BaseURL, apiVersion: DefaultAPIVersion}
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkToken(token); err != nil {
		return nil, err
	}
	base, err := checkBaseURL(o.baseURL, o.insecureHTTP)
	if err != nil {
		return nil, err
	}
	if o.apiVersion == "" || strings.ContainsFunc(o.apiVersion, badHeaderRune) {
		return nil, errors.New("ldaccess: invalid API version")
	}
	ua := defaultUserAgent
	if o.userAgent != "" {
		if strings.ContainsFunc(o.userAgent, unicode.IsControl) {
			return nil, errors.New("ldaccess: invalid user agent")
		}
		ua = o.userAgent + " " + ua
	}
	logger := o.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var hc http.Client // a copy: the caller's client is never modified
	if o.httpClient != nil {
		hc = *o.httpClient
	}
	next := hc.Transport
	switch {
	case o.httpClient == nil:
		next = defaultTransport()
	case next == nil:
		next = http.DefaultTransport
	}
	c := &Client{base: base, server: base.String() + "/", cred: newCredential(token, base, o.apiVersion, ua)}
	hc.Transport = newRetryTransport(next, c.cred, &o, logger)
	c.hc = &hc

	c.API, err = api.NewClientWithResponses(c.server, api.WithHTTPClient(doer(c.do)))
	if err != nil {
		return nil, fmt.Errorf("ldaccess: %w", err)
	}
	return c, nil
}

// do sends a request of the client, its own methods' or Client.API's: the one place where an
// error of net/http, which may quote a server-supplied URL or header, is sanitised.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.hc.Do(req)
	return resp, c.cred.sanitize(err)
}

// doer makes a func an api.HttpRequestDoer.
type doer func(*http.Request) (*http.Response, error)

func (d doer) Do(req *http.Request) (*http.Response, error) { return d(req) }

// Redact returns s with the client's access token, and every run of 8 or more of its
// characters, replaced by [REDACTED]: the rule the client's own errors, events and log
// records follow, for a program that prints what a server sent, such as members' names.
func (c *Client) Redact(s string) string { return c.cred.redact(s) }

// SecretSuffix returns the last four characters of the client's access token: what
// LaunchDarkly shows of a token's secret in every answer but those to create and reset
// (api.Token.Secret). It tells which of a member's tokens the client authenticates with, as
// review does to keep a plan from deleting the token it runs with; four characters are of no
// use to anyone who would authenticate.
func (c *Client) SecretSuffix() string {
	s := c.cred.auth[0]
	return s[max(0, len(s)-4):]
}

// BaseURL is the scheme and host the client sends its requests and its token to, such as
// "https://app.launchdarkly.com": where the account it acts on lives, for a record of what was
// reviewed.
func (c *Client) BaseURL() string {
	if c.base == nil {
		return ""
	}
	return c.base.String()
}

// String describes the client without its token. These methods have value receivers so that a
// Client value, or a struct holding one, prints safely too.
func (c Client) String() string {
	if c.base == nil {
		return "ldaccess.Client{}"
	}
	return "ldaccess.Client{" + c.base.String() + "}"
}

// GoString is String, so that %#v does not reveal the token either.
func (c Client) GoString() string { return c.String() }

// Format prints the client as String does for every verb, so that no verb or flag (%+v, %#v,
// %x…) reaches the token.
func (c Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue logs the client as its base URL.
func (c Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

func checkToken(token string) error {
	switch {
	case token == "":
		return errors.New("ldaccess: empty access token")
	case strings.ContainsFunc(token, badHeaderRune):
		// Never quote the token: the error may be logged.
		return errors.New("ldaccess: access token contains whitespace or control characters")
	}
	return nil
}

// badHeaderRune reports runes that do not belong in a header value we send.
func badHeaderRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII
}

func checkBaseURL(raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("ldaccess: invalid base URL: %w", err)
	}
	if !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("ldaccess: base URL %q is not an absolute http(s) URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("ldaccess: base URL %q must not have user info, query or fragment", u.Redacted())
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("ldaccess: base URL %q is plain http to a non-loopback host; use https or WithInsecureHTTP", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ownOrigin reports whether u is on the configured scheme and host, the only place the token
// may go.
func ownOrigin(base, u *url.URL) bool {
	return u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host)
}
