// Package servefake is "ldaccess serve-fake": the embedded fake LaunchDarkly account served
// over HTTP for other tools.
package servefake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/internal/safefile"
)

// Options are serve-fake's.
type Options struct {
	cmdutil.Env
	Addr        string
	URLFile     string
	NoRateLimit bool
	Accounts    *connect.Accounts
}

// NewCmdServeFake is "ldaccess serve-fake". runF, when not nil, runs instead of serveRun
// (tests).
func NewCmdServeFake(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Env: f.Env(), Accounts: f.Accounts}
	cmd := &cobra.Command{
		Use:   "serve-fake",
		Short: "Serve the embedded fake LaunchDarkly account over HTTP for other tools",
		Long: `Serve the same fake account --fake uses, seeded with --fake-members members (and
--fake-tokens, --fake-seed), on --addr until interrupted. It prints the base URL and the admin
token to connect with, ` + fake.DefaultAdminSecret + `: point any LaunchDarkly client
at it, or this command, as in the examples.

The fake keeps its state in memory while it runs: what one command creates, the next sees.`,
		Example: `  ldaccess serve-fake --addr 127.0.0.1:8089 &
  ldaccess --base-url http://127.0.0.1:8089 --token ` + fake.DefaultAdminSecret + ` members list`,
		Args:        cmdutil.ExactArgs(0, "no arguments"),
		Annotations: map[string]string{"timeout": "none"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.URLFile = f.Path(opts.URLFile)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8089", "address to listen on (port 0 picks a free one)")
	fl.StringVar(&opts.URLFile, "url-file", "", "once listening, write the base URL to this file (for scripts using port 0)")
	fl.BoolVar(&opts.NoRateLimit, "no-rate-limit", false, "serve without rate limits")
	return cmd
}

func serveRun(ctx context.Context, opts *Options) error {
	acct, err := opts.Accounts.FakeAccount(opts.Accounts.FlagsTarget())
	if err != nil {
		return err
	}
	h := fake.NewHandler(opts.Accounts.FakeOptions(acct, !opts.NoRateLimit))
	if host, _, err := net.SplitHostPort(opts.Addr); err == nil && !connect.IsLoopback(host) {
		opts.IO.Notef("warning: --addr %s is reachable from other machines, and the fake's admin token (on stdout) "+
			"is well known (it is in this command's help and source): anyone who can reach the address can use it. "+
			"Use --addr 127.0.0.1:PORT unless that is what you want", opts.Addr)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return clierr.Usagef("--addr: %v", err)
	}
	url := BaseURL(ln.Addr())
	out := opts.IO.Out
	fmt.Fprintf(out, "serving a fake LaunchDarkly account with %d members until interrupted (Ctrl-C)\n", len(acct.Members))
	fmt.Fprintf(out, "base URL: %s\ntoken:    %s\n", url, h.AdminSecret())
	fmt.Fprintf(out, "try:      ldaccess --base-url %s --token %s audit\n", url, h.AdminSecret())
	if opts.URLFile != "" {
		if err := safefile.WriteFile(opts.URLFile, []byte(url+"\n"), isURLFile); err != nil {
			ln.Close()
			return err
		}
	}
	return serve(ctx, opts, &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln)
}

// isURLFile accepts, as a --url-file to replace, an empty file (such as mktemp makes) or one
// that holds a URL on one line, as serve-fake writes: a --url-file naming anything else is a
// mistake, and the file is left as it is.
func isURLFile(old []byte) error {
	s := strings.TrimSuffix(string(old), "\n")
	if s == "" || (strings.HasPrefix(s, "http") && strings.Contains(s, "://") && !strings.ContainsAny(s, " \t\r\n")) {
		return nil
	}
	return errors.New("not a URL file (serve-fake writes one line, the base URL)")
}

// serve serves on ln until ctx is done, then shuts the server down.
func serve(ctx context.Context, opts *Options, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	opts.IO.Notef("fake LaunchDarkly stopped")
	return nil
}

// BaseURL is the URL a client on this machine reaches a listener at: on a wildcard address
// (0.0.0.0, ::) that is loopback, which ldaccess accepts over plain http, rather than the
// wildcard, which it would refuse as another machine.
func BaseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	ip := tcp.IP
	if ip.IsUnspecified() { // "tcp" listens on both IPv4 and IPv6 there
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}
