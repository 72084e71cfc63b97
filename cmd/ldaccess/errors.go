package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ldaccess/ldaccess/wrapper"
)

// Exit codes, as documented in the root command's help.
const (
	exitOK       = 0 // success
	exitError    = 1 // an API or network error, or the user declined a confirmation
	exitUsage    = 2 // a usage error: bad flags or arguments, no access token …
	exitFindings = 3 // audit --fail-on-findings found something
)

// usageError is a mistake in how the command was called: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// findingsError ends audit --fail-on-findings when the review found something: exit code 3.
type findingsError struct{ n int }

func (e *findingsError) Error() string {
	if e.n == 1 {
		return "1 finding"
	}
	return fmt.Sprintf("%d findings", e.n)
}

// outcomeError ends apply and offboard when not every action was applied: exit code 1 when
// some failed (or were refused), 3 when the only trouble is actions skipped because their
// object changed since the plan.
type outcomeError struct {
	code int
	msg  string
}

func (e *outcomeError) Error() string { return e.msg }

// errDeclined is returned when the user answers no to a confirmation.
var errDeclined = errors.New("not confirmed; nothing was changed")

// runError marks an error as returned by a command's own code, as opposed to one cobra made
// while parsing flags and arguments, which is a usage error.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// exitCode maps an error from executing the command tree to the process's exit code.
func exitCode(err error) int {
	var ue *usageError
	var fe *findingsError
	var oe *outcomeError
	var re *runError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &fe):
		return exitFindings
	case errors.As(err, &oe):
		return oe.code
	case errors.As(err, &re):
		return exitError
	default:
		// Not from a command's own code: cobra's flag, argument or unknown-command errors.
		return exitUsage
	}
}

// describeError turns an error into the one line printed after "ldaccess: ".
// An API error reads "404 not_found: Unknown resource identifier (request id 8f2a…)".
func describeError(err error) string {
	var apiErr *wrapper.APIError
	var rlErr *wrapper.RateLimitError
	var msg string
	switch {
	case errors.As(err, &rlErr):
		msg = rlErr.Error()
	case errors.As(err, &apiErr):
		var b strings.Builder
		fmt.Fprintf(&b, "%d", apiErr.StatusCode)
		if apiErr.Code != "" {
			fmt.Fprintf(&b, " %s", apiErr.Code)
		}
		if apiErr.Message != "" {
			fmt.Fprintf(&b, ": %s", apiErr.Message)
		}
		if len(apiErr.InvalidEmails) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(apiErr.InvalidEmails, ", "))
		}
		if apiErr.RequestID != "" {
			fmt.Fprintf(&b, " (request id %s)", apiErr.RequestID)
		}
		msg = b.String()
	case errors.Is(err, context.DeadlineExceeded):
		msg = "timed out (see --timeout): " + err.Error()
	case errors.Is(err, context.Canceled):
		msg = "interrupted"
	default:
		msg = err.Error()
	}
	return oneLine(plainWords(msg), 500)
}

// operations are LaunchDarkly's operation IDs, with which the library's errors start, as the
// requests they send: the words the retry notes on stderr use too.
var operations = map[string]string{
	"getTokens":       "GET /api/v2/tokens",
	"postToken":       "POST /api/v2/tokens",
	"getToken":        "GET /api/v2/tokens/{id}",
	"patchToken":      "PATCH /api/v2/tokens/{id}",
	"deleteToken":     "DELETE /api/v2/tokens/{id}",
	"resetToken":      "POST /api/v2/tokens/{id}/reset",
	"getMembers":      "GET /api/v2/members",
	"postMembers":     "POST /api/v2/members",
	"patchMembers":    "PATCH /api/v2/members",
	"getMember":       "GET /api/v2/members/{id}",
	"patchMember":     "PATCH /api/v2/members/{id}",
	"deleteMember":    "DELETE /api/v2/members/{id}",
	"postMemberTeams": "POST /api/v2/members/{id}/teams",
}

var operationPrefix = regexp.MustCompile(`\b([a-zA-Z]+): `)

// plainWords rewrites a library error in the command's words: operation IDs become the
// requests they name, and the library's "ldaccess: " prefixes, which the command adds once
// itself, go.
func plainWords(msg string) string {
	msg = strings.ReplaceAll(msg, "ldaccess: ", "")
	return operationPrefix.ReplaceAllStringFunc(msg, func(m string) string {
		if req, ok := operations[strings.TrimSuffix(m, ": ")]; ok {
			return req + ": "
		}
		return m
	})
}

// oneLine folds whatever a server or the network said into a single bounded line.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
