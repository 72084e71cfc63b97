// Package clierr holds the kinds of error the ldaccess command ends with, each with its exit
// code, and Describe, the one place that words an error for the person who ran the command.
package clierr

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Exit codes, as documented in the root command's help.
const (
	ExitOK       = 0 // success
	ExitError    = 1 // an API or network error, or the user declined a confirmation
	ExitUsage    = 2 // a usage error: bad flags or arguments, no access token …
	ExitFindings = 3 // audit --fail-on found a finding of that risk or higher; apply skipped changed objects
	// ExitIncomplete: audit could not see every token or member (a token that is not an
	// admin's), or compared such a review, and --allow-partial did not accept that.
	ExitIncomplete = 4
)

// UsageError is a mistake in how the command was called: exit code 2.
type UsageError struct{ msg string }

// Error is the message, in the command's words.
func (e *UsageError) Error() string { return e.msg }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}

// FindingsError ends audit --fail-on when the review found something of that risk or higher:
// exit code 3.
type FindingsError struct {
	N int
	// AtLeast is the risk --fail-on named ("high", "medium"; "" or "low": any finding).
	AtLeast string
	// New: only findings that are new since an earlier review count (audit --since, diff).
	New bool
}

// Error counts the findings: "12 findings", "3 new findings of high risk".
func (e *FindingsError) Error() string {
	what := "finding"
	if e.New {
		what = "new finding"
	}
	s := fmt.Sprintf("%d %ss", e.N, what)
	if e.N == 1 {
		s = "1 " + what
	}
	if e.AtLeast != "" && e.AtLeast != "low" {
		s += " of " + e.AtLeast + " risk or higher"
	}
	return s
}

// IncompleteError ends audit when a review (or a comparison of reviews) could not see every
// token or member and --allow-partial was not given: exit code 4. Statement is
// review.Report.Incomplete's or review.Changes.Incomplete's.
type IncompleteError struct{ Statement string }

// Error is the statement, and how to accept it.
func (e *IncompleteError) Error() string {
	return e.Statement + " (exit 4; --allow-partial accepts an incomplete review)"
}

// OutcomeError ends apply and offboard when not every action was applied: Code is 1 when some
// failed (or were refused), 3 when the only trouble is actions skipped because their object
// changed since the plan.
type OutcomeError struct {
	Code int
	Msg  string
}

// Error is Msg.
func (e *OutcomeError) Error() string { return e.Msg }

// Recovery is an error that left something to put right, with the command that does it: a
// token whose new secret was lost, an apply that stopped part way. The command is printed
// whole, on a line of its own after the error's (never cut, as an error line may be): "to
// recover, run: …", or "to resume, run: …" when To says so.
type Recovery struct {
	Err     error
	Command string
	// To is what the command does: "recover" when empty, "resume".
	To string
}

// Error is the wrapped error's.
func (e *Recovery) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Recovery) Unwrap() error { return e.Err }

// NextStep is the line that says what to run to put right what err left ("to resume, run:")
// and the command, or "" and "" when there is none.
func NextStep(err error) (what, command string) {
	var r *Recovery
	if !errors.As(err, &r) || r.Command == "" {
		return "", ""
	}
	to := r.To
	if to == "" {
		to = "recover"
	}
	return "to " + to + ", run:", r.Command
}

// ErrDeclined is returned when the user answers no to a confirmation.
var ErrDeclined = errors.New("not confirmed; nothing was changed")

// RunError marks an error as returned by a command's own code, as opposed to one cobra made
// while parsing flags and arguments, which is a usage error.
type RunError struct{ Err error }

// Error is the wrapped error's.
func (e *RunError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *RunError) Unwrap() error { return e.Err }

// Timeout is how a command ends when its --timeout ran out, or when a wait it would have had to
// make (a rate limit's) would outlast it.
type Timeout struct {
	Limit time.Duration // the --timeout
	Err   error         // what the command was doing
}

// Error says so in the command's words; see Describe.
func (e *Timeout) Error() string { return describeTimeout(e) }

// Unwrap returns what the command was doing.
func (e *Timeout) Unwrap() error { return e.Err }

type timeoutKey struct{}

// WithTimeout bounds ctx by --timeout: when it runs out, the context's cause says so, and
// FromRun turns the error the command ends with into a *Timeout.
func WithTimeout(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, timeoutKey{}, limit)
	return context.WithTimeoutCause(ctx, limit, &Timeout{Limit: limit, Err: context.DeadlineExceeded})
}

// FromRun marks err, returned by a command's own code under ctx, as such (a *RunError), or as
// a *Timeout when the command's --timeout is why it failed: the deadline passed, or the
// library refused a wait that would have outlasted it.
func FromRun(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if limit, ok := ctx.Value(timeoutKey{}).(time.Duration); ok && errors.Is(err, context.DeadlineExceeded) {
		return &Timeout{Limit: limit, Err: err}
	}
	var to *Timeout
	if errors.As(context.Cause(ctx), &to) && ctx.Err() != nil {
		return &Timeout{Limit: to.Limit, Err: err}
	}
	return &RunError{Err: err}
}

// Code maps the error a command ends with to the process's exit code.
func Code(err error) int {
	var ue *UsageError
	var fe *FindingsError
	var ie *IncompleteError
	var oe *OutcomeError
	var re *RunError
	var to *Timeout
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &fe):
		return ExitFindings
	case errors.As(err, &ie):
		return ExitIncomplete
	case errors.As(err, &oe):
		return oe.Code
	case errors.As(err, &re), errors.As(err, &to):
		return ExitError
	default:
		// Not from a command's own code: cobra's flag, argument or unknown-command errors.
		return ExitUsage
	}
}
