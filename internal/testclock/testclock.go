// Package testclock lets the module's own tests run a wrapper.Client on a clock of their
// choosing, where testing/synctest cannot serve (a real loopback server's connections never
// let a bubble's time move). The client takes the clock and jitter of a [Transport] it wraps.
// Being internal, it is no part of the API users see.
package testclock

import (
	"net/http"
	"time"
)

// A Clock tells the time and times waits, as time.Now and time.After do.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Transport sends through Next (http.DefaultTransport if nil) and gives the client that
// wraps it Clock and Rand.
type Transport struct {
	Next  http.RoundTripper
	Clock Clock          // nil: the system clock
	Rand  func() float64 // jitter in [0, 1); nil: math/rand/v2's
}

// RoundTrip sends r through Next.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.Next == nil {
		return http.DefaultTransport.RoundTrip(r)
	}
	return t.Next.RoundTrip(r)
}

// TestClock returns the clock and jitter the client is to use.
func (t *Transport) TestClock() (Clock, func() float64) { return t.Clock, t.Rand }
