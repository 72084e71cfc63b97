package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/fake"
)

func (a *app) serveFakeCmd() *cobra.Command {
	var addr, urlFile string
	var noRateLimit bool
	cmd := &cobra.Command{
		Use:   "serve-fake",
		Short: "Serve the embedded fake LaunchDarkly account over HTTP for other tools",
		Long: `Serve the same fake account --fake uses, seeded with --fake-members members (and
--fake-tokens, --fake-seed), on --addr until interrupted. It prints the base URL and the admin
token to connect with; point any LaunchDarkly client at it, or this command:

  ldaccess serve-fake --addr 127.0.0.1:8089 &
  ldaccess --base-url http://127.0.0.1:8089 --token <printed token> members list

The fake keeps its state in memory while it runs: what one command creates, the next sees.`,
		Args:        exactArgs(0, "no arguments"),
		Annotations: map[string]string{"timeout": "none"},
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			acct, err := a.fakeAccount()
			if err != nil {
				return err
			}
			h := fake.NewHandler(a.fakeOptions(acct, !noRateLimit))
			if host, _, err := net.SplitHostPort(addr); err == nil && !isLoopback(host) {
				a.status.notef("warning: --addr %s is reachable from other machines, and the fake's admin token %s "+
					"is well known (it is in this command's help and source): anyone who can reach the address can use it. "+
					"Use --addr 127.0.0.1:PORT unless that is what you want", addr, h.AdminSecret())
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("--addr: %v", err)
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
			url := "http://" + ln.Addr().String()
			fmt.Fprintf(a.stdout, "serving a fake LaunchDarkly account with %d members until interrupted (Ctrl-C)\n", len(acct.Members))
			fmt.Fprintf(a.stdout, "base URL: %s\ntoken:    %s\n", url, h.AdminSecret())
			fmt.Fprintf(a.stdout, "try:      ldaccess --base-url %s --token %s audit\n", url, h.AdminSecret())
			if urlFile != "" {
				if err := os.WriteFile(a.path(urlFile), []byte(url+"\n"), 0o644); err != nil {
					ln.Close()
					return err
				}
			}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-cmd.Context().Done():
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			a.status.notef("fake LaunchDarkly stopped")
			return nil
		}),
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on (port 0 picks a free one)")
	cmd.Flags().StringVar(&urlFile, "url-file", "", "once listening, write the base URL to this file (for scripts using port 0)")
	cmd.Flags().BoolVar(&noRateLimit, "no-rate-limit", false, "serve without rate limits")
	return cmd
}
