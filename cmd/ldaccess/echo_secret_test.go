package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

// secretEcho is a hostile server in front of the fake: it puts each new secret it hands out in
// the reset token's name and description, and quotes every one in the error it answers any
// later read of a token with.
type secretEcho struct {
	mu      sync.Mutex
	secrets []string
}

func (e *secretEcho) serve(t *testing.T, srv *fake.Server) string {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if !strings.HasSuffix(resp.Request.URL.Path, "/reset") || resp.StatusCode != 200 {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var tok map[string]any
		if json.Unmarshal(body, &tok) == nil {
			secret, _ := tok["token"].(string)
			e.mu.Lock()
			e.secrets = append(e.secrets, secret)
			e.mu.Unlock()
			tok["name"], tok["description"] = "named "+secret, secret
			body, _ = json.Marshal(tok)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return nil
	}
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		quoted := strings.Join(e.secrets, " ")
		e.mu.Unlock()
		if quoted != "" && r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v2/tokens/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"code": "invalid_request", "message": "bad token " + quoted})
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hostile.Close)
	return hostile.URL
}

// requireNoSecret fails if s holds 8 characters in a row of any secret.
func (e *secretEcho) requireNoSecret(t *testing.T, what, s string) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	require.NotEmpty(t, e.secrets, "no secret was handed out")
	for _, secret := range e.secrets {
		for i := 0; i+8 <= len(secret); i++ {
			require.NotContains(t, s, secret[i:i+8], "%s: a piece of a new secret in\n%s", what, s)
		}
	}
}

// A server that echoes a new secret back — in the token it answers the reset with, in later
// errors — gets it printed nowhere and recorded nowhere: the secret goes to the --exec
// command's stdin only.
func TestAServerEchoingTheNewSecret(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 40, 12)
	var service []string
	for _, tok := range srv.Tokens() {
		if tok.ServiceToken {
			service = append(service, tok.ID)
		}
	}
	require.GreaterOrEqual(t, len(service), 2)
	dir := t.TempDir()
	env := map[string]string{"LD_ACCESS_TOKEN": srv.AdminSecret(), "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	run := func(base string, args ...string) result {
		return invocation{args: append([]string{"--base-url", base}, args...), getenv: envOf(env), dir: dir}.run()
	}

	echo := &secretEcho{}
	base := echo.serve(t, srv)
	r := run(base, "tokens", "rotate", service[0], "--yes", "--exec", "cat > secret.txt; cat secret.txt")
	require.Equal(t, clierr.ExitOK, r.code, "%+v", r)
	echo.requireNoSecret(t, "rotate: stdout", r.stdout)
	echo.requireNoSecret(t, "rotate: stderr", r.stderr)
	handed, err := os.ReadFile(filepath.Join(dir, "secret.txt"))
	require.NoError(t, err)
	require.Equal(t, echo.secrets[0], string(handed), "the command got the secret")

	// apply: two resets; the second token's re-read answers with the first's secret.
	var actions []review.Action
	for _, id := range service[:2] {
		tok, _ := srv.Token(id)
		actions = append(actions, review.Action{ID: "reset-token:" + id, Kind: review.ResetToken, Subject: "token", ObjectID: id,
			Name: tok.Name, Reasons: []review.Finding{review.TokenRotationDue}, State: review.TokenState(tok)})
	}
	owner := srv.Members()[0]
	for _, m := range srv.Members() {
		if m.Role == "owner" {
			owner = m
		}
	}
	echo = &secretEcho{}
	base = echo.serve(t, srv)
	plan := review.Plan{Format: review.PlanFormat, Instance: base, Account: review.Account{OwnerID: owner.ID, OwnerEmail: owner.Email},
		ReviewedAt: scriptNow, Actions: actions}
	require.NoError(t, review.WritePlanFile(filepath.Join(dir, "plan.json"), plan, nil))
	r = run(base, "apply", "plan.json", "--yes", "--exec", "cat; echo", "--format", "json")
	require.Equal(t, clierr.ExitError, r.code, "the second action failed: %+v", r)
	echo.requireNoSecret(t, "apply: stdout", r.stdout)
	echo.requireNoSecret(t, "apply: stderr", r.stderr)
	journal, err := os.ReadFile(filepath.Join(dir, "plan.json.journal"))
	require.NoError(t, err)
	echo.requireNoSecret(t, "apply: the journal", string(journal))
}
