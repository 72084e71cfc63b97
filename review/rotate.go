package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// DefaultGrace is how long a rotation keeps the old secret working unless told otherwise: time
// for whatever used the token to pick up the new secret, and for a failed hand-over to be
// recovered before anything goes down.
const DefaultGrace = time.Hour

// ExpireOldAtOnce, as RotateOptions.ExpireOldIn, stops the old secret the moment the token is
// reset.
const ExpireOldAtOnce time.Duration = -1

// MaxGrace is the longest an old secret keeps working after a rotation: a week. Rotate, a
// policy and a plan (which anyone may edit) all refuse a longer grace, with ErrGraceTooLong:
// an old secret kept for months works as if the token had never been rotated.
const MaxGrace = 7 * 24 * time.Hour

// ErrGraceTooLong is the error of a grace longer than MaxGrace.
var ErrGraceTooLong = errors.New("the old secret may keep working for at most " + FormatAge(MaxGrace) +
	" after a rotation: longer, it works as if the token had not been rotated")

// checkGrace refuses a grace longer than MaxGrace: the one check Rotate, policies and plans share.
func checkGrace(d time.Duration) error {
	if d > MaxGrace {
		return fmt.Errorf("%w (asked for %s)", ErrGraceTooLong, FormatAge(d))
	}
	return nil
}

// RotateOptions adjust Rotate.
type RotateOptions struct {
	// ExpireOldIn is how long the old secret keeps working after the reset: DefaultGrace if
	// zero; ExpireOldAtOnce (any negative value) stops it at once.
	ExpireOldIn time.Duration
	// Handover receives the token with its new secret in Secret, for example to store it in a
	// secret manager. It is the only place the new secret goes; Rotate keeps no copy. Required.
	Handover func(ctx context.Context, t api.Token) error
	// Now is the clock that dates the old secret's end; time.Now if nil.
	Now func() time.Time
}

// A Rotation is a token reset whose new secret was handed over.
type Rotation struct {
	// Token is the token after the reset, its secret masked as LaunchDarkly shows it.
	Token api.Token
	// OldSecretUntil is when the old secret stops working; zero if it stopped at once.
	OldSecretUntil time.Time
}

// A HandoverError is a rotation whose reset went through and whose hand-over failed. The new
// secret was not kept; the old one works until OldSecretUntil (if not zero). Rotating the
// token again before then recovers it: a second reset ends only the secret that was lost (Rotate
// again with ExpireOldIn: ExpireOldAtOnce), and leaves the old secret's end where the first put
// it, so whatever uses the token keeps working while the hand-over is fixed.
type HandoverError struct {
	TokenID        string
	OldSecretUntil time.Time
	// Reason is why the hand-over failed, with the new secret redacted from it.
	Reason string
}

// Error says what happened, the token's state and what recovers it.
func (e *HandoverError) Error() string {
	return fmt.Sprintf("token %s was reset, but handing over its new secret failed: %s; %s", e.TokenID, e.Reason, e.State())
}

// State says what the token's secrets are now, and what recovers it.
func (e *HandoverError) State() string {
	if e.OldSecretUntil.IsZero() {
		return "the new secret was not kept and the old one stopped at once: nothing can authenticate as this token until it is rotated again"
	}
	until := e.OldSecretUntil.UTC().Format(time.RFC3339)
	return "the new secret was not kept; the old secret keeps working until " + until +
		": rotate the token again before then, ending the lost secret at once (a second reset leaves the old secret's end where it is)"
}

// ErrNoHandover is Rotate's error when nothing would receive the new secret: it is not reset.
var ErrNoHandover = errors.New("nothing to receive the new secret: a reset whose secret nobody receives is a revocation, which deleting the token says more plainly")

// Rotate resets a token and hands its new secret to o.Handover, keeping the old secret working
// for o.ExpireOldIn (DefaultGrace unless told otherwise). It returns a *HandoverError when the
// reset went through and the hand-over failed, saying until when the old secret works and how
// to recover. Any other error is the reset's own: the token was not reset or, if the answer was
// lost on its way back, it may have been, with the old secret kept as asked. An answer that
// names another token, or holds no secret, is handed over to no one (a *HandoverError): a
// hand-over keyed by the token would store it as another's. The new secret is redacted from
// every error.
func Rotate(ctx context.Context, c *wrapper.Client, tokenID string, o RotateOptions) (Rotation, error) {
	if o.Handover == nil {
		return Rotation{}, ErrNoHandover
	}
	if err := checkGrace(o.grace()); err != nil {
		return Rotation{}, err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	var until time.Time
	var opts []wrapper.ResetOption
	if grace := o.grace(); grace > 0 {
		// The API dates the end in milliseconds: rounded up, so that the old secret works
		// until the moment stated, never stopping at once behind a grace of under one.
		until = now().Add(grace + time.Millisecond - 1).Truncate(time.Millisecond)
		opts = append(opts, wrapper.ExpireOldKeyAt(until))
	}
	t, err := c.ResetToken(ctx, tokenID, opts...)
	if err != nil {
		return Rotation{}, err
	}
	secret := t.Secret
	switch {
	case t.ID != tokenID:
		// A hand-over keyed by the token would store the secret as another token's.
		err = errors.New("the answer to the reset named another token, so its secret was not handed over")
	case len(secret) <= 4:
		err = errors.New("the answer to the reset held no secret")
	default:
		err = o.Handover(ctx, t)
	}
	t = MaskSecret(t)
	if err != nil {
		// A handler's error may quote what it was given.
		reason := c.Redact(wrapper.Redact(err.Error(), secret))
		return Rotation{Token: t, OldSecretUntil: until}, &HandoverError{TokenID: tokenID, OldSecretUntil: until, Reason: reason}
	}
	return Rotation{Token: t, OldSecretUntil: until}, nil
}

func (o RotateOptions) grace() time.Duration {
	switch {
	case o.ExpireOldIn == 0:
		return DefaultGrace
	case o.ExpireOldIn < 0:
		return 0
	}
	return o.ExpireOldIn
}

// graceOption is the RotateOptions.ExpireOldIn of a grace as plans write it (0: at once).
func graceOption(d time.Duration) time.Duration {
	if d <= 0 {
		return ExpireOldAtOnce
	}
	return d
}
