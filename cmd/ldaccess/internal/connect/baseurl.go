package connect

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
)

// ResolveBaseURL is t's base URL, checked here so that a mistake is explained in the words of
// the flag (or profile setting) that caused it: an absolute http(s) URL, https unless the host
// is this machine, without the /api/v2 every path already starts with.
func ResolveBaseURL(t Target) (string, error) {
	if t.BaseURL == "" {
		u, err := config.InstanceURL(t.Instance)
		if err != nil {
			return "", clierr.Usagef("%s %v", t.From("instance"), err)
		}
		return u, nil
	}
	u, err := url.Parse(strings.TrimSpace(t.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", clierr.Usagef("%s %q is not a URL like https://app.launchdarkly.com", t.From("base-url"), t.BaseURL)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", clierr.Usagef("%s %s is plain http to another machine, which would send the access token unencrypted: use https://%s",
			t.From("base-url"), u.Redacted(), u.Host+strings.TrimSuffix(u.Path, "/"))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", clierr.Usagef("%s must be a plain URL like https://app.launchdarkly.com, without user, query or fragment", t.From("base-url"))
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v2")
	u.RawPath = ""
	return strings.TrimSuffix(u.String(), "/"), nil
}

// BaseURLNote explains a base URL that ResolveBaseURL corrected, or is "".
func BaseURLNote(t Target) string {
	if strings.HasSuffix(strings.TrimSuffix(strings.TrimSpace(t.BaseURL), "/"), "/api/v2") {
		fixed, _ := ResolveBaseURL(t)
		return fmt.Sprintf("%s is the address of LaunchDarkly, without /api/v2 (every request adds it): using %s", t.From("base-url"), fixed)
	}
	return ""
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
