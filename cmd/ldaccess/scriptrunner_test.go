package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A small runner for scripts in testscript's language (github.com/rogpeppe/go-internal/testscript),
// covering the subset the scripts in testdata/script use: exec (foreground and "&name&"
// background), stdout, stderr (with -count= and !), cp, cmp, env, kill, wait, and custom
// commands. testscript itself cannot be built in this module yet: its txtar package needs
// golang.org/x/tools, which go.mod does not require. The scripts and the custom commands are
// written against testscript's API (scriptT is the part of *testscript.TestScript they use), so
// switching to testscript.Run needs only go.mod to require golang.org/x/tools.

// scriptT is what a custom command may use: a subset of *testscript.TestScript.
type scriptT interface {
	Fatalf(format string, args ...any)
	Check(err error)
	Setenv(key, value string)
	Getenv(key string) string
	ReadFile(name string) string
	MkAbs(name string) string
	Stdout() io.Writer
	Stderr() io.Writer
	Value(key any) any
}

// scriptEnv is what a script's Setup may change, like testscript.Env.
type scriptEnv struct {
	WorkDir string
	Values  map[any]any
	vars    map[string]string
	defers  []func()
}

func (e *scriptEnv) Setenv(k, v string) { e.vars[k] = v }
func (e *scriptEnv) Getenv(k string) string {
	return e.vars[k]
}
func (e *scriptEnv) Defer(f func()) { e.defers = append(e.defers, f) }

type scriptParams struct {
	Dir   string
	Setup func(*scriptEnv) error
	Cmds  map[string]func(ts scriptT, neg bool, args []string)
	// Exec is how "exec NAME" runs NAME: the arguments for exec.Command, given NAME.
	Programs map[string][]string
}

// runScripts runs every *.txtar file of p.Dir as a parallel subtest.
func runScripts(t *testing.T, p scriptParams) {
	files, err := filepath.Glob(filepath.Join(p.Dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s: %v", p.Dir, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s := newScript(t, p, file)
			s.run(data)
		})
	}
}

type bgCmd struct {
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	done           chan struct{}
	neg            bool
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type script struct {
	t       *testing.T
	p       scriptParams
	file    string
	lineNo  int
	line    string
	env     *scriptEnv
	stdout  string
	stderr  string
	bOut    *strings.Builder // Stdout() of a custom command, when asked for
	bErr    *strings.Builder
	bg      map[string]*bgCmd
	log     strings.Builder
	ctx     context.Context
	cancel  context.CancelFunc
	workdir string
}

func newScript(t *testing.T, p scriptParams, file string) *script {
	work := t.TempDir()
	s := &script{t: t, p: p, file: file, bg: map[string]*bgCmd{}, workdir: work}
	s.ctx, s.cancel = context.WithTimeout(context.Background(), 2*time.Minute)
	s.env = &scriptEnv{WorkDir: work, Values: map[any]any{}, vars: map[string]string{
		"WORK":   work,
		"PATH":   os.Getenv("PATH"),
		"HOME":   filepath.Join(work, ".home"),
		"TMPDIR": filepath.Join(work, ".tmp"),
	}}
	for _, d := range []string{".home", ".tmp"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, b := range s.bg {
			_ = b.cmd.Process.Kill()
			<-b.done
		}
		s.cancel()
		for i := len(s.env.defers) - 1; i >= 0; i-- {
			s.env.defers[i]()
		}
	})
	return s
}

// parseArchive splits a txtar archive into its script and files.
func parseArchive(data []byte) (string, map[string][]byte, []string) {
	marker := regexp.MustCompile(`(?m)^-- (.+?) --$`)
	locs := marker.FindAllSubmatchIndex(data, -1)
	files := map[string][]byte{}
	var order []string
	if len(locs) == 0 {
		return string(data), files, nil
	}
	comment := string(data[:locs[0][0]])
	for i, loc := range locs {
		name := string(data[loc[2]:loc[3]])
		start := loc[1] + 1
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if start > end {
			start = end
		}
		files[name] = data[start:end]
		order = append(order, name)
	}
	return comment, files, order
}

func (s *script) run(data []byte) {
	text, files, order := parseArchive(data)
	for _, name := range order {
		path := filepath.Join(s.workdir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(path, files[name], 0o666); err != nil {
			s.t.Fatal(err)
		}
	}
	if s.p.Setup != nil {
		if err := s.p.Setup(s.env); err != nil {
			s.t.Fatalf("setup: %v", err)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		s.lineNo, s.line = i+1, line
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			if trimmed != "" {
				fmt.Fprintf(&s.log, "%s\n", trimmed)
			}
			continue
		}
		fmt.Fprintf(&s.log, "> %s\n", trimmed)
		args := s.parse(trimmed)
		if len(args) == 0 {
			continue
		}
		neg := false
		if args[0] == "!" {
			neg, args = true, args[1:]
			if len(args) == 0 {
				s.Fatalf("! on its own")
			}
		}
		s.exec1(neg, args)
	}
	if len(s.bg) > 0 {
		var names []string
		for n := range s.bg {
			names = append(names, n)
		}
		sort.Strings(names)
		s.Fatalf("background commands still running at the end: %v", names)
	}
}

// parse splits a line into words as testscript does: single quotes group (” is a quote),
// $VAR and ${VAR} expand outside quotes, # starts a comment.
func (s *script) parse(line string) []string {
	var args []string
	var arg strings.Builder
	inArg, quoted := false, false
	chunk := -1
	flush := func(i int) {
		if chunk >= 0 {
			arg.WriteString(os.Expand(line[chunk:i], s.Getenv))
			chunk = -1
		}
	}
	for i := 0; ; i++ {
		if !quoted && (i >= len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '#') {
			flush(i)
			if inArg {
				args = append(args, arg.String())
				arg.Reset()
				inArg = false
			}
			if i >= len(line) || line[i] == '#' {
				return args
			}
			continue
		}
		if i >= len(line) {
			s.Fatalf("unterminated quoted argument")
		}
		inArg = true
		if line[i] == '\'' {
			if !quoted {
				flush(i)
				quoted = true
				chunk = i + 1
				continue
			}
			if i+1 < len(line) && line[i+1] == '\'' {
				arg.WriteString(line[chunk:i])
				arg.WriteByte('\'')
				i++
				chunk = i + 1
				continue
			}
			arg.WriteString(line[chunk:i])
			chunk = -1
			quoted = false
			continue
		}
		if chunk < 0 {
			chunk = i
		}
	}
}

var backgroundArg = regexp.MustCompile(`^&(\w*)&$|^&$`)

func (s *script) exec1(neg bool, args []string) {
	name, args := args[0], args[1:]
	switch name {
	case "exec":
		s.cmdExec(neg, args)
	case "stdout", "stderr":
		text := s.stdout
		if name == "stderr" {
			text = s.stderr
		}
		s.match(neg, args, text, name)
	case "cp":
		if neg || len(args) != 2 {
			s.Fatalf("usage: cp SRC DST")
		}
		s.Check(os.WriteFile(s.MkAbs(args[1]), []byte(s.ReadFile(args[0])), 0o666))
	case "cmp":
		if len(args) != 2 {
			s.Fatalf("usage: [!] cmp A B")
		}
		same := s.ReadFile(args[0]) == s.ReadFile(args[1])
		if same == neg {
			s.Fatalf("cmp %s %s: same = %v", args[0], args[1], same)
		}
	case "env":
		if neg {
			s.Fatalf("usage: env KEY=VALUE...")
		}
		for _, kv := range args {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				fmt.Fprintf(&s.log, "%s=%s\n", kv, s.Getenv(kv))
				continue
			}
			s.Setenv(k, v)
		}
	case "kill":
		sig := os.Kill
		if len(args) > 0 && strings.HasPrefix(args[0], "-") {
			switch args[0] {
			case "-INT":
				sig = os.Interrupt
			case "-KILL":
			default:
				s.Fatalf("unknown signal %s", args[0])
			}
			args = args[1:]
		}
		if neg || len(args) != 1 || s.bg[args[0]] == nil {
			s.Fatalf("usage: kill [-INT|-KILL] NAME (of a background command)")
		}
		s.Check(s.bg[args[0]].cmd.Process.Signal(sig))
	case "wait":
		if neg || len(args) != 1 || s.bg[args[0]] == nil {
			s.Fatalf("usage: wait NAME (of a background command)")
		}
		b := s.bg[args[0]]
		delete(s.bg, args[0])
		select {
		case <-b.done:
		case <-s.ctx.Done():
			s.Fatalf("timed out waiting for %s", args[0])
		}
		s.stdout, s.stderr = b.stdout.String(), b.stderr.String()
		s.logStd()
		if ok := b.cmd.ProcessState.Success(); ok == b.neg {
			s.Fatalf("background command %s: %v", args[0], b.cmd.ProcessState)
		}
	default:
		f := s.p.Cmds[name]
		if f == nil {
			s.Fatalf("unknown command %q", name)
		}
		s.bOut, s.bErr = nil, nil
		f(s, neg, args)
		if s.bOut != nil {
			s.stdout, s.stderr = s.bOut.String(), s.bErr.String()
			s.logStd()
			s.bOut, s.bErr = nil, nil
		}
	}
}

func (s *script) environ() []string {
	var env []string
	for k, v := range s.env.vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

func (s *script) cmdExec(neg bool, args []string) {
	if len(args) == 0 {
		s.Fatalf("usage: exec PROGRAM [ARGS...] [&name&]")
	}
	bgName, background := "", false
	if m := backgroundArg.FindStringSubmatch(args[len(args)-1]); m != nil {
		bgName, background = m[1], true
		args = args[:len(args)-1]
	}
	argv := []string{args[0]}
	if prog, ok := s.p.Programs[args[0]]; ok {
		argv = append(append([]string{}, prog...), argv[1:]...)
	}
	argv = append(argv, args[1:]...)
	cmd := exec.CommandContext(s.ctx, argv[0], argv[1:]...)
	cmd.Dir = s.workdir
	cmd.Env = s.environ()
	cmd.Stdin = strings.NewReader("")
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	if background {
		if s.bg[bgName] != nil {
			s.Fatalf("duplicate background command %q", bgName)
		}
		b := &bgCmd{cmd: cmd, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan struct{}), neg: neg}
		cmd.Stdout, cmd.Stderr = b.stdout, b.stderr
		s.Check(cmd.Start())
		go func() { _ = cmd.Wait(); close(b.done) }()
		s.bg[bgName] = b
		s.stdout, s.stderr = "", ""
		return
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	s.stdout, s.stderr = out.String(), errb.String()
	s.logStd()
	if err != nil {
		fmt.Fprintf(&s.log, "[%v]\n", err)
	}
	switch {
	case s.ctx.Err() != nil:
		s.Fatalf("timed out")
	case err == nil && neg:
		s.Fatalf("unexpected command success")
	case err != nil && !neg:
		s.Fatalf("unexpected command failure")
	}
}

func (s *script) logStd() {
	if s.stdout != "" {
		fmt.Fprintf(&s.log, "[stdout]\n%s", s.stdout)
	}
	if s.stderr != "" {
		fmt.Fprintf(&s.log, "[stderr]\n%s", s.stderr)
	}
}

func (s *script) match(neg bool, args []string, text, name string) {
	n := 0
	if len(args) > 0 && strings.HasPrefix(args[0], "-count=") {
		if neg {
			s.Fatalf("cannot use -count= with !")
		}
		var err error
		if n, err = strconv.Atoi(strings.TrimPrefix(args[0], "-count=")); err != nil || n < 1 {
			s.Fatalf("bad %s", args[0])
		}
		args = args[1:]
	}
	if len(args) != 1 {
		s.Fatalf("usage: %s [-count=N] PATTERN", name)
	}
	re, err := regexp.Compile("(?m)" + args[0])
	s.Check(err)
	switch {
	case neg && re.MatchString(text):
		s.Fatalf("unexpected match for %#q found in %s: %s", args[0], name, re.FindString(text))
	case !neg && !re.MatchString(text):
		s.Fatalf("no match for %#q found in %s", args[0], name)
	case n > 0:
		if got := len(re.FindAllString(text, -1)); got != n {
			s.Fatalf("have %d matches for %#q in %s, want %d", got, args[0], name, n)
		}
	}
}

// The scriptT methods.

func (s *script) Fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Logf("%s", s.log.String())
	s.t.Fatalf("%s:%d: %s: %s", filepath.Base(s.file), s.lineNo, strings.TrimSpace(s.line), fmt.Sprintf(format, args...))
}

func (s *script) Check(err error) {
	s.t.Helper()
	if err != nil {
		s.Fatalf("%v", err)
	}
}

func (s *script) Setenv(k, v string)     { s.env.vars[k] = v }
func (s *script) Getenv(k string) string { return s.env.vars[k] }
func (s *script) Value(key any) any      { return s.env.Values[key] }

func (s *script) MkAbs(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(s.workdir, name)
}

func (s *script) ReadFile(name string) string {
	switch name {
	case "stdout":
		return s.stdout
	case "stderr":
		return s.stderr
	}
	data, err := os.ReadFile(s.MkAbs(name))
	s.Check(err)
	return string(data)
}

func (s *script) Stdout() io.Writer {
	if s.bOut == nil {
		s.bOut, s.bErr = new(strings.Builder), new(strings.Builder)
	}
	return s.bOut
}

func (s *script) Stderr() io.Writer {
	if s.bOut == nil {
		s.bOut, s.bErr = new(strings.Builder), new(strings.Builder)
	}
	return s.bErr
}
