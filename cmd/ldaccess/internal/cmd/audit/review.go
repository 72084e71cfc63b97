package audit

import (
	"context"
	"fmt"
	"sync"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// reviewAccounts reviews the accounts the command line names (several with --profile a
// --profile b or --all-profiles) concurrently. The first failure stops the others.
//
// Each review is named as the command line names its account (Report.Name: the profile, or
// the host), its instance as the profile or flags say (the embedded fake's "fake", with no base
// URL), and records this command's version.
func reviewAccounts(ctx context.Context, opts *Options) ([]review.Report, []connect.Target, error) {
	targets := opts.Accounts.Targets
	if opts.AllProfiles {
		targets = opts.Accounts.AllProfiles
	}
	ts, err := targets()
	if err != nil {
		return nil, nil, err
	}
	multi := len(ts) > 1
	named := func(t connect.Target, err error) error {
		if multi {
			return fmt.Errorf("%s: %w", t.Account(), err)
		}
		return err
	}
	// Connect one after the other, so that token commands (a password manager asking for a
	// fingerprint) never prompt at once; then fetch concurrently.
	clients := make([]*wrapper.Client, len(ts))
	bases := make([]string, len(ts))
	for i, t := range ts {
		if clients[i], bases[i], err = opts.Accounts.Connect(ctx, t); err != nil {
			return nil, nil, named(t, err)
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rs := make([]review.Report, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() {
			account := ""
			if multi {
				account = t.Account()
			}
			r, err := reviewOne(ctx, opts, clients[i], account)
			if err != nil {
				cancel(named(t, err))
				return
			}
			r.Name, r.Instance, r.BaseURL = t.Account(), t.InstanceName(), bases[i]
			if t.Fake {
				r.BaseURL = ""
			}
			rs[i] = r
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, nil, err
	}
	return rs, ts, nil
}

// reviewOne runs the access review of one account, with its progress on a terminal under
// the account's name (when there are several). Pages are the wrapper's default size:
// LaunchDarkly publishes no maximum.
func reviewOne(ctx context.Context, opts *Options, c *wrapper.Client, account string) (review.Report, error) {
	var memberTotal, tokenTotal int
	if opts.IO.IsStderrTTY() {
		// One small request each for totalCount, only when someone is watching.
		if page, err := c.ListMembers(ctx, wrapper.MembersQuery{PageSize: 1}); err == nil {
			memberTotal = page.TotalCount
		}
		if page, err := c.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: 1}); err == nil {
			tokenTotal = page.TotalCount
		}
	}
	o := opts.Review
	o.Now = opts.Now
	o.Version = "ldaccess " + opts.Version
	o.Progress = func(what string, n int, done bool) {
		total := memberTotal
		if what == "tokens" {
			total = tokenTotal
		}
		opts.IO.Progress(account, what, n, total, done)
	}
	r, err := review.Run(ctx, c, o)
	opts.IO.ClearProgress()
	if s := r.Incomplete(); err == nil && s != "" && opts.AllowPartial {
		opts.IO.Notef("%s", s) // without --allow-partial, audit ends saying so
	}
	return r, err
}
