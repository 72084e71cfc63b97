package main

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// The HTML report as a browser lays it out, at 1280 pixels: tests that need Chromium (make
// deps-browser installs it) and skip, saying so, without it. audit_html.txtar checks the
// report's DOM in the same browser.

// chromium runs headless Chromium with args at a window of 1280 by height, and returns what
// it printed on stdout.
func chromium(t *testing.T, height int, args ...string) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium is not installed, so the HTML report is not laid out in a browser (make deps-browser installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--force-device-scale-factor=1", "--user-data-dir=" + t.TempDir(), "--window-size=1280," + strconv.Itoa(height)}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	require.NoError(t, err, "chromium %v", args)
	return string(out)
}

// demoReport is the HTML report of the 3,000-member demo account (ldaccess --fake audit).
func demoReport(t *testing.T) string {
	t.Helper()
	env := envOf(map[string]string{"LDACCESS_NOW": scriptNow.Format(time.RFC3339)})
	r := invocation{args: []string{"--fake", "audit", "--format", "html"}, getenv: env}.run()
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	return r.stdout
}

// demoReportFile is demoReport, and the file it is written to.
func demoReportFile(t *testing.T) (page, path string) {
	t.Helper()
	page = demoReport(t)
	path = filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(path, []byte(page), 0o600))
	return page, path
}

// breakProbe, run in a copy of the report, lists every word (a run of non-space text) that
// the browser laid out on more than one line.
const breakProbe = `<script>
(function () {
  var broken = [], words = 0, walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), n;
  while ((n = walker.nextNode())) {
    var re = /\S+/g, m;
    while ((m = re.exec(n.textContent))) {
      var r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      var tops = {};
      Array.prototype.forEach.call(r.getClientRects(), function (x) { if (x.width > 0) tops[Math.round(x.top)] = true; });
      words++;
      if (Object.keys(tops).length > 1) broken.push(m[0]);
    }
  }
  document.body.setAttribute('data-words', String(words));
  document.body.setAttribute('data-broken', JSON.stringify(broken));
})();
</script>`

// TestNoWordOrIDBreaksAcrossLines: at 1280 pixels no word of the report (an ID, an email,
// "disabled", a finding) is split over two lines. The probe runs in a copy of the report
// without its Content-Security-Policy, which forbids scripts in the report itself.
func TestNoWordOrIDBreaksAcrossLines(t *testing.T) {
	t.Parallel()
	page := demoReport(t)
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`)
	require.True(t, csp.MatchString(page))
	probe := strings.Replace(csp.ReplaceAllString(page, ""), "</body>", breakProbe+"</body>", 1)
	path := filepath.Join(t.TempDir(), "probe.html")
	require.NoError(t, os.WriteFile(path, []byte(probe), 0o600))

	dom := chromium(t, 1000, "--dump-dom", "file://"+path)
	m := regexp.MustCompile(`<body data-words="(\d+)" data-broken="([^"]*)"`).FindStringSubmatch(dom)
	require.NotNil(t, m, "the probe did not run")
	words, _ := strconv.Atoi(m[1])
	assert.Greater(t, words, 5000, "the probe saw the whole report")
	var broken []string
	require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(m[2], "&quot;", `"`)), &broken))
	assert.Empty(t, broken, "words split over two lines at 1280 px")
}

// TestTheChartShowsSmallCounts: in a screenshot of the report at 1280 pixels, every bar of a
// count above zero is drawn as wide as the chart says and at least 8 pixels, and the 6
// owner-gone tokens, a high risk, are a bar one can see beside the 887 members on no team.
func TestTheChartShowsSmallCounts(t *testing.T) {
	t.Parallel()
	page, path := demoReportFile(t)
	shot := filepath.Join(filepath.Dir(path), "report.png")
	chromium(t, 2000, "--screenshot="+shot, "file://"+path)
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)

	// What the chart says: each bar's finding, risk and width, top to bottom.
	rects := regexp.MustCompile(`<rect class="bar-(\w+)" data-finding="([\w-]+)" x="\d+" y="\d+" width="(\d+)"`).FindAllStringSubmatch(page, -1)
	require.Len(t, rects, 10)
	colors := map[string]color.RGBA{"high": {0xd9, 0x2d, 0x20, 0xff}, "medium": {0xf7, 0x90, 0x09, 0xff}, "low": {0x98, 0xa2, 0xb3, 0xff}}
	drawn := map[string][]int{}
	for risk, c := range colors {
		drawn[risk] = bars(img, c)
	}
	next := map[string]int{}
	for _, r := range rects {
		risk, finding := r[1], r[2]
		want, _ := strconv.Atoi(r[3])
		if want == 0 {
			continue
		}
		require.Less(t, next[risk], len(drawn[risk]), "no bar drawn for %s", finding)
		got := drawn[risk][next[risk]]
		next[risk]++
		assert.InDelta(t, want, got, 1, "%s: drawn %d px wide, the chart says %d", finding, got, want)
		assert.GreaterOrEqual(t, got, 8, "%s is a sliver", finding)
		if finding == "owner-gone" {
			assert.GreaterOrEqual(t, got, 40, "the 6 owner-gone tokens are a high risk one can see")
		}
	}
	for risk := range colors {
		assert.Equal(t, len(drawn[risk]), next[risk], "%s: bars drawn that the chart does not have", risk)
	}
}

// bars measures the bars of one colour in img, top to bottom: a bar is a run of pixels of
// exactly that colour, 16 rows high.
func bars(img image.Image, c color.RGBA) []int {
	type run struct{ x, w int }
	b := img.Bounds()
	var widths []int
	var prev []run
	height := map[run]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		var runs []run
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) != c {
				continue
			}
			if n := len(runs); n > 0 && runs[n-1].x+runs[n-1].w == x {
				runs[n-1].w++
			} else {
				runs = append(runs, run{x, 1})
			}
		}
		for _, r := range runs {
			height[r]++
		}
		for _, r := range prev {
			if !slices.Contains(runs, r) {
				if height[r] >= 12 {
					widths = append(widths, r.w)
				}
				delete(height, r)
			}
		}
		prev = runs
	}
	return widths
}

// TestTheReportPrints: printed to PDF (as an auditor exports it), the report is a document
// of several pages.
func TestTheReportPrints(t *testing.T) {
	t.Parallel()
	page, path := demoReportFile(t)
	pdf := filepath.Join(filepath.Dir(path), "report.pdf")
	chromium(t, 1000, "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+path)
	data, err := os.ReadFile(pdf)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "%PDF-"), "a PDF")
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(data, -1)
	assert.Greater(t, len(pages), 3, "pages")
	assert.Contains(t, page, "@media print")
	assert.Contains(t, page, "@page { size: A4 landscape")
}
