package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// BenchmarkApplyRoles applies a plan that changes the role of 1,000 members, under the fake's
// rate limits (each route R requests per window W), two ways: review.Apply's semantic patch per
// batch of 100 members, and one JSON Patch per member (ApplyOptions.PerMember). Both re-read
// the members in batches first, as Apply always does. Reported per run, besides ns/op:
//
//	requests   requests the fake received, 429s included
//	elapsed-s  wall time of the apply alone
//
// W is 250ms rather than LaunchDarkly's 10s so that a run takes seconds; what matters is the
// ratio, which is about the number of writes per route window.
func BenchmarkApplyRoles(b *testing.B) {
	const (
		members = 1000
		perWin  = 100
		window  = 250 * time.Millisecond
	)
	acct := fake.Seed(fake.SeedOptions{Members: members * 6 / 5, Seed: 13})
	for _, v := range []struct {
		name      string
		perMember bool
	}{{"semantic-patch", false}, {"per-member", true}} {
		b.Run(v.name, func(b *testing.B) {
			var requests, elapsed []float64
			for b.Loop() {
				srv := fake.NewServer(fake.Options{AdminSecret: benchToken, Account: acct,
					RateLimit: &fake.RateLimit{Route: perWin, Window: window}})
				plan := rolePlan(b, srv, members)
				c := newWrapper(b, srv.URL, wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 20, MaxWait: 10 * time.Second}))
				j, err := review.OpenJournal(filepath.Join(b.TempDir(), "plan.journal"), plan)
				if err != nil {
					b.Fatal(err)
				}
				srv.ResetRequests()
				start := time.Now()
				res, err := review.Apply(context.Background(), c, plan, j, review.ApplyOptions{PerMember: v.perMember})
				took := time.Since(start)
				j.Close()
				if err != nil {
					b.Fatal(err)
				}
				if n := res.Counts()[review.Applied]; n != members {
					b.Fatalf("applied %d of %d: %v", n, members, res.Counts())
				}
				requests = append(requests, float64(len(srv.Requests())))
				elapsed = append(elapsed, took.Seconds())
				srv.Close()
			}
			b.ReportMetric(mean(requests), "requests")
			b.ReportMetric(mean(elapsed), "elapsed-s")
		})
	}
}

// rolePlan is a plan taking all access from n members (not the owner) who have some.
func rolePlan(b *testing.B, srv *fake.Server, n int) review.Plan {
	p := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: srv.OwnerID()}, ReviewedAt: time.Now().UTC()}
	const role = "no_access"
	for _, m := range srv.Members() {
		if m.ID == srv.OwnerID() || m.Role == role || len(p.Actions) == n {
			continue
		}
		p.Actions = append(p.Actions, review.Action{
			ID: "set-role:" + m.ID, Kind: review.SetRole, Subject: "member", ObjectID: m.ID, Name: m.Email,
			Role: role, State: review.MemberState(m),
		})
	}
	if len(p.Actions) != n {
		b.Fatalf("only %d members to change", len(p.Actions))
	}
	return p
}
