package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/fake"
)

// Output that cannot attack its reader: whatever names a hostile server (or a hostile member
// of the account) gives tokens and members, nothing the command prints moves a terminal's
// cursor, reorders what is shown, hides characters, or starts a spreadsheet formula.

// hostileNames are what a hostile account holds: spreadsheet formulas (OWASP's CSV injection
// starts: = + - @ tab CR), terminal escape sequences (a hyperlink, clear screen), a
// bidirectional override, an 8-bit CSI and a zero-width space.
var hostileNames = []string{
	`=HYPERLINK("http://evil.example","x")`,
	"+1+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+1",
	"\r=1+1",
	"\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\x1b[2J",
	"evil\u202egpj.exe",
	"\u009b31mred",
	"zero\u200bwidth\u2066",
}

// hostileEmail is the address of a member whose every question quotes it.
const hostileEmail = "evil\u202egpj\u009b31m\x1b[2J\u200b@x.example"

// newHostileFake serves a small account whose tokens and members (but the owner) have hostile
// names, and one member a hostile address.
func newHostileFake(t *testing.T) *fake.Server {
	t.Helper()
	acct := fake.Seed(fake.SeedOptions{Members: 20, Tokens: 10, Seed: 3, Now: scriptNow})
	for i := range acct.Tokens {
		acct.Tokens[i].Name = hostileNames[i%len(hostileNames)]
	}
	for i := range acct.Members {
		if acct.Members[i].Role != "owner" {
			acct.Members[i].FirstName = hostileNames[i%len(hostileNames)]
			acct.Members[i].LastName = hostileNames[(i+1)%len(hostileNames)]
		}
	}
	for i := range acct.Members {
		if acct.Members[i].Role == "reader" && !acct.Members[i].PendingInvite {
			acct.Members[i].Email = hostileEmail
			break
		}
	}
	srv := fake.NewServer(fake.Options{Account: acct, Now: func() time.Time { return scriptNow }})
	t.Cleanup(srv.Close)
	return srv
}

// requireHarmless fails if text holds a character that acts on a terminal or shows as
// nothing: a control character other than a newline, or a format character (bidirectional
// controls, zero-width characters).
func requireHarmless(t *testing.T, what, text string) {
	t.Helper()
	for i, r := range text {
		if (unicode.IsControl(r) && r != '\n') || unicode.Is(unicode.Cf, r) {
			from, to := max(0, i-60), min(len(text), i+60)
			require.Failf(t, "a character that acts on the reader", "%s: %U at byte %d, in …%q…", what, r, i, text[from:to])
		}
	}
}

// requireNoFormulas fails if a cell of CSV output (sections separated by blank lines) starts
// as a spreadsheet formula would.
func requireNoFormulas(t *testing.T, what, out string) {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(out))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	require.NoError(t, err, "%s: not CSV:\n%s", what, out)
	require.NotEmpty(t, recs, what)
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				require.Failf(t, "a formula cell", "%s: %q in %q", what, cell, rec)
			}
		}
	}
}

// runHostile runs the command against srv, stdin a terminal when tty (questions are asked),
// stdout and stderr not.
func runHostile(t *testing.T, srv *fake.Server, dir, stdin string, tty bool, args ...string) result {
	t.Helper()
	env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	return invocation{
		args: append([]string{"--base-url", srv.URL}, args...), getenv: envOf(env), dir: dir,
		stdin: strings.NewReader(stdin), stdinTTY: tty,
	}.run()
}

func TestHostileNamesInEveryFormat(t *testing.T) {
	t.Parallel()
	srv := newHostileFake(t)
	dir := t.TempDir()
	tok := srv.Tokens()[1]
	member := hostileMember(t, srv)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"rules": [
		{"finding": "never-used", "action": "delete-token"}, {"finding": "stale", "action": "delete-token"},
		{"finding": "no-team", "action": "remove-custom-roles"}, {"finding": "inactive", "action": "remove-member"}]}`), 0o600))
	commands := [][]string{
		{"audit"}, {"audit", "--all"}, {"audit", "--format", "html"},
		{"audit", "--plan", "plan.json", "--policy", "policy.json"},
		{"tokens", "list", "--all"}, {"tokens", "get", tok.ID},
		{"members", "list"}, {"members", "get", member.ID},
	}
	for _, args := range commands {
		for _, format := range []string{"table", "csv", "json"} {
			argv := append(append([]string(nil), args...), "--format", format)
			if slices.Contains(args, "--format") {
				if format != "table" {
					continue
				}
				argv = args
			}
			r := runHostile(t, srv, dir, "", false, argv...)
			require.Equal(t, clierr.ExitOK, r.code, "%v: %+v", argv, r)
			requireHarmless(t, fmt.Sprint(argv, " stdout"), r.stdout)
			requireHarmless(t, fmt.Sprint(argv, " stderr"), r.stderr)
			if format == "csv" {
				requireNoFormulas(t, fmt.Sprint(argv), r.stdout)
			}
		}
	}
	// The plan's actions name hostile tokens and members, escaped in the file; apply's results
	// in every format.
	plan, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	requireHarmless(t, "plan.json", string(plan))
	for _, format := range []string{"csv", "json", "table"} {
		r := runHostile(t, srv, dir, "", false, "apply", "plan.json", "--dry-run", "--format", format)
		require.Contains(t, []int{clierr.ExitOK, clierr.ExitFindings}, r.code, "apply --dry-run --format %s: %+v", format, r)
		requireHarmless(t, "apply --dry-run stdout "+format, r.stdout)
		requireHarmless(t, "apply --dry-run stderr "+format, r.stderr)
		if format == "csv" {
			requireNoFormulas(t, "apply --dry-run --format csv", r.stdout)
		}
	}
	r := runHostile(t, srv, dir, "", false, "apply", "plan.json", "--yes", "--format", "csv")
	requireHarmless(t, "apply stdout", r.stdout)
	requireHarmless(t, "apply stderr", r.stderr)
	requireNoFormulas(t, "apply --format csv", r.stdout)
}

// hostileMember is a member of srv, not the owner, whose name is hostile.
func hostileMember(t *testing.T, srv *fake.Server) api.Member {
	t.Helper()
	for _, m := range srv.Members() {
		if m.Role != "owner" && m.Role != "admin" && strings.ContainsAny(m.FirstName+m.LastName, "\x1b\u202e") {
			return m
		}
	}
	require.Fail(t, "no hostile member")
	return api.Member{}
}

// Every question a destructive command asks quotes what the server holds, cleaned.
func TestHostileNamesInEveryQuestion(t *testing.T) {
	t.Parallel()
	srv := newHostileFake(t)
	dir := t.TempDir()
	tok := srv.Tokens()[1]
	member := hostileMember(t, srv)
	r := runHostile(t, srv, dir, "", false, "members", "offboard", member.Email, "--dry-run")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"rules": [{"finding": "no-team", "action": "remove-member"}]}`), 0o600))
	r = runHostile(t, srv, dir, "", false, "audit", "--plan", "plan.json", "--policy", "policy.json")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	var quoted api.Member // a member whose address every question about them quotes
	for _, m := range srv.Members() {
		if m.Email == hostileEmail {
			quoted = m
		}
	}
	require.NotEmpty(t, quoted.ID)
	for _, args := range [][]string{
		{"tokens", "reset", tok.ID},
		{"tokens", "rotate", tok.ID, "--exec", "cat >/dev/null"},
		{"tokens", "delete", tok.ID},
		{"members", "remove", quoted.ID},
		{"members", "set-role", quoted.ID, "no_access"},
		{"members", "set-role", member.Email, "no_access"},
		{"members", "offboard", member.Email},
		{"apply", "plan.json"},
	} {
		r := runHostile(t, srv, dir, "n\n", true, args...)
		require.Equal(t, clierr.ExitError, r.code, "%v: %+v", args, r)
		require.Contains(t, r.stderr, "[y/N]", "%v asked nothing", args)
		requireHarmless(t, fmt.Sprint(args, " stderr"), r.stderr)
		requireHarmless(t, fmt.Sprint(args, " stdout"), r.stdout)
	}
}

// An error that quotes a hostile server's message is one harmless line.
func TestHostileServerErrors(t *testing.T) {
	t.Parallel()
	msg := `\u001b]8;;http://evil.example\u0007click\u001b[2J \u202eevil \u009b31m \u200b`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":"invalid_request\u202e","message":"%s","id":"req\u001b[2J"}`, msg)
	}))
	t.Cleanup(srv.Close)
	for _, args := range [][]string{{"members", "get", "x"}, {"tokens", "list"}, {"audit"}, {"members", "remove", "x", "--yes"}} {
		env := map[string]string{"LD_ACCESS_TOKEN": fake.DefaultAdminSecret}
		r := invocation{args: append([]string{"--base-url", srv.URL}, args...), getenv: envOf(env)}.run()
		require.Equal(t, clierr.ExitError, r.code, "%v: %+v", args, r)
		assert.Contains(t, r.stderr, "evil", "%v", args)
		requireHarmless(t, fmt.Sprint(args), r.stderr)
	}
}

// split writes s with a zero-width space after every four characters: it reads whole.
func split(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteString("\u200b")
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jsonEscapes are \u escapes, which a JSON reader decodes into the character: one that shows
// as nothing (\u200b) hides nothing from a program that reads the JSON.
var jsonEscapes = regexp.MustCompile(`\\u[0-9a-fA-F]{4}|\\[bfnrt]`)

// A server that echoes the run's token split by characters that show as nothing (each piece
// shorter than a run redaction looks for) gets it redacted in every format: JSON, which writes
// such characters as \u escapes that any reader decodes, as well as tables, CSV and HTML.
func TestASplitTokenIsRedactedInEveryFormat(t *testing.T) {
	t.Parallel()
	acct := fake.Seed(fake.SeedOptions{Members: 20, Tokens: 10, Seed: 3, Now: scriptNow})
	hidden := split(fake.DefaultAdminSecret)
	for i := range acct.Tokens {
		acct.Tokens[i].Name = "t" + hidden
	}
	for i := range acct.Members {
		acct.Members[i].FirstName = hidden
	}
	srv := fake.NewServer(fake.Options{Account: acct, Now: func() time.Time { return scriptNow }})
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(`{"rules": [{"finding": "never-used", "action": "delete-token"}]}`), 0o600))
	tokens := map[string]string{"the admin token": srv.AdminSecret()}
	for _, args := range [][]string{
		{"members", "list", "--format", "json"}, {"members", "list", "--format", "csv"}, {"members", "list"},
		{"tokens", "list", "--all", "--format", "json"}, {"audit", "--format", "json"}, {"audit", "--format", "html"},
		{"audit", "--format", "csv"}, {"audit", "--plan", "plan.json", "--policy", "policy.json"},
		{"apply", "plan.json", "--dry-run", "--format", "json"},
	} {
		r := runHostile(t, srv, dir, "", false, args...)
		require.Contains(t, []int{clierr.ExitOK, clierr.ExitFindings}, r.code, "%v: %+v", args, r)
		for what, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if leak := leakedRun(jsonEscapes.ReplaceAllString(out, ""), tokens); leak != "" {
				assert.Failf(t, "a token in the output", "%v %s: %s", args, what, leak)
			}
		}
	}
	plan, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	assert.Empty(t, leakedRun(jsonEscapes.ReplaceAllString(string(plan), ""), tokens), "a token in the plan")
}

// Shell completion shows what the account holds in the user's shell: descriptions in the
// completion menu, candidates inserted into the command line. A hostile name or address acts on
// neither: descriptions are cleaned as every table cell is, and a candidate that holds white
// space or a harmful character (a newline would make a second candidate of whatever follows
// it, such as "; curl … | sh") is not offered at all. The run's token is redacted there too.
func TestHostileNamesInCompletion(t *testing.T) {
	t.Parallel()
	acct := fake.Seed(fake.SeedOptions{Members: 20, Tokens: 10, Seed: 3, Now: scriptNow})
	for i := range acct.Tokens {
		acct.Tokens[i].Name = hostileNames[i%len(hostileNames)] + " " + fake.DefaultAdminSecret
	}
	injected := "evil@x.example\nrm -rf ~ #@x.example"
	for i := range acct.Members {
		if acct.Members[i].Role == "owner" {
			continue
		}
		acct.Members[i].FirstName = hostileNames[i%len(hostileNames)]
		switch i % 3 {
		case 0:
			acct.Members[i].Email = injected
		case 1:
			acct.Members[i].Email = hostileEmail
		}
	}
	srv := fake.NewServer(fake.Options{Account: acct, Now: func() time.Time { return scriptNow }})
	t.Cleanup(srv.Close)
	for _, args := range [][]string{{"tokens", "get", ""}, {"members", "get", ""}, {"members", "get", "evil"}} {
		env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		r := invocation{args: append([]string{"__complete", "--base-url", srv.URL}, args...), getenv: envOf(env)}.run()
		require.Equal(t, clierr.ExitOK, r.code, "%v: %+v", args, r)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if args[2] == "" {
			require.Greater(t, len(lines), 1, "%v offers nothing", args)
		}
		for _, l := range lines[:len(lines)-1] {
			value, desc, _ := strings.Cut(l, "\t")
			requireHarmless(t, fmt.Sprint(args, " description"), desc)
			assert.NotContains(t, value, " ", "%v: a candidate with white space", args)
			assert.NotContains(t, []string{"rm", "-rf", "~"}, value)
			requireHarmless(t, fmt.Sprint(args, " candidate"), value)
			assert.NotContains(t, l, srv.AdminSecret()[4:20], "%v: the token", args)
		}
	}
}
