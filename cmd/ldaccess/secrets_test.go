package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// echoToken is shaped like a real token, so that a run of 8 of its characters in the
// command's output was put there by a server.
const echoToken = "api-8c1f4e2a-9b7d-4c3e-a6f5-d2b9e7c4a1f8"

// tokenRun returns a run of 8 characters of echoToken that s shows, or "" (leakedRun).
func tokenRun(s string) string { return leakedRun(s, map[string]string{"echoToken": echoToken}) }

// echo expands $T to tok, and $D to tok with a DEL slipped into it.
func echo(tmpl, tok string) string {
	return strings.NewReplacer("$T", tok, "$D", tok[:len(tok)/2]+"\x7f"+tok[len(tok)/2:]).Replace(tmpl)
}

// echoedObject is a member and a token at once, every string of it the token.
const echoedObject = `{"_id":"$T","email":"$T@example.com","firstName":"$D","lastName":"$T","role":"$T",` +
	`"customRoles":["$T"],"teams":[{"key":"$T","name":"$D"}],"name":"$T","description":"$D","ownerId":"$T",` +
	`"memberId":"$T","token":"$T","serviceToken":false,"_member":{"_id":"$T","email":"$T","firstName":"$D"},` +
	`"inlineRole":[{"effect":"allow","actions":["$T"],"resources":["$D"]}],` +
	`"creationDate":1500000000000,"_lastSeen":1500000000000,"lastUsed":1500000000000,"_links":{}}`

// TestTokenNeverPrinted runs the command against servers that echo the token into every field
// of their answers, their errors and their status lines: nothing of it may reach stdout or
// stderr, in any format.
func TestTokenNeverPrinted(t *testing.T) {
	t.Parallel()
	servers := map[string]string{}
	for name, answer := range map[string]func(w http.ResponseWriter, r *http.Request, tok string){
		"data": func(w http.ResponseWriter, r *http.Request, tok string) {
			w.Header().Set("Content-Type", "application/json")
			if strings.HasSuffix(r.URL.Path, "/members") || strings.HasSuffix(r.URL.Path, "/tokens") {
				io.WriteString(w, echo(`{"items":[`+echoedObject+`],"totalCount":1,"_links":{}}`, tok))
				return
			}
			io.WriteString(w, echo(echoedObject, tok))
		},
		"errors": func(w http.ResponseWriter, r *http.Request, tok string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, echo(`{"code":"$D","message":"bad token $D","id":"$T","invalid_emails":["$D"]}`, tok))
		},
		"undecodable": func(w http.ResponseWriter, r *http.Request, tok string) {
			io.WriteString(w, echo(`"$T"`, tok))
		},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			answer(w, r, r.Header.Get("Authorization"))
		}))
		t.Cleanup(srv.Close)
		servers[name] = srv.URL
	}
	servers["malformed status line"] = rawEchoServer(t, "HTTP/1.1 2$T OK\r\nContent-Length: 2\r\n\r\n{}")

	commands := [][]string{
		{"audit"},
		{"tokens", "list", "--all"},
		{"tokens", "get", "x"},
		{"members", "list"},
		{"members", "get", "x"},
		{"members", "get", "a@b.c"},
		{"members", "invite", "a@b.c", "--role", "reader"},
		{"members", "set-role", "x", "reader", "--yes"},
	}
	for name, url := range servers {
		cmds := commands
		if name == "malformed status line" {
			cmds = commands[4:5] // retried with backoff: one command is enough
		}
		for _, args := range cmds {
			for _, format := range []string{"table", "json", "csv"} {
				r := invocation{args: append([]string{"--base-url", url, "--token", echoToken, "--timeout", "2s", "--format", format}, args...)}.run()
				for stream, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
					assert.Empty(t, tokenRun(s), "%s server, %v --format %s (exit %d): a run of the token on %s:\n%s", name, args, format, r.code, stream, s)
				}
			}
		}
	}
}

// rawEchoServer answers every request on a bare TCP socket with answer, $T and $D expanded for
// the token the request carried.
func rawEchoServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					io.WriteString(conn, echo(answer, req.Header.Get("Authorization")))
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestClosedPortAnswersFast: nothing listens on the port, and the command says so after one
// retry and a short wait (the retry notes on stderr tell), within about a second rather than
// after the whole retry budget.
func TestClosedPortAnswersFast(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	ln.Close()
	r := invocation{args: []string{"--base-url", url, "--token", echoToken, "members", "get", "x"}}.run()
	require.Equal(t, clierr.ExitError, r.code, "exit code; stderr %q", r.stderr)
	require.Contains(t, r.stderr, "connection refused")
	waits := regexp.MustCompile(`(?m)retrying in (\S+)$`).FindAllStringSubmatch(r.stderr, -1)
	require.Len(t, waits, 1, "retries:\n%s", r.stderr)
	d, err := time.ParseDuration(waits[0][1])
	assert.NoError(t, err, "the wait before the retry")
	assert.LessOrEqual(t, d, 500*time.Millisecond, "the wait before the retry")
}
