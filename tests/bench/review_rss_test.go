package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/internal/procstat"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// BenchmarkReviewRSS measures review.Run as a library user's scheduled job runs it: a child
// process reviews an account and writes the JSON evidence (review.WriteReport) to nowhere,
// against a fake LaunchDarkly serving 10,000 or 100,000 members (and members/60 tokens, as
// ldaccess serve-fake seeds) from another child process, so that the server's memory is not
// counted. It reports the reviewer's peak resident set size (getrusage's ru_maxrss, the
// child's own: see procstat.Run) as peak-rss-B and per member as rss-B/member; issue 19's target: ≤ 160 MiB at 100,000 members,
// and bytes per member no higher at 100k than at 10k. Both children are this test binary,
// started again in a role (benchChildEnv).
func BenchmarkReviewRSS(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%dk", n/1000), func(b *testing.B) {
			url := startFakeChild(b, n)
			var peak int64
			for b.Loop() {
				peak = max(peak, reviewChild(b, url, n))
			}
			b.ReportMetric(float64(peak), "peak-rss-B")
			b.ReportMetric(float64(peak)/float64(n), "rss-B/member")
		})
	}
}

// benchChildEnv, when set, makes this test binary a benchmark's child: "serve N" serves a fake
// account of N members on a loopback port (printing its URL) until its standard input closes;
// "review URL" reviews the account there and prints how many members it reviewed.
const benchChildEnv = "LDACCESS_BENCH_CHILD"

// runBenchChild runs this process as a benchmark's child if asked to, and reports whether it
// did.
func runBenchChild() bool {
	role, arg, _ := strings.Cut(os.Getenv(benchChildEnv), " ")
	var err error
	switch role {
	case "":
		return false
	case "serve":
		err = serveChild(arg)
	case "review":
		err = reviewChildMain(arg)
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
	return true
}

func serveChild(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil {
		return err
	}
	acct := fake.Seed(fake.SeedOptions{Members: n, Tokens: max(12, n/60)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake.NewHandler(fake.Options{Account: acct}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the benchmark closes it
	return srv.Close()
}

func reviewChildMain(url string) error {
	c, err := wrapper.New(fake.DefaultAdminSecret, wrapper.WithBaseURL(url))
	if err != nil {
		return err
	}
	r, err := review.Run(context.Background(), c, review.Options{})
	if err != nil {
		return err
	}
	if err := review.WriteReport(io.Discard, r); err != nil {
		return err
	}
	fmt.Println(r.MemberCount)
	return nil
}

// startFakeChild starts the fake account's process and returns its URL; it stops with the
// benchmark.
func startFakeChild(b *testing.B, members int) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=serve %d", benchChildEnv, members))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("the fake's process printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// reviewChild reviews the account at url in a process of its own and returns its peak RSS.
func reviewChild(b *testing.B, url string, members int) int64 {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchChildEnv+"=review "+url)
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	rss, ok, err := procstat.Run(cmd)
	if err != nil {
		b.Fatalf("review: %v", err)
	}
	if got := strings.TrimSpace(out.String()); got != strconv.Itoa(members) {
		b.Fatalf("reviewed %s members, want %d", got, members)
	}
	if !ok {
		b.Skip("this system does not report a process's peak memory")
	}
	return rss
}
