package clierr

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/wrapper"
)

// MaxLine bounds the one line an error is printed on.
const MaxLine = 500

// Describe words err for the line printed after "ldaccess: ": the kinds the command knows from
// their own fields (an API error, a rate limit, --timeout, a connection that failed), and
// anything else as it reads, on one bounded line.
//
// An API error reads "404 not_found: Unknown resource identifier (request id 8f2a…)".
func Describe(err error) string {
	return OneLine(describe(err), MaxLine)
}

func describe(err error) string {
	var to *Timeout
	var rl *wrapper.RateLimitError
	var api *wrapper.APIError
	switch {
	case errors.As(err, &to):
		return describeTimeout(to)
	case errors.As(err, &rl):
		return describeRateLimit(rl)
	case errors.As(err, &api):
		return describeAPIError(api)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	if s := describeConnection(err); s != "" {
		return s
	}
	// The library starts its messages with "ldaccess: ", which the command prints once itself.
	return strings.TrimPrefix(err.Error(), "ldaccess: ")
}

// describeAPIError is LaunchDarkly's answer from its fields: status, code, message, the
// addresses an invitation refused, and the request id to quote to support.
func describeAPIError(e *wrapper.APIError) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.InvalidEmails) > 0 {
		b.WriteString(" [" + strings.Join(e.InvalidEmails, ", ") + "]")
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	return b.String()
}

// describeRateLimit is a rate-limit wait the client would not make: longer than it waits.
func describeRateLimit(e *wrapper.RateLimitError) string {
	s := rateLimitResets(e)
	if !e.Reset.IsZero() {
		s += " (" + e.Reset.UTC().Format(time.TimeOnly) + " UTC)"
	}
	return s + ", longer than ldaccess waits: try again then"
}

// rateLimitResets is "LaunchDarkly's rate limit [on METHOD PATH] resets in WAIT".
func rateLimitResets(e *wrapper.RateLimitError) string {
	s := "LaunchDarkly's rate limit"
	if e.Method != "" {
		s += " on " + e.Method + " " + e.Path
	}
	return s + " resets in " + e.Wait.Round(time.Second).String()
}

// describeTimeout names --timeout and what the command was doing when it ran out, and says
// what to give instead.
func describeTimeout(e *Timeout) string {
	advice := ": give a longer --timeout, such as " + longer(e.Limit)
	var rl *wrapper.RateLimitError
	var api *wrapper.APIError
	switch {
	case errors.As(e.Err, &rl):
		return rateLimitResets(rl) + ", later than --timeout " + iostreams.Duration(e.Limit) + " allows" + advice
	case errors.As(e.Err, &api):
		return "gave up after --timeout " + iostreams.Duration(e.Limit) + " (last answer: " + describeAPIError(api) + ")" + advice
	}
	return "gave up after --timeout " + iostreams.Duration(e.Limit) + advice
}

// longer is a --timeout to suggest instead of limit: the first of a few round ones that is
// longer.
func longer(limit time.Duration) string {
	for _, d := range []struct {
		d    time.Duration
		text string
	}{{30 * time.Minute, "30m"}, {2 * time.Hour, "2h"}, {24 * time.Hour, "24h"}, {7 * 24 * time.Hour, "7d"}} {
		if d.d > limit {
			return d.text
		}
	}
	return iostreams.Duration(2 * limit)
}

// describeConnection words the failures to reach a server from the network's own errors: a
// connection refused or timed out, a host that does not exist, a certificate not trusted.
func describeConnection(err error) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot find the host %s (%s): check --base-url or --instance", dns.Name, dns.Err)
	case errors.As(err, &cert):
		return "the server's TLS certificate is not trusted: " + cert.Err.Error()
	case errors.As(err, &op) && op.Op == "dial":
		cause := op.Err
		var sys *os.SyscallError
		if errors.As(cause, &sys) {
			cause = sys.Err
		}
		addr := ""
		if op.Addr != nil {
			addr = " " + op.Addr.String()
		}
		return fmt.Sprintf("cannot connect to%s: %v", addr, cause)
	}
	return ""
}

// OneLine folds whatever a server or the network said into a single line of at most max
// characters, cleaned as everything the command shows is (iostreams.Clean).
func OneLine(s string, max int) string {
	s = strings.Join(strings.Fields(iostreams.Clean(s, false)), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
