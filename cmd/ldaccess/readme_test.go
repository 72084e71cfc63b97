package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/ldcmd"
	"github.com/ldaccess/ldaccess/fake"
)

// TestREADMECommands runs every ldaccess command that README.md shows, in its order, so that
// the README cannot go stale. The commands are those of its ```sh blocks, the "$ " lines of
// its ```console blocks and the ldaccess lines of its ```yaml blocks (a CI workflow's run:
// steps); each runs as written, as a testscript script generated from the README, except that
//
//   - a command that neither uses --fake nor serves one is sent to a fake account seeded as
//     --fake seeds its own (3000 members, seed 1: the README's IDs and addresses are from it),
//     by adding --base-url, or by replacing one that names another host; the account lives
//     for the whole README, so that what one command changes, the next sees, as it would
//     against a real account;
//   - serve-fake listens on a free port instead of the README's, in the background, and the
//     commands that follow use that port;
//   - what follows a pipe or a redirection is left out (the command's output goes to the
//     test), and so are comments; but output redirected to a file in the directory the
//     commands run in ("> review.json") is written there, for the commands after it;
//   - a code block whose info string names a file after its language (```json policy.json)
//     is that file, in the directory the commands run in.
//
// Each must end with exit code 0, or with the one its comment promises ("# exit 3 if …").
// Destructive commands run as if at a terminal whose user confirms.
func TestREADMECommands(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	cmds, err := readmeCommands(string(readme))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cmds), 20, "the README shows that many commands; is the parser missing some?")

	script, err := readmeScript(cmds, closedAddr)
	require.NoError(t, err)
	script += readmeFiles(string(readme))
	testscript.Run(t, readmeParams(t, "readme.txtar", script))
}

// readmeParams runs script, as file name, as TestREADMECommands runs the README's: against
// the account --fake seeds, with the readme and waitlisten commands.
func readmeParams(t *testing.T, name, script string) testscript.Params {
	file := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(file, []byte(script), 0o644))

	p := scriptParams()
	p.Dir, p.Files = "", []string{file}
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		srv, err := readmeFake(env.Getenv)
		if err != nil {
			return err
		}
		env.Defer(srv.Close)
		env.Values["fake"] = srv
		env.Setenv("FAKE_URL", srv.URL)
		// The README's token variables, LD_ACCESS_TOKEN and the prod profile's, hold the
		// fake account's admin secret.
		env.Setenv("LD_ACCESS_TOKEN", srv.AdminSecret())
		env.Setenv("LD_PROD_TOKEN", srv.AdminSecret())
		env.Setenv("LD_ACCESS_REVIEW_TOKEN", srv.AdminSecret()) // the CI workflow's
		return nil
	}
	p.Cmds["readme"] = cmdReadme
	p.Cmds["waitlisten"] = cmdWaitListen
	return p
}

// readmeFake serves the account that --fake and serve-fake seed when given no --fake-* flags.
func readmeFake(getenv func(string) string) (*fake.Server, error) {
	accounts := ldcmd.NewFactory(iostreams.New(strings.NewReader(""), io.Discard, io.Discard), getenv, nil).Accounts
	acct, err := accounts.FakeAccount(accounts.FlagsTarget()) // the flags' defaults
	if err != nil {
		return nil, err
	}
	return fake.NewServer(accounts.FakeOptions(acct, false)), nil
}

// readmeCommand is one ldaccess command of the README.
type readmeCommand struct {
	line int      // in README.md, from 1
	text string   // as written, without the prompt
	args []string // the words after "ldaccess", up to a pipe, redirection or comment
	exit int      // the exit code the comment promises ("exit 3"), else 0
	// to is the file in the working directory the output is redirected to ("> review.json"),
	// "" if none.
	to string
}

var promisedExit = regexp.MustCompile(`\bexit (\d+)\b`)

// readmeCommands finds the ldaccess commands of a README's ```sh and ```console blocks.
func readmeCommands(readme string) ([]readmeCommand, error) {
	var cmds []readmeCommand
	lang, inBlock := "", false
	cont, contLine := "", 0 // a shell line ended with a backslash: it goes on on the next
	for i, line := range strings.Split(readme, "\n") {
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			lang, inBlock = strings.TrimSpace(fence), !inBlock
			continue
		}
		if !inBlock {
			continue
		}
		var text string
		switch lang {
		case "sh", "shell", "bash":
			text = strings.TrimSpace(line)
			if cont != "" {
				text, cont = cont+" "+text, ""
			} else {
				contLine = i
			}
			if head, ok := strings.CutSuffix(text, "\\"); ok {
				cont = strings.TrimSpace(head)
				continue
			}
		case "console":
			contLine = i
			var ok bool
			if text, ok = strings.CutPrefix(line, "$ "); !ok {
				continue
			}
		case "yaml", "yml":
			// A workflow's step: "- run: ldaccess …", or a line of a "run: |" block.
			contLine = i
			text = strings.TrimSpace(line)
			text = strings.TrimPrefix(strings.TrimPrefix(text, "- "), "run:")
			text = strings.TrimSpace(text)
		default:
			continue
		}
		rest, ok := strings.CutPrefix(text, "ldaccess ")
		if !ok {
			continue
		}
		words, comment, err := shellWords(rest)
		if err != nil {
			return nil, fmt.Errorf("README.md:%d: %s: %w", contLine+1, text, err)
		}
		c := readmeCommand{line: contLine + 1, text: text, args: words, to: redirectedTo(rest)}
		if m := promisedExit.FindStringSubmatch(comment); m != nil {
			c.exit, _ = strconv.Atoi(m[1])
		}
		cmds = append(cmds, c)
	}
	if inBlock {
		return nil, fmt.Errorf("README.md: a code block is not closed")
	}
	return cmds, nil
}

// shellWords splits a command line as sh would, as far as the README needs: words, single
// and double quotes, and a comment. It stops at a pipe or redirection. Anything the test could
// not run as written (variables, command substitution, escapes, an ellipsis standing for a
// value) is an error.
func shellWords(s string) (words []string, comment string, err error) {
	var word strings.Builder
	inWord := false
	end := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t':
			end()
		case ch == '#' && !inWord:
			return words, s[i+1:], nil
		case strings.IndexByte("|><;&", ch) >= 0:
			end()
			if j := strings.Index(s[i:], " #"); j >= 0 {
				comment = s[i+j+2:]
			}
			return words, comment, nil
		case strings.IndexByte("$`\\", ch) >= 0:
			return nil, "", fmt.Errorf("%q: not a literal command line", ch)
		case ch == '\'' || ch == '"':
			quoted, err := quotedAt(s[i:])
			if err != nil {
				return nil, "", err
			}
			word.WriteString(quoted)
			inWord = true
			i += len(quoted) + 1
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	end()
	return words, "", checkLiteral(words)
}

// redirectedTo is the file a command line's output is redirected to, if it is one plain file
// name in the working directory ("> review.json"), else "".
func redirectedTo(line string) string {
	m := regexp.MustCompile(`(?:^|\s)>\s*([\w.-]+)(?:\s|$)`).FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return m[1]
}

// quotedAt is the text of the quoted string s starts with, without its quotes.
func quotedAt(s string) (string, error) {
	j := strings.IndexByte(s[1:], s[0])
	if j < 0 {
		return "", fmt.Errorf("unclosed %c", s[0])
	}
	quoted := s[1 : 1+j]
	if s[0] == '"' && strings.ContainsAny(quoted, "$`\\") {
		return "", fmt.Errorf("%q: not a literal command line", quoted)
	}
	return quoted, nil
}

// checkLiteral refuses a word that stands for a value instead of being one.
func checkLiteral(words []string) error {
	for _, w := range words {
		if strings.Contains(w, "…") {
			return fmt.Errorf("%q stands for a value; write one the fake account has", w)
		}
	}
	return nil
}

// readmeScript turns the commands into a testscript script; see TestREADMECommands. addr
// gives a free loopback address for each serve-fake.
func readmeScript(cmds []readmeCommand, addr func() (string, error)) (string, error) {
	var b strings.Builder
	b.WriteString("# Generated by TestREADMECommands from README.md.\n")
	served := map[string]string{} // the README's serve-fake address: the one used instead
	for i, c := range cmds {
		args := make([]string, len(c.args))
		for j, a := range c.args {
			for from, to := range served {
				a = strings.ReplaceAll(a, from, to)
			}
			args[j] = a
		}
		fmt.Fprintf(&b, "\n# README.md:%d: %s\n", c.line, c.text)
		if len(args) > 0 && args[0] == "serve-fake" {
			at := slices.Index(args, "--addr")
			if at < 0 || at+1 >= len(args) {
				return "", fmt.Errorf("README.md:%d: serve-fake without --addr", c.line)
			}
			free, err := addr()
			if err != nil {
				return "", err
			}
			served[c.args[at+1]] = free // the README's address, now served here
			args[at+1] = free
			fmt.Fprintf(&b, "exec ldaccess %s &serve%d&\nwaitlisten %s\n", quoteArgs(args), i, free)
			continue
		}
		args = toFake(args, served)
		fmt.Fprintf(&b, "readme %d %s\n", c.exit, quoteArgs(args))
		if c.to != "" {
			fmt.Fprintf(&b, "cp stdout %s\n", c.to)
		}
	}
	return b.String(), nil
}

// toFake points a command at the README's fake account, unless it uses --fake, a fake that
// the README serves, or profiles: a profile the README adds gets the fake's base URL when it
// is added, as every other command does.
func toFake(args []string, served map[string]string) []string {
	if slices.Index(args, "--fake") >= 0 || usesProfiles(args) {
		return args // profiles were added pointing at the fake, or are fakes themselves
	}
	if at := slices.Index(args, "--base-url"); at >= 0 && at+1 < len(args) {
		for _, addr := range served {
			if strings.Contains(args[at+1], addr) {
				return args
			}
		}
		out := append([]string{}, args...)
		out[at+1] = "$FAKE_URL"
		return out
	}
	return append([]string{"--base-url", "$FAKE_URL"}, args...)
}

// quoteArgs writes args in testscript's syntax: each quoted, but $FAKE_URL expanded.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "$FAKE_URL" {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", "''") + "'"
		}
	}
	return strings.Join(q, " ")
}

// closedAddr is a loopback address nobody listens on.
func closedAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	return ln.Addr().String(), ln.Close()
}

// cmdReadme runs ldaccess in-process, as a user at a terminal who confirms what is asked:
// readme CODE ARGS... requires exit code CODE.
func cmdReadme(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: readme CODE ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	var out, errs countingWriter
	out.w, errs.w = ts.Stdout(), ts.Stderr()
	inv := invocation{args: args[1:], getenv: ts.Getenv, stdin: strings.NewReader("y\n"), stdinTTY: true,
		stdout: &out, stderr: &errs, dir: ts.MkAbs(".")}
	if got := inv.exec(); got != want {
		ts.Fatalf("ldaccess %s: exit code %d, want %d", strings.Join(args[1:], " "), got, want)
	}
	if out.n+errs.n == 0 {
		ts.Fatalf("ldaccess %s: printed nothing", strings.Join(args[1:], " "))
	}
}

// cmdWaitListen waits (up to 10s) until something accepts connections at ADDR.
func cmdWaitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlisten ADDR")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitlisten: nothing listens at %s: %v", args[0], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReadmeCommandsParser(t *testing.T) {
	t.Parallel()
	readme := "intro\n```sh\n" +
		"go install github.com/ldaccess/ldaccess/cmd/ldaccess@latest\n" +
		"ldaccess members get me\n" +
		"  ldaccess tokens create --name ci --inline-policy '[{\"effect\":\"allow\"}]' --format json | jq -r .token\n" +
		"ldaccess audit --fail-on-findings > review.json   # exit 3 if anything is found\n" +
		"export LD_ACCESS_TOKEN=api-…          # or --token api-…\n" +
		"```\n\n```console\n$ ldaccess --fake audit\nldaccess version 1\n```\n" +
		"```go\nldaccess tokens list\n```\n" +
		"```yaml\nsteps:\n  - run: ldaccess profile add ci --token-env T\n  - run: |\n      ldaccess --profile ci audit --fail-on high > r.html   # exit 3\n```\n"
	cmds, err := readmeCommands(readme)
	require.NoError(t, err)
	assert.Equal(t, []readmeCommand{
		{line: 4, text: "ldaccess members get me", args: []string{"members", "get", "me"}},
		{line: 5, text: `ldaccess tokens create --name ci --inline-policy '[{"effect":"allow"}]' --format json | jq -r .token`,
			args: []string{"tokens", "create", "--name", "ci", "--inline-policy", `[{"effect":"allow"}]`, "--format", "json"}},
		{line: 6, text: "ldaccess audit --fail-on-findings > review.json   # exit 3 if anything is found",
			args: []string{"audit", "--fail-on-findings"}, exit: 3, to: "review.json"},
		{line: 11, text: "ldaccess --fake audit", args: []string{"--fake", "audit"}},
		{line: 19, text: "ldaccess profile add ci --token-env T", args: []string{"profile", "add", "ci", "--token-env", "T"}},
		{line: 21, text: "ldaccess --profile ci audit --fail-on high > r.html   # exit 3",
			args: []string{"--profile", "ci", "audit", "--fail-on", "high"}, exit: 3, to: "r.html"},
	}, cmds)

	for _, bad := range []string{"ldaccess tokens get $ID", "ldaccess --token api-… tokens list", "ldaccess members get 'ariel"} {
		_, err := readmeCommands("```sh\n" + bad + "\n```\n")
		assert.Error(t, err, bad)
	}

	script, err := readmeScript([]readmeCommand{
		{line: 1, text: "ldaccess serve-fake --addr 127.0.0.1:8089", args: []string{"serve-fake", "--addr", "127.0.0.1:8089"}},
		{line: 2, args: []string{"--base-url", "http://127.0.0.1:8089", "members", "list"}},
		{line: 3, args: []string{"--base-url", "https://ld.example.internal", "audit"}},
		{line: 4, args: []string{"--fake", "audit"}},
		{line: 5, args: []string{"tokens", "delete", "x"}, exit: 1},
		{line: 6, args: []string{"audit", "--format", "json"}, to: "q1.json"},
	}, func() (string, error) { return "127.0.0.1:4242", nil })
	require.NoError(t, err)
	for _, want := range []string{
		"exec ldaccess 'serve-fake' '--addr' '127.0.0.1:4242' &serve0&\nwaitlisten 127.0.0.1:4242\n",
		"readme 0 '--base-url' 'http://127.0.0.1:4242' 'members' 'list'\n",
		"readme 0 '--base-url' $FAKE_URL 'audit'\n",
		"readme 0 '--fake' 'audit'\n",
		"readme 1 '--base-url' $FAKE_URL 'tokens' 'delete' 'x'\n",
		"readme 0 '--base-url' $FAKE_URL 'audit' '--format' 'json'\ncp stdout q1.json\n",
	} {
		assert.Contains(t, script, want)
	}
}

// countingWriter counts what goes through it.
type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return c.w.Write(p)
}

// usesProfiles reports whether a command line reads its account from profiles.
func usesProfiles(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return a == "--profile" || a == "--all-profiles" || strings.HasPrefix(a, "--profile=")
	})
}

// readmeFiles returns, as txtar file sections, the code blocks of a README whose info string
// names a file after the language: "```json policy.json".
func readmeFiles(readme string) string {
	var b strings.Builder
	var name string
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			inBlock, name = !inBlock, ""
			if f := strings.Fields(fence); inBlock && len(f) == 2 {
				name = f[1]
				fmt.Fprintf(&b, "-- %s --\n", name)
			}
			continue
		}
		if inBlock && name != "" {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestREADMEInstallsFromAClone runs the README's install line for a clone ("go install
// ./cmd/ldaccess", at the clone's root) as written, into a directory of its own, and runs what
// it installed: the way to install the command before the module is published works.
func TestREADMEInstallsFromAClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command: not with -short")
	}
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	var installs []string
	inSh := false
	for _, line := range strings.Split(string(readme), "\n") {
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			inSh = !inSh && strings.TrimSpace(fence) == "sh"
			continue
		}
		if inSh && strings.HasPrefix(line, "go install ./") {
			installs = append(installs, line)
		}
	}
	require.Len(t, installs, 1, "the README shows how to install from a clone, once")
	words, _, err := shellWords(strings.TrimPrefix(installs[0], "go "))
	require.NoError(t, err)

	bin := t.TempDir()
	install := exec.Command("go", words...)
	install.Dir = filepath.Join("..", "..") // the clone's root
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-buildvcs=false")
	out, err := install.CombinedOutput()
	require.NoError(t, err, "%s:\n%s", installs[0], out)

	version, err := exec.Command(filepath.Join(bin, "ldaccess"), "version").Output()
	require.NoError(t, err)
	assert.Regexp(t, `^ldaccess version \S+\nbuilt with go`, string(version))
}

// TestREADMETerminalOutputIsReal: what README.md's ```console blocks show a command printing
// on a terminal is what it prints, on a terminal 120 columns wide, against the README's fake
// account (as TestREADMECommands runs it), with the exit code its comment promises: every
// line shown is a line of the output, in the same order (a block may leave lines out, never
// change one). Lines of stderr ("ldaccess: …") are left aside.
func TestREADMETerminalOutputIsReal(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	blocks := consoleBlocks(string(readme))
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		env := map[string]string{"LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
		srv, err := readmeFake(envOf(env))
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		env["LD_ACCESS_TOKEN"] = srv.AdminSecret()
		words, comment, err := shellWords(strings.TrimPrefix(b.command, "ldaccess "))
		require.NoError(t, err, b.command)
		args := toFake(words, nil)
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "$FAKE_URL", srv.URL)
		}
		want := 0
		if m := promisedExit.FindStringSubmatch(comment); m != nil {
			want, _ = strconv.Atoi(m[1])
		}
		r := invocation{args: args, getenv: envOf(env), stdoutTTY: true, width: 120}.run()
		require.Equal(t, want, r.code, "README.md:%d: %s: %s", b.line, b.command, r.stderr)
		out := strings.Split(r.stdout, "\n")
		at := 0
		for _, line := range b.shown {
			i := slices.Index(out[at:], line)
			require.GreaterOrEqual(t, i, 0, "README.md:%d: %s does not print, here or later, the line\n%q\nit prints:\n%s", b.line, b.command, line, r.stdout)
			at += i + 1
		}
	}
}

// consoleBlock is a command of a ```console block and the lines shown after it.
type consoleBlock struct {
	line    int
	command string
	shown   []string
}

func consoleBlocks(readme string) []consoleBlock {
	var blocks []consoleBlock
	inConsole := false
	for i, line := range strings.Split(readme, "\n") {
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			inConsole = !inConsole && strings.TrimSpace(fence) == "console"
			continue
		}
		switch {
		case !inConsole:
		case strings.HasPrefix(line, "$ "):
			blocks = append(blocks, consoleBlock{line: i + 1, command: strings.TrimPrefix(line, "$ ")})
		case len(blocks) > 0 && !strings.HasPrefix(line, "ldaccess: "):
			b := &blocks[len(blocks)-1]
			b.shown = append(b.shown, line)
		}
	}
	return blocks
}
