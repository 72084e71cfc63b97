package wrapper

import (
	"net/http"
	"net/url"
)

// authTransport adds the token, LD-API-Version and User-Agent to requests for the configured
// scheme and host, and makes sure no other host ever receives the token: net/http forwards
// Authorization on a redirect to the same domain on another port or to a subdomain, and a
// request built from a server-supplied link may point anywhere.
type authTransport struct {
	next       http.RoundTripper
	base       *url.URL
	token      secret
	apiVersion string
	userAgent  string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := req.Header
	if !ownOrigin(t.base, req.URL) {
		if _, ok := h["Authorization"]; ok {
			req = req.Clone(req.Context()) // a RoundTripper must not modify its request
			req.Header.Del("Authorization")
		}
		return t.next.RoundTrip(req)
	}
	// The client's own methods set every header when they build a request; only requests
	// from Client.API or a caller's redirect need the copy.
	if first(h, "Authorization") == t.token.reveal() && first(h, "Ld-Api-Version") != "" && first(h, "User-Agent") != "" {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	t.setHeaders(req.Header)
	return t.next.RoundTrip(req)
}

// setHeaders sets the headers of an authenticated request, keeping a version the request
// already asked for.
func (t *authTransport) setHeaders(h http.Header) {
	h["Authorization"] = []string{t.token.reveal()}
	if first(h, "Ld-Api-Version") == "" {
		h["Ld-Api-Version"] = []string{t.apiVersion}
	}
	h["User-Agent"] = []string{t.userAgent}
}

// first is h.Get for a key already in canonical form, without canonicalising it again.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
