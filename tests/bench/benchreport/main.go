// Command benchreport reads `go test -bench` output on standard input, copies it to standard
// output, and then prints the issue-6 report: per case the wrapper's and the baseline's time
// and allocations, their ratio and the target beside it; peak heap for 10k and 100k members;
// issue 19's peak RSS of a review (the library's and the command's in each format);
// issue 13's role changes by semantic patch against one PATCH per member; rate-limit
// efficiency, with the 429s of the first window. With -count > 1 each figure is the median of
// the runs.
//
//	go test -run '^$' -bench . -benchmem ./tests/bench/ | go run ./tests/bench/benchreport
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.+)$`)

// results maps a benchmark name (without "Benchmark" and the -GOMAXPROCS suffix) to its
// metrics, each unit to every value seen.
type results map[string]map[string][]float64

func (r results) get(name, unit string) (float64, bool) {
	vs := r[name][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return s[len(s)/2], true
}

func parse(in io.Reader, echo io.Writer) (results, error) {
	r := results{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		text := sc.Text()
		fmt.Fprintln(echo, text)
		m := line.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			if r[m[1]] == nil {
				r[m[1]] = map[string][]float64{}
			}
			r[m[1]][f[i+1]] = append(r[m[1]][f[i+1]], v)
		}
	}
	return r, sc.Err()
}

type speedCase struct {
	name      string
	single    bool    // a single call: allocations target too
	maxRatio  float64 // time, wrapper / baseline
	maxExtraA float64 // allocations over the baseline's, single calls only
}

var speedCases = []speedCase{
	{"GetMember", true, 1.10, 25},
	{"ListMembers100", false, 1.00, 0},
	{"IterateMembers10k", false, 1.00, 0},
	{"CreateToken", true, 1.10, 25},
	{"ListTokens25", false, 1.00, 0},
}

// target states the case's target as the table prints it.
func (c speedCase) target() string {
	t := fmt.Sprintf("≤ %.2f×", c.maxRatio)
	if c.single {
		t += fmt.Sprintf(", ≤ +%.0f allocs", c.maxExtraA)
	}
	return t
}

// met reports whether the wrapper's time (w against the baseline's bl) and, for a single call,
// its allocations (wa against ba) are within the case's target.
func (c speedCase) met(w, bl, wa, ba float64) bool {
	return w/bl <= c.maxRatio && (!c.single || wa-ba <= c.maxExtraA)
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func num(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func main() {
	r, err := parse(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	out := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	defer out.Flush()
	speedTable(out, r)
	heapTable(out, r)
	rssTable(out, r)
	applyTable(out, r)
	rateLimitTable(out, r)
}

// section starts a table of its own, so that its columns are aligned apart from the last
// table's: it flushes the last one, prints the title and writes the new one's header row.
func section(out *tabwriter.Writer, title, header string) {
	out.Flush()
	fmt.Println(title)
	fmt.Fprintln(out, header)
}

// speedTable is issue 6's table: per case the wrapper's time and allocations against the
// baselines', and whether the target is met.
func speedTable(out *tabwriter.Writer, r results) {
	section(out, "\nissue 6: wrapper vs plain net/http + encoding/json (minimal structs), same server, same run",
		"case\twrapper ns/op\tbaseline ns/op\tratio\twrapper allocs\tbaseline allocs\ttarget\tmet?\tfull-struct baseline ns/op\tratio vs full\tfull-struct allocs\t")
	for _, c := range speedCases {
		w, wok := r.get(c.name+"/wrapper", "ns/op")
		bl, bok := r.get(c.name+"/baseline", "ns/op")
		wa, _ := r.get(c.name+"/wrapper", "allocs/op")
		ba, _ := r.get(c.name+"/baseline", "allocs/op")
		full, fok := r.get(c.name+"/baseline-full", "ns/op")
		fa, _ := r.get(c.name+"/baseline-full", "allocs/op")
		ratio, met, rfull := "-", "not run", "-"
		if wok && bok {
			ratio, met = fmt.Sprintf("%.2f×", w/bl), yes(c.met(w, bl, wa, ba))
		}
		if wok && fok {
			rfull = fmt.Sprintf("%.2f×", w/full)
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.name, num(w, wok), num(bl, bok), ratio,
			num(wa, wok), num(ba, bok), c.target(), met, num(full, fok), rfull, num(fa, fok))
	}
}

// heapTable shows, per client, that iterating 100k members holds about as much live heap as
// iterating 10k.
func heapTable(out *tabwriter.Writer, r results) {
	section(out, "\npeak live heap while iterating (GC every 1,000 members; see BenchmarkIterateMemory)",
		"client\t10k peak-live B\t100k peak-live B\tratio\t10k live-delta B\t100k live-delta B\tpeak-heap 10k/100k B\ttarget\tmet?\t")
	for _, cl := range []string{"wrapper", "baseline"} {
		a, aok := r.get("IterateMemory/members=10k/"+cl, "peak-live-B")
		b, bok := r.get("IterateMemory/members=100k/"+cl, "peak-live-B")
		da, _ := r.get("IterateMemory/members=10k/"+cl, "live-delta-B")
		db, _ := r.get("IterateMemory/members=100k/"+cl, "live-delta-B")
		ha, _ := r.get("IterateMemory/members=10k/"+cl, "peak-heap-B")
		hb, _ := r.get("IterateMemory/members=100k/"+cl, "peak-heap-B")
		ratio, met := "-", "not run"
		if aok && bok {
			ratio = fmt.Sprintf("%.2f×", b/a)
			met = yes(b/a <= 1.2)
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s / %s\t≤ 1.20×\t%s\t\n", cl, num(a, aok), num(b, bok), ratio,
			num(da, aok), num(db, bok), num(ha, aok), num(hb, bok), met)
	}
}

// rssTable is issue 19's table: the peak RSS of a review of 10k and 100k members, by the
// library and by the command in each format, against the ceiling and per-member growth.
func rssTable(out *tabwriter.Writer, r results) {
	section(out, "\nissue 19: peak memory (RSS) of a review of 10,000 and 100,000 members, in a process of its own, against serve-fake in another",
		"case\t10k peak MiB\t100k peak MiB\t10k B/member\t100k B/member\t100k ÷ 10k per member\tmarginal B/member\ttarget\tmet?\t")
	for _, c := range []string{"ReviewRSS", "AuditRSS/json", "AuditRSS/csv", "AuditRSS/html", "AuditRSS/table"} {
		lib, format, _ := strings.Cut(c, "/")
		name := func(n string) string {
			if format == "" {
				return lib + "/members=" + n
			}
			return lib + "/members=" + n + "/" + format
		}
		a, aok := r.get(name("10k"), "peak-rss-B")
		b, bok := r.get(name("100k"), "peak-rss-B")
		label := "review.Run + WriteReport (library)"
		if format != "" {
			label = "ldaccess audit --format " + format
		}
		const mib = 1 << 20
		if !aok || !bok {
			fmt.Fprintf(out, "%s\t-\t-\t-\t-\t-\t-\t≤ 160 MiB, ≤ 1.00×\tnot run\t\n", label)
			continue
		}
		ratio := (b / 100_000) / (a / 10_000)
		fmt.Fprintf(out, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.2f×\t%.0f\t≤ 160 MiB, ≤ 1.00×\t%s\t\n", label, a/mib, b/mib,
			a/10_000, b/100_000, ratio, (b-a)/90_000, yes(b <= 160*mib && ratio <= 1))
	}
}

// applyTable is issue 13's table: the requests and time of role changes by semantic patch
// against one PATCH per member, and how many times fewer the patch needs.
func applyTable(out *tabwriter.Writer, r results) {
	section(out, "\nissue 13: apply role changes to 1,000 members under the fake's rate limits (100 requests per route per 250ms)",
		"case\trequests\telapsed s\t")
	for _, c := range []string{"semantic-patch", "per-member"} {
		n, nok := r.get("ApplyRoles/"+c, "requests")
		e, eok := r.get("ApplyRoles/"+c, "elapsed-s")
		fmt.Fprintf(out, "%s\t%s\t%s\t\n", c, num(n, nok), fnum(e, eok))
	}
	sn, sok := r.get("ApplyRoles/semantic-patch", "requests")
	pn, pok := r.get("ApplyRoles/per-member", "requests")
	se, _ := r.get("ApplyRoles/semantic-patch", "elapsed-s")
	pe, _ := r.get("ApplyRoles/per-member", "elapsed-s")
	if sok && pok && sn > 0 && se > 0 {
		fmt.Fprintf(out, "per-member ÷ semantic-patch\t%.1f×\t%.1f×\t\n", pn/sn, pe/se)
	}
}

// rateLimitTable shows, per RateLimit benchmark, how close to the fake's limit the wrapper
// runs and how many 429s it meets, overall and in the first window.
func rateLimitTable(out *tabwriter.Writer, r results) {
	section(out, "\nrate-limit efficiency (the fake limits one route to R requests per window)",
		"case\telapsed / theoretical minimum\ttarget\tmet?\t429s per window (mean)\t429s in the worst window\ttarget\tmet?\t429s in the first window\ttarget\tmet?\t")
	names := rateLimitNames(r)
	for _, n := range names {
		e, eok := r.get(n, "elapsed/min")
		t, tok := r.get(n, "429s/window")
		w, wok := r.get(n, "max429s/window")
		f, fok := r.get(n, "first-window-429s")
		fmt.Fprintf(out, "%s\t%s\t≤ 1.15\t%s\t%s\t%s\t≤ 1\t%s\t%s\t≤ 1\t%s\t\n", n, fnum(e, eok), yes(eok && e <= 1.15),
			fnum(t, tok), fnum(w, wok), yes(wok && w <= 1), fnum(f, fok), yes(fok && f <= 1))
	}
	if len(names) == 0 {
		fmt.Fprintln(out, "(not run)\t\t\t\t\t\t\t\t\t\t")
	}
}

// rateLimitNames lists the RateLimit benchmarks that ran, sorted, as their number and names
// depend on the benchmark rather than on this report.
func rateLimitNames(r results) []string {
	var names []string
	for n := range r {
		if strings.HasPrefix(n, "RateLimit") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

func fnum(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
