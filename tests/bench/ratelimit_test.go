package bench

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/wrapper"
)

// BenchmarkRateLimit measures how well one client shares a rate limit among goroutines. The
// fake limits each route to R requests per fixed window W (LaunchDarkly's X-Ratelimit-*
// headers); G goroutines each iterate all M members of the account through one client in
// pages of P. The theoretical minimum time is requests ÷ R × W (issue 6's definition), where
// requests is the pages the iterations need (429s not counted). Reported per run:
//
//	elapsed/min   elapsed wall time ÷ that minimum (target ≤ 1.15)
//	429s/window   429 answers ÷ windows the run spanned (target ≤ 1)
//	max429s/window the most 429s in any one window
//	first-window-429s the 429s of the first window, drawn before any budget is known (target ≤ 1)
//
// W is 500ms rather than LaunchDarkly's 10s so that a run takes seconds; at that scale the
// client's header jitter (up to a tenth of the wait, at least 50ms) costs as much, relative
// to the window, as it would at 10s windows. Real clocks throughout: this is the client's
// real pacing, not a simulation.
func BenchmarkRateLimit(b *testing.B) {
	const (
		members = 1000
		page    = 50
		perWin  = 10
		window  = 500 * time.Millisecond
	)
	acct := fake.Seed(fake.SeedOptions{Members: members, Seed: 11})
	for _, v := range []struct {
		g          int
		retryAfter bool
	}{{4, false}, {4, true}, {16, false}} {
		g := v.g
		name := fmt.Sprintf("goroutines=%d", g)
		if v.retryAfter {
			// The 429s also carry Retry-After (whole seconds), as LaunchDarkly's IP-based
			// limits do; the client honours it over X-Ratelimit-Reset.
			name += "/retry-after"
		}
		b.Run(name, func(b *testing.B) {
			var ratio, per, worst, firstWin []float64
			for b.Loop() {
				srv := fake.NewServer(fake.Options{AdminSecret: benchToken, Account: acct,
					RateLimit: &fake.RateLimit{Route: perWin, Window: window, RetryAfter: v.retryAfter}})
				c := newWrapper(b, srv.URL, wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 20, MaxWait: 10 * time.Second}))
				pages := g * int(math.Ceil(float64(members)/page))
				minimum := time.Duration(float64(pages) / perWin * float64(window))
				start := time.Now()
				var wg sync.WaitGroup
				errs := make(chan error, g)
				for range g {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n := 0
						for _, err := range c.Members(context.Background(), wrapper.MembersQuery{PageSize: page}) {
							if err != nil {
								errs <- err
								return
							}
							n++
						}
						if n != members {
							errs <- fmt.Errorf("iterated %d members, want %d", n, members)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
				n429, byWindow, first, last := 0, map[int64]int{}, int64(math.MaxInt64), int64(0)
				for _, r := range srv.Requests() {
					w := r.Time.UnixNano() / int64(window)
					first, last = min(first, w), max(last, w)
					if r.Status == 429 {
						n429++
						byWindow[w]++
					}
				}
				srv.Close()
				windows := float64(last - first + 1)
				mx := 0
				for _, n := range byWindow {
					mx = max(mx, n)
				}
				ratio = append(ratio, elapsed.Seconds()/minimum.Seconds())
				per = append(per, float64(n429)/windows)
				worst = append(worst, float64(mx))
				firstWin = append(firstWin, float64(byWindow[first]))
				b.Logf("%d goroutines, %d pages, R=%d per %v: %v elapsed, minimum %v, %d 429s in %.0f windows (at most %d in one, %d in the first)",
					g, pages, perWin, window, elapsed.Round(time.Millisecond), minimum, n429, windows, mx, byWindow[first])
			}
			b.ReportMetric(mean(ratio), "elapsed/min")
			b.ReportMetric(mean(per), "429s/window")
			b.ReportMetric(mean(worst), "max429s/window")
			b.ReportMetric(mean(firstWin), "first-window-429s")
		})
	}
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(max(len(v), 1))
}
