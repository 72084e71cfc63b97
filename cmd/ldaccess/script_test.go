package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/zalando/go-keyring"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/ldcmd"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

// The end-to-end tests are scripts in testdata/script, run by
// github.com/rogpeppe/go-internal/testscript; "exec ldaccess" runs this test binary as the
// command, in a subprocess. Each script gets its own fake LaunchDarkly, seeded small and
// deterministically, running in this test process:
//
//	$FAKE_URL          its base URL (pass --base-url $FAKE_URL)
//	$LD_ACCESS_TOKEN   its admin token, so commands connect without --token
//	$LDACCESS_NOW      the fixed clock the account is seeded at
//
// State therefore carries over from one command of a script to the next. Scripts may also use
// --fake, which starts a fresh embedded account inside the command itself.
//
// Extra script commands:
//
//	ldexit CODE ARGS...           run ldaccess ARGS in-process (stdin not a terminal) and
//	                              require exit code CODE; stdout and stderr are checked as usual
//	                              (testscript's exec can only require success or failure)
//	fakeid member|token|service-token N VAR
//	                              set $VAR to the ID of the fake's Nth member, token or service
//	                              token (from 0)
//	fakeholds members|tokens FILE FILE (ldaccess … --format json) lists exactly what the fake
//	                              holds, field for field
//	[!] fakehas member|token ID   the fake has (or with !, no longer has) it
//	fakefield member|token ID FIELD VALUE
//	                              the fake's member or token has FIELD (a JSON property) = VALUE
//	faketoken ROLE VAR            issue a personal token with the built-in ROLE to the fake's
//	                              first member who has that role, and set $VAR to its secret
//	waitfile FILE VAR             wait (up to 10s) until FILE has a line, set $VAR to it
//	jsonvar FILE FIELD VAR        set $VAR to the top-level string or number FIELD of the JSON
//	                              object in FILE
//	tmuxrun COLS[xROWS] FILE ARGS...
//	                              run ldaccess ARGS on a real terminal COLS wide and ROWS high
//	                              (20 if not given; a tmux pane) and write what the terminal
//	                              shows, every line of its history, to FILE, and the same with
//	                              wrapped lines joined to FILE.joined
//	textfits FILE COLS LINES      FILE (what tmuxrun captured) has at most LINES lines, up to
//	                              its last that is not blank, none wider than COLS
//	closedaddr VAR                set $VAR to a loopback address (host:port) that was just
//	                              listened on and closed, so that nothing answers there

// scriptNow is the clock of every script's account.
var scriptNow = cmdtest.Now

// TestMain makes the test binary the command when the scripts run it as "ldaccess".
func TestMain(m *testing.M) {
	// No test touches the OS keyring: in-process commands (ldexit) share this in-memory one.
	// It needs no D-Bus session bus, but osKeyring checks for one first (checkSessionBus):
	// this address names one, where nothing answers.
	keyring.MockInit()
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ldaccess-tests-use-a-mock-keyring")
	testscript.Main(m, map[string]func(){
		"ldaccess": func() { os.Exit(ldcmd.Main()) },
	})
}

func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, scriptParams())
}

// scriptParams runs the scripts of testdata/script, each with its fake, environment and the
// extra commands above.
func scriptParams() testscript.Params {
	return testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			acct := fake.Seed(fake.SeedOptions{Members: 40, Tokens: 10, Seed: 7, Now: scriptNow})
			srv := fake.NewServer(fake.Options{Account: acct, Now: func() time.Time { return scriptNow }})
			env.Defer(srv.Close)
			env.Values["fake"] = srv
			env.Setenv("FAKE_URL", srv.URL)
			env.Setenv("LD_ACCESS_TOKEN", srv.AdminSecret())
			env.Setenv("LDACCESS_NOW", scriptNow.Format(time.RFC3339))
			// A home of the script's own rather than testscript's /no-home.
			home := filepath.Join(env.WorkDir, ".home")
			if err := os.MkdirAll(home, 0o777); err != nil {
				return err
			}
			env.Setenv("HOME", home)
			// A binary built with -race sleeps a second at exit unless told not to.
			env.Setenv("GORACE", "atexit_sleep_ms=0")
			// A binary built with -cover warns on stderr unless it has somewhere to write.
			// (testscript passes GOCOVERDIR on when it is set.)
			if testing.CoverMode() != "" && env.Getenv("GOCOVERDIR") == "" {
				dir := filepath.Join(env.WorkDir, ".cover")
				if err := os.MkdirAll(dir, 0o777); err != nil {
					return err
				}
				env.Setenv("GOCOVERDIR", dir)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"ldexit":     cmdLdexit,
			"fakeid":     cmdFakeID,
			"fakeholds":  cmdFakeHolds,
			"fakehas":    cmdFakeHas,
			"fakefield":  cmdFakeField,
			"jsonvar":    cmdJSONVar,
			"faketoken":  cmdFakeToken,
			"textfits":   cmdTextFits,
			"waitfile":   cmdWaitFile,
			"tmuxrun":    cmdTmuxRun,
			"closedaddr": cmdClosedAddr,
		},
	}
}

func scriptFake(ts *testscript.TestScript) *fake.Server {
	return ts.Value("fake").(*fake.Server)
}

func cmdLdexit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: ldexit CODE ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := invocation{args: args[1:], getenv: ts.Getenv, stdout: ts.Stdout(), stderr: ts.Stderr()}.exec()
	if got != want {
		ts.Fatalf("ldaccess %s: exit code %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

func cmdFakeID(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: fakeid member|token|service-token N VAR")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	srv := scriptFake(ts)
	var ids []string
	switch args[0] {
	case "member":
		for _, m := range srv.Members() {
			ids = append(ids, m.ID)
		}
	case "token", "service-token":
		for _, t := range srv.Tokens() {
			if args[0] == "token" || t.ServiceToken {
				ids = append(ids, t.ID)
			}
		}
	default:
		ts.Fatalf("fakeid: member, token or service-token, not %q", args[0])
	}
	if n < 0 || n >= len(ids) {
		ts.Fatalf("fakeid: the fake has %d %ss", len(ids), args[0])
	}
	ts.Setenv(args[2], ids[n])
}

// memberKey and tokenKey are the fields fakeholds compares.
func memberKey(m api.Member) string {
	return fmt.Sprintf("%s|%s|%s|%v|%d|%s|%v|%v|%s", m.ID, m.Email, m.Role, m.CustomRoles, m.LastSeen,
		m.MFA, m.PendingInvite, review.MemberOf(m).Teams, review.MemberOf(m).Name())
}

func tokenKey(t api.Token) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%v|%v|%d|%s", t.ID, t.Name, t.OwnerID, t.MemberID, t.Role,
		t.ServiceToken, t.CustomRoleIDs, t.CreationDate, t.Secret)
}

func cmdFakeHolds(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fakeholds members|tokens FILE")
	}
	data := []byte(ts.ReadFile(args[1]))
	srv := scriptFake(ts)
	var got, want []string
	switch args[0] {
	case "members":
		var ms []api.Member
		ts.Check(json.Unmarshal(data, &ms))
		for _, m := range ms {
			got = append(got, memberKey(m))
		}
		for _, m := range srv.Members() {
			want = append(want, memberKey(m))
		}
	case "tokens":
		var toks []api.Token
		ts.Check(json.Unmarshal(data, &toks))
		for _, t := range toks {
			got = append(got, tokenKey(t))
		}
		for _, t := range srv.Tokens() {
			want = append(want, tokenKey(t))
		}
	default:
		ts.Fatalf("fakeholds: members or tokens, not %q", args[0])
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 {
		ts.Fatalf("fakeholds: the fake holds no %s", args[0])
	}
	if !slices.Equal(got, want) {
		ts.Fatalf("fakeholds %s: the output has\n%s\nthe fake holds\n%s", args[0], strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func cmdFakeHas(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: [!] fakehas member|token ID")
	}
	srv := scriptFake(ts)
	var ok bool
	switch args[0] {
	case "member":
		_, ok = srv.Member(args[1])
	case "token":
		_, ok = srv.Token(args[1])
	default:
		ts.Fatalf("fakehas: member or token, not %q", args[0])
	}
	if ok == neg {
		ts.Fatalf("fakehas %s %s: %v", args[0], args[1], ok)
	}
}

func cmdFakeField(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: fakefield member|token ID FIELD VALUE")
	}
	srv := scriptFake(ts)
	var v any
	var ok bool
	switch args[0] {
	case "member":
		v, ok = srv.Member(args[1])
	case "token":
		v, ok = srv.Token(args[1])
	}
	if !ok {
		ts.Fatalf("fakefield: no %s %s", args[0], args[1])
	}
	data, err := json.Marshal(v)
	ts.Check(err)
	var obj map[string]any
	ts.Check(json.Unmarshal(data, &obj))
	got := jsonString(obj[args[2]])
	if (got == args[3]) == neg {
		ts.Fatalf("fakefield: %s %s has %s = %s", args[0], args[1], args[2], got)
	}
}

// jsonString prints a decoded JSON value compactly: strings bare, the rest as JSON.
func jsonString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func cmdJSONVar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonvar FILE FIELD VAR")
	}
	var obj map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &obj))
	v, ok := obj[args[1]]
	if !ok {
		ts.Fatalf("jsonvar: %s has no field %s", args[0], args[1])
	}
	ts.Setenv(args[2], jsonString(v))
}

func cmdFakeToken(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: faketoken ROLE VAR")
	}
	srv := scriptFake(ts)
	for _, m := range srv.Members() {
		if m.Role == args[0] && !m.PendingInvite {
			tok, ok := srv.IssueToken(m.ID, args[0])
			if !ok {
				ts.Fatalf("faketoken: the fake issued no %s token", args[0])
			}
			ts.Setenv(args[1], tok.Secret)
			return
		}
	}
	ts.Fatalf("faketoken: the fake has no member with the role %s", args[0])
}

func cmdTextFits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: textfits FILE COLS LINES")
	}
	cols, err := strconv.Atoi(args[1])
	ts.Check(err)
	most, err := strconv.Atoi(args[2])
	ts.Check(err)
	lines := strings.Split(strings.TrimRight(ts.ReadFile(args[0]), " \n"), "\n")
	if len(lines) > most {
		ts.Fatalf("textfits: %s has %d lines, more than %d", args[0], len(lines), most)
	}
	for i, l := range lines {
		if w := runewidth.StringWidth(strings.TrimRight(l, " ")); w > cols {
			ts.Fatalf("textfits: %s:%d is %d columns wide, more than %d: %q", args[0], i+1, w, cols, l)
		}
	}
	ts.Logf("%s: %d lines, none wider than %d", args[0], len(lines), cols)
}

func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfile FILE VAR")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(ts.MkAbs(args[0]))
		if line, _, ok := strings.Cut(string(data), "\n"); err == nil && ok {
			ts.Setenv(args[1], line)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s did not appear", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func cmdTmuxRun(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: tmuxrun COLS[xROWS] FILE ARGS...")
	}
	cols, rows, ok := strings.Cut(args[0], "x")
	if !ok {
		rows = "20"
	}
	sock := ts.MkAbs(fmt.Sprintf("tmux%d.sock", time.Now().UnixNano()))
	conf := ts.MkAbs("tmux.conf")
	ts.Check(os.WriteFile(conf, []byte("set -g history-limit 200000\n"), 0o666))
	tmux := func(args ...string) string {
		cmd := exec.Command("tmux", append([]string{"-S", sock, "-f", conf}, args...)...)
		cmd.Env = scriptEnv(ts)
		cmd.Dir = ts.MkAbs(".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			ts.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	quoted := make([]string, len(args)-2)
	for i, a := range args[2:] {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	// The pane is COLS wide and ROWS high, so that the output scrolls into the history
	// as it would in a terminal; the command's exit code is printed last. The shell then waits
	// to be killed, so that the pane stays as it is while it is captured.
	shell := "ldaccess " + strings.Join(quoted, " ") + "; echo \"[exit $?]\"; tmux -S " + sock + " wait-for -S done; exec sleep 600"
	tmux("new-session", "-d", "-x", cols, "-y", rows, shell)
	defer exec.Command("tmux", "-S", sock, "kill-server").Run()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tmux("wait-for", "done")
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		ts.Fatalf("tmuxrun: ldaccess did not finish within a minute")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(tmux("capture-pane", "-p", "-S", "-", "-E", "-")), 0o666))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]+".joined"), []byte(tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-")), 0o666))
}

// scriptEnv is the script's environment, as far as ldaccess and tmux use it.
func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LD_ACCESS_TOKEN", "LDACCESS_NOW", "LDACCESS_PROFILE",
		"FAKE_URL", "GORACE", "GOCOVERDIR", "XDG_CONFIG_HOME", "LDACCESS_PAGER", "PAGER", "LESS"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return append(env, "TERM=xterm-256color", "LANG=C.UTF-8")
}

// cmdClosedAddr picks a port nothing listens on the way net/http/httptest does for a
// listener, then closes it: unlike a fixed port (such as 1), it is free on any machine.
func cmdClosedAddr(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: closedaddr VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Check(ln.Close())
	ts.Setenv(args[0], ln.Addr().String())
}
