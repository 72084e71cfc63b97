package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/internal/procstat"
)

// BenchmarkAuditRSS measures what an audit of a large account costs in memory, as a CI runner
// sees it: the command, built, reviews an account of 10,000 or 100,000 members (and
// members/60 tokens) that "ldaccess serve-fake" serves from a process of its own, in each
// format, its output going to /dev/null. It reports the audit process's peak resident set size
// (getrusage's ru_maxrss, the child's own: see procstat.Run) as peak-rss-B, and per member as rss-B/member. Issue 19's targets:
// at most 160 MiB at 100,000 members in every format, and no more bytes per member at 100k
// than at 10k. make bench prints them beside the targets (tests/bench/benchreport).
func BenchmarkAuditRSS(b *testing.B) {
	bin := buildCommand(b)
	for _, n := range []int{10_000, 100_000} {
		url := serveFake(b, bin, n)
		for _, format := range []string{"json", "csv", "html", "table"} {
			b.Run(fmt.Sprintf("members=%dk/%s", n/1000, format), func(b *testing.B) {
				var peak int64
				for b.Loop() {
					cmd := exec.Command(bin, "--base-url", url, "--token", fake.DefaultAdminSecret, "audit", "--format", format)
					cmd.Env = append(os.Environ(), "LDACCESS_NOW="+scriptNow.Format(time.RFC3339))
					var stderr strings.Builder
					cmd.Stderr = &stderr // stdout: /dev/null
					rss, ok, err := procstat.Run(cmd)
					if err != nil {
						b.Fatalf("audit --format %s: %v\n%s", format, err, stderr.String())
					}
					if !ok {
						b.Skip("this system does not report a process's peak memory")
					}
					peak = max(peak, rss)
				}
				b.ReportMetric(float64(peak), "peak-rss-B")
				b.ReportMetric(float64(peak)/float64(n), "rss-B/member")
			})
		}
	}
}

// buildCommand builds ldaccess into a temporary directory.
func buildCommand(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "ldaccess")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveFake runs "ldaccess serve-fake" with members members until the benchmark ends, and
// returns its base URL.
func serveFake(b *testing.B, bin string, members int) string {
	b.Helper()
	cmd := exec.Command(bin, "serve-fake", "--addr", "127.0.0.1:0", "--no-rate-limit", "--fake-members", fmt.Sprint(members))
	cmd.Env = append(os.Environ(), "LDACCESS_NOW="+scriptNow.Format(time.RFC3339))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "base URL: "); ok {
			go func() {
				for sc.Scan() { // keep reading, so that serve-fake never blocks on its stdout
				}
			}()
			return strings.TrimSpace(url)
		}
	}
	b.Fatalf("serve-fake printed no base URL")
	return ""
}
