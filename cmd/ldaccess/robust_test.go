package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNothingAServerSendsPanics runs every command against servers answering what no
// LaunchDarkly would: wrong shapes, nulls, garbage, HTML error pages. Every run must end with
// exit code 0 or 1 and one line of error, never a panic.
func TestNothingAServerSendsPanics(t *testing.T) {
	t.Parallel()
	bodies := []struct {
		status int
		body   string
	}{
		{200, `{}`},
		{200, `null`},
		{200, `[]`},
		{200, `not json`},
		{200, `{"items":null,"totalCount":null}`},
		{200, `{"items":[null,{}],"totalCount":-5,"_links":{"next":{"href":null}}}`},
		{200, `{"items":[{"_id":"x","teams":null,"customRoles":null,"inlineRole":[null,{"actions":null}],"_member":null,"lastUsed":null,"token":null}],"totalCount":1}`},
		{200, `{"_id":"x","teams":[{}],"roleAttributes":{"a":null},"inlineRole":[{"effect":"allow","actions":["*"]}],"token":"api-0123"}`},
		{200, `{"items":[{"_id":"x","_lastSeen":-1,"creationDate":-99999999999999,"lastUsed":9223372036854775807}]}`},
		{201, `{"items":[{"email":"\u001b[31mred\u0007","firstName":"a\tb\nc"}]}`},
		{500, `<html><body>Internal Server Error</body></html>`},
		{404, `{"code":null,"message":42}`},
		{400, `{"code":"x","message":"` + strings.Repeat("long ", 2000) + `"}`},
		{204, ``},
	}
	commands := [][]string{
		{"audit"},
		{"audit", "--format", "json"},
		{"audit", "--format", "csv"},
		{"tokens", "list", "--all"},
		{"tokens", "get", "x"},
		{"tokens", "create", "--name", "n", "--role", "reader"},
		{"tokens", "reset", "x", "--yes"},
		{"tokens", "delete", "x", "--yes"},
		{"members", "list"},
		{"members", "get", "x"},
		{"members", "get", "a@b.c"},
		{"members", "invite", "a@b.c", "--role", "reader"},
		{"members", "remove", "x", "--yes"},
		{"members", "remove", "a@b.c", "--yes"},
		{"members", "set-role", "x", "reader", "--yes"},
		{"members", "add-to-teams", "x", "t"},
	}
	for i, b := range bodies {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(b.status)
			fmt.Fprint(w, b.body)
		}))
		for _, args := range commands {
			for _, format := range []string{"table", "json"} {
				full := append([]string{"--base-url", srv.URL, "--token", "api-test", "--timeout", "5s", "--format", format}, args...)
				r := invocation{args: full}.run()
				assert.NotContains(t, r.stderr, "internal error", "body %d %v: exit %d", i, args, r.code)
				assert.Contains(t, []int{0, 1}, r.code, "body %d %v: exit code\n%s", i, args, r.stderr)
				if r.code == 1 {
					// One line, and the command that recovers what is left to put right.
					errLine, _, _ := strings.Cut(strings.TrimSpace(r.stderr), "\nldaccess: to recover, run: ldaccess ")
					assert.NotContains(t, errLine, "\n", "body %d %v: more than one line of error", i, args)
				}
			}
		}
		srv.Close()
	}
}
