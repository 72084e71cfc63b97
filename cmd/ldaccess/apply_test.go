package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

const removeInactive = `{"rules": [{"finding": "inactive", "action": "remove-member"}]}`

// TestApplyExitCodes: 0 when everything was applied, 3 when a member became active since the
// plan (and stays), 1 when an identity provider refuses.
func TestApplyExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(removeInactive), 0o600))

	srv := newFake(t, 60, 5)
	plan := filepath.Join(dir, "plan.json")
	r := runWith(t, srv, "", false, "audit", "--plan", plan, "--policy", policy, "--format", "json")
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	f, err := os.Open(plan)
	require.NoError(t, err)
	p, err := review.ReadPlan(f)
	f.Close()
	require.NoError(t, err)
	require.Greater(t, len(p.Actions), 1)

	// One of them logs in before the plan is applied.
	active := p.Actions[0].ObjectID
	require.True(t, srv.SeeMember(active, scriptNow))
	r = runWith(t, srv, "", false, "apply", plan, "--yes")
	assert.Equal(t, clierr.ExitFindings, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 of "+strconv.Itoa(len(p.Actions))+" actions skipped: their object changed since the plan")
	assert.Regexp(t, `changed +1 of \d+\n`, r.stdout)
	assert.Contains(t, r.stdout, "changed since the review: last seen")
	_, ok := srv.Member(active)
	assert.True(t, ok, "the active member stays")
	for _, a := range p.Actions[1:] {
		_, ok := srv.Member(a.ObjectID)
		assert.False(t, ok, "%s removed", a.Name)
	}

	// Declined: nothing happens.
	r = runWith(t, srv, "no\n", true, "apply", plan)
	assert.Equal(t, clierr.ExitError, r.code)
	assert.Contains(t, r.stderr, "Apply "+strconv.Itoa(len(p.Actions))+" actions")

	// Everything done already: the second apply still reports the one skipped action.
	r = runWith(t, srv, "", false, "apply", plan, "--yes")
	assert.Equal(t, clierr.ExitFindings, r.code)
}

// removalPlan writes to dir/plan.json a plan that removes the inactive members of srv, served
// at url, and returns it.
func removalPlan(t *testing.T, srv *fake.Server, url, dir string) review.Plan {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "policy.json"), []byte(removeInactive), 0o600))
	r := invocation{args: []string{"--base-url", url, "audit", "--plan", "plan.json", "--policy", "policy.json", "--format", "json"},
		getenv: envOf(map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}), dir: dir}.run()
	require.Equal(t, clierr.ExitOK, r.code, r.stderr)
	f, err := os.Open(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	defer f.Close()
	p, err := review.ReadPlan(f)
	require.NoError(t, err)
	require.Greater(t, len(p.Actions), 3)
	return p
}

// gated serves srv's account on a server of its own, where the nth DELETE (from 1) goes to
// gate instead.
func gated(t *testing.T, srv *fake.Server, n int, gate http.HandlerFunc) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	deletes := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Method == http.MethodDelete {
			deletes++
		}
		nth := r.Method == http.MethodDelete && deletes == n
		mu.Unlock()
		if nth {
			gate(w, r)
			return
		}
		srv.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestDryRunShowsEachActionOnce: a dry run prints each action once (once in the plan's
// table and again in the results), on a terminal 80 columns wide as in a pipe; on the
// terminal every line fits and what would be sent is never cut.
func TestDryRunShowsEachActionOnce(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 60, 5)
	dir := t.TempDir()
	p := removalPlan(t, srv, srv.URL, dir)
	env := envOf(map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)})
	for _, tty := range []bool{true, false} {
		r := invocation{args: []string{"--base-url", srv.URL, "apply", "plan.json", "--dry-run"}, getenv: env, dir: dir,
			stdoutTTY: tty, stderrTTY: tty, width: 80}.run()
		require.Equal(t, clierr.ExitOK, r.code, r.stderr)
		out := r.stdout + r.stderr
		for _, a := range p.Actions {
			assert.Equal(t, 1, strings.Count(out, a.ObjectID+"  "), "tty %v: %s shown once in\n%s", tty, a.ObjectID, out)
			assert.Contains(t, out, "DELETE /api/v2/members/"+a.ObjectID+"\n", "tty %v: what would be sent, whole", tty)
		}
		assert.Regexp(t, `(?m)^would-apply +`+strconv.Itoa(len(p.Actions))+` of `+strconv.Itoa(len(p.Actions))+`$`, r.stdout)
		if tty {
			for _, l := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, runewidth.StringWidth(l), 80, l)
			}
		}
	}
}

// An apply that ends part way — some actions failed, the --timeout ran out — ends with the
// exact command that takes it up again, and counts what it did out of the plan's actions.
func TestApplyEndsWithTheResumeCommand(t *testing.T) {
	t.Parallel()
	env := func(srv *fake.Server) func(string) string {
		return envOf(map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)})
	}
	t.Run("some failed", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, 60, 5)
		dir := t.TempDir()
		ts := gated(t, srv, 2, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"code":"forbidden","message":"Access to the requested resource was denied"}`)
		})
		p := removalPlan(t, srv, ts.URL, dir)
		r := invocation{args: []string{"--base-url", ts.URL, "apply", "plan.json", "--exec", "cat > /dev/null", "--yes"}, getenv: env(srv), dir: dir}.run()
		assert.Equal(t, clierr.ExitError, r.code)
		n := strconv.Itoa(len(p.Actions))
		assert.Regexp(t, `(?m)^applied +`+strconv.Itoa(len(p.Actions)-1)+` of `+n+`$`, r.stdout)
		assert.Regexp(t, `(?m)^failed +1 of `+n+`$`, r.stdout)
		assert.True(t, strings.HasSuffix(r.stderr, "\nldaccess: to resume, run: ldaccess --base-url "+ts.URL+" apply plan.json --exec 'cat > /dev/null' --yes\n"), r.stderr)

		// The line runs as printed: the failed action is retried, nothing else sent again.
		r = invocation{args: []string{"--base-url", ts.URL, "apply", "plan.json", "--exec", "cat > /dev/null", "--yes"}, getenv: env(srv), dir: dir}.run()
		assert.Equal(t, clierr.ExitOK, r.code, r.stderr)
		assert.Regexp(t, `(?m)^applied +1 of `+n+`$`, r.stdout)
		assert.NotContains(t, r.stderr, "to resume")
	})
	t.Run("--timeout ran out", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, 60, 5)
		dir := t.TempDir()
		ts := gated(t, srv, 3, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		p := removalPlan(t, srv, ts.URL, dir)
		r := invocation{args: []string{"--base-url", ts.URL, "--timeout", "3s", "apply", "plan.json", "--yes"}, getenv: env(srv), dir: dir}.run()
		assert.Equal(t, clierr.ExitError, r.code)
		assert.Contains(t, r.stderr, "gave up after --timeout 3s")
		assert.Regexp(t, `(?m)^not reached +\d+ of `+strconv.Itoa(len(p.Actions))+`$`, r.stdout)
		assert.True(t, strings.HasSuffix(r.stderr, "\nldaccess: to resume, run: ldaccess --base-url "+ts.URL+" --timeout 3s apply plan.json --yes\n"), r.stderr)
	})
	t.Run("the connection is lost", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, 60, 5)
		dir := t.TempDir()
		var ts *httptest.Server
		ts = gated(t, srv, 3, func(w http.ResponseWriter, r *http.Request) {
			ts.Listener.Close() // LaunchDarkly is gone: nothing answers any more
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
		p := removalPlan(t, srv, ts.URL, dir)
		r := invocation{args: []string{"--base-url", ts.URL, "apply", "plan.json", "--yes"}, getenv: env(srv), dir: dir}.run()
		assert.Equal(t, clierr.ExitError, r.code, r.stderr)
		n := strconv.Itoa(len(p.Actions))
		assert.Regexp(t, `(?m)^applied +2 of `+n+`$`, r.stdout)
		assert.Regexp(t, `(?m)^failed +`+strconv.Itoa(len(p.Actions)-2)+` of `+n+`$`, r.stdout)
		assert.True(t, strings.HasSuffix(r.stderr, "\nldaccess: to resume, run: ldaccess --base-url "+ts.URL+" apply plan.json --yes\n"), r.stderr)
	})
	t.Run("nothing to resume", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, 60, 5)
		dir := t.TempDir()
		removalPlan(t, srv, srv.URL, dir)
		r := invocation{args: []string{"--base-url", srv.URL, "apply", "plan.json", "--yes"}, getenv: env(srv), dir: dir}.run()
		assert.Equal(t, clierr.ExitOK, r.code, r.stderr)
		assert.NotContains(t, r.stderr, "to resume")
	})
}

// The command that recovers a lost secret names the account as a resume line does, with the
// run's global flags as given (never --token's value): a rotation on another API version, or
// under a longer --timeout, is recovered under the same.
func TestRecoverLineRepeatsTheGlobalFlags(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 30, 15)
	var id string
	for _, tok := range srv.Tokens() {
		if tok.ServiceToken { // an admin may receive a service token's new secret
			id = tok.ID
		}
	}
	require.NotEmpty(t, id)
	r := runWith(t, srv, "", false, "--timeout", "2m", "--api-version", "20240415", "tokens", "rotate", id, "--yes", "--exec", "exit 3")
	require.Equal(t, clierr.ExitError, r.code, r.stderr)
	assert.True(t, strings.HasSuffix(r.stderr, "\nldaccess: to recover, run: ldaccess --api-version 20240415 --base-url "+srv.URL+
		" --timeout 2m tokens rotate "+id+" --expire-old-in now --exec 'exit 3' --yes\n"), r.stderr)
}

// TestInterruptedApplyEndsWithTheResumeCommand runs apply as a process and sends it a real
// SIGINT (Ctrl-C) while an action is in flight: it says what it did out of the plan, that it
// was interrupted, and, last, the command that resumes it; that command finishes the plan.
func TestInterruptedApplyEndsWithTheResumeCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	t.Parallel()
	srv := newFake(t, 60, 5)
	dir := t.TempDir()
	arrived := make(chan struct{}, 1)
	ts := gated(t, srv, 3, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	p := removalPlan(t, srv, ts.URL, dir)

	cmd := exec.Command("ldaccess", "--base-url", ts.URL, "apply", "plan.json", "--yes")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LD_ACCESS_TOKEN="+srv.AdminSecret(), "LDACCESS_NOW="+scriptNow.Format(time.RFC3339))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		require.Fail(t, "the apply did not get to its third removal", stderr.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), "%v: %s", err, &stderr)
	n := strconv.Itoa(len(p.Actions))
	assert.Regexp(t, `(?m)^Applying plan.json stopped after \d+ of `+n+` actions$`, stdout.String())
	assert.Regexp(t, `(?m)^applied +2 of `+n+`$`, stdout.String())
	assert.Regexp(t, `(?m)^not reached +\d+ of `+n+`$`, stdout.String())
	resume := "ldaccess --base-url " + ts.URL + " apply plan.json --yes"
	assert.True(t, strings.HasSuffix(stderr.String(), "ldaccess: interrupted\nldaccess: to resume, run: "+resume+"\n"), stderr.String())

	r := invocation{args: strings.Fields(resume)[1:], dir: dir,
		getenv: envOf(map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)})}.run()
	assert.Equal(t, clierr.ExitOK, r.code, r.stderr)
	for _, a := range p.Actions {
		_, ok := srv.Member(a.ObjectID)
		assert.False(t, ok, "%s removed", a.Name)
	}
}
