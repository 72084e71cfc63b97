package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

// complete runs cobra's hidden __complete command, as a shell's completion script does, and
// returns the candidates it offers (without descriptions) and the directive line.
func complete(t *testing.T, srv *fake.Server, token string, args ...string) (candidates []string, directive string) {
	t.Helper()
	env := map[string]string{"LD_ACCESS_TOKEN": token, "LDACCESS_NOW": scriptNow.Format(time.RFC3339)}
	r := invocation{args: append([]string{"__complete", "--base-url", srv.URL}, args...), getenv: envOf(env)}.run()
	require.Equal(t, clierr.ExitOK, r.code, "stderr: %s", r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines[:len(lines)-1] {
		candidates = append(candidates, strings.SplitN(l, "\t", 2)[0])
	}
	return candidates, lines[len(lines)-1]
}

func TestCompletionFromTheAccount(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 30, 8)
	members, tokens := srv.Members(), srv.Tokens()
	tokenIDs := func(prefix string) []string {
		var ids []string
		for _, tok := range tokens {
			if strings.HasPrefix(tok.ID, prefix) {
				ids = append(ids, tok.ID)
			}
		}
		return ids
	}
	// The member completions start with "me" when it fits, then emails in the order of names.
	owner := members[0]
	someone := members[7]
	prefix := someone.Email[:3]
	var withPrefix []string
	for _, m := range members {
		if strings.HasPrefix(m.Email, prefix) {
			withPrefix = append(withPrefix, m.Email)
		}
	}

	tests := []struct {
		name string
		args []string
		want []string
		// sorted compares as sets: the API's order is not what is being tested.
		sorted bool
	}{
		{"every token ID", []string{"tokens", "get", ""}, tokenIDs(""), true},
		{"token IDs with a prefix", []string{"tokens", "delete", tokens[2].ID[:2]}, tokenIDs(tokens[2].ID[:2]), true},
		{"one token only", []string{"tokens", "reset", tokens[2].ID, ""}, nil, false},
		{"members by email prefix", []string{"members", "get", prefix}, withPrefix, true},
		{"an email typed in full", []string{"members", "remove", someone.Email}, []string{someone.Email}, false},
		{"upper case matches", []string{"members", "add-to-teams", strings.ToUpper(someone.Email)}, []string{someone.Email}, false},
		{"me first", []string{"members", "get", "m"}, append([]string{"me"}, emailsFrom(members, "m")...), false},
		{"no member matches", []string{"members", "get", "nobody-here@"}, nil, false},
		{"filter syntax is not a prefix", []string{"members", "get", "a,role:admin"}, nil, false},
		{"set-role: a member, then a role", []string{"members", "set-role", owner.Email}, []string{owner.Email}, false},
		{"set-role's role", []string{"members", "set-role", owner.Email, ""}, cmdutil.MemberRoles(), false},
		{"--format", []string{"tokens", "list", "--format", ""}, render.Formats(), false},
		{"--instance", []string{"--instance", ""}, []string{"commercial", "eu", "federal"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, directive := complete(t, srv, srv.AdminSecret(), tt.args...)
			if tt.sorted {
				slices.Sort(got)
				slices.Sort(tt.want)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, ":4", directive, "ShellCompDirectiveNoFileComp: never file names")
		})
	}
}

// emailsFrom are the emails starting with prefix, ordered as the API sorts by display name.
func emailsFrom(all []api.Member, prefix string) []string {
	ms := slices.Clone(all)
	slices.SortStableFunc(ms, func(a, b api.Member) int {
		return strings.Compare(review.MemberOf(a).Name(), review.MemberOf(b).Name())
	})
	var out []string
	for _, m := range ms {
		if strings.HasPrefix(m.Email, prefix) {
			out = append(out, m.Email)
		}
	}
	return out
}

func TestCompletionOffersNothingOnErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 5, 3)
	for _, tt := range []struct {
		name, token string
		args        []string
	}{
		{"a wrong token", "api-00000000-0000-4000-8000-00000000dead", []string{"tokens", "get", ""}},
		{"no token", "", []string{"members", "get", "a"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := complete(t, srv, tt.token, tt.args...)
			assert.Empty(t, got)
			assert.Equal(t, ":4", directive)
		})
	}
}

// A token that may not list every token completes its own.
func TestCompletionOfTokensForANonAdmin(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 20, 6)
	var writer api.Member
	for _, m := range srv.Members() {
		if m.Role == "writer" {
			writer = m
			break
		}
	}
	require.NotEmpty(t, writer.ID, "the seeded account has a writer")
	issued, ok := srv.Handler.IssueToken(writer.ID, "writer")
	require.True(t, ok)
	var own []string
	for _, tok := range srv.Tokens() {
		if tok.OwnerID == writer.ID {
			own = append(own, tok.ID)
		}
	}
	got, _ := complete(t, srv, issued.Secret, "tokens", "get", "")
	slices.Sort(got)
	slices.Sort(own)
	assert.Equal(t, own, got)
	assert.NotEmpty(t, got)
}
