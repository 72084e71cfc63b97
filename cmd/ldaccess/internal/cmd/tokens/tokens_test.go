package tokens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/review"
)

// The argv → options tests: each command's parsing, from the words a user types to the
// options its run gets (or the usage error), without a server.

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{argv: nil, want: ListOptions{}},
		{argv: []string{"--all", "--limit", "5"}, want: ListOptions{All: true, Limit: 5}},
		{argv: []string{"-a"}, want: ListOptions{All: true}},
		{argv: []string{"--limit", "-1"}, wantErr: `invalid argument "-1" for "--limit" flag: must not be negative`},
		{argv: []string{"extra"}, wantErr: "list takes no arguments (got 1 argument)"},
	}
	for _, tt := range tests {
		got, err := cmdtest.Parse(t, NewCmdList, false, tt.argv...)
		if tt.wantErr != "" {
			assert.EqualError(t, err, tt.wantErr, "%v", tt.argv)
			assert.Equal(t, clierr.ExitUsage, clierr.Code(err), "%v", tt.argv)
			continue
		}
		require.NoError(t, err, "%v", tt.argv)
		got.Env = cmdutil.Env{}
		assert.Equal(t, tt.want, *got, "%v", tt.argv)
	}
}

func TestNewCmdGet(t *testing.T) {
	got, err := cmdtest.Parse(t, NewCmdGet, false, "61095542756dba551110ae21")
	require.NoError(t, err)
	assert.Equal(t, "61095542756dba551110ae21", got.ID)
	_, err = cmdtest.Parse(t, NewCmdGet, false)
	assert.EqualError(t, err, "get takes one token ID (got 0 arguments)")
}

func TestNewCmdCreate(t *testing.T) {
	policy := filepath.Join(t.TempDir(), "p.json")
	require.NoError(t, os.WriteFile(policy, []byte(`[{"effect":"deny","notActions":["*"]}]`), 0o600))
	tests := []struct {
		name    string
		argv    []string
		want    api.AccessTokenPost
		wantErr string
	}{
		{"role", []string{"--name", "deploy-bot", "--role", "writer", "--service", "--description", "for CI"},
			api.AccessTokenPost{Name: "deploy-bot", Role: api.AccessTokenPostRoleWriter, ServiceToken: true, Description: "for CI"}, ""},
		{"custom roles, repeated and comma-separated", []string{"--name", "x", "--custom-role-id", "a,b", "--custom-role-id", "c"},
			api.AccessTokenPost{Name: "x", CustomRoleIDs: []string{"a", "b", "c"}}, ""},
		{"inline policy from a file", []string{"--name", "x", "--inline-policy", "@" + policy, "--default-api-version", "20240415"},
			api.AccessTokenPost{Name: "x", InlineRole: []api.StatementPost{{Effect: "deny", NotActions: []string{"*"}}}, DefaultAPIVersion: 20240415}, ""},
		{"no name", []string{"--role", "writer"}, api.AccessTokenPost{}, "--name is required"},
		{"a blank name", []string{"--name", " ", "--role", "writer"}, api.AccessTokenPost{}, "--name must not be blank"},
		{"no access", []string{"--name", "x"}, api.AccessTokenPost{}, "give exactly one of --role, --custom-role-id or --inline-policy"},
		{"two kinds of access", []string{"--name", "x", "--role", "reader", "--custom-role-id", "a"}, api.AccessTokenPost{}, "--role and --custom-role-id cannot be used together"},
		{"a role the contract does not have", []string{"--name", "x", "--role", "owner"}, api.AccessTokenPost{},
			`invalid argument "owner" for "--role" flag: must be admin, reader or writer, not "owner"`},
		{"a policy that is not JSON", []string{"--name", "x", "--inline-policy", "not json"}, api.AccessTokenPost{}, "JSON array of statements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Parse(t, NewCmdCreate, false, tt.argv...)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, clierr.ExitUsage, clierr.Code(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Token)
		})
	}
}

func TestNewCmdResetAndDelete(t *testing.T) {
	const id = "61095542756dba551110ae21"
	got, err := cmdtest.Parse(t, NewCmdReset, false, id, "--yes", "--expire-old-in", "2d")
	require.NoError(t, err)
	got.Env = cmdutil.Env{}
	assert.Equal(t, ResetOptions{ID: id, Yes: true, ExpireOldIn: 48 * time.Hour}, *got)

	// The old secret keeps working for an hour unless told otherwise; "now" or 0 stops it at once.
	for argv, want := range map[string]time.Duration{
		"": review.DefaultGrace, "--expire-old-in now": review.ExpireOldAtOnce, "--expire-old-in NOW": review.ExpireOldAtOnce,
		"--expire-old-in 0": review.ExpireOldAtOnce, "--expire-old-in 0s": review.ExpireOldAtOnce, "--expire-old-in 90m": 90 * time.Minute,
	} {
		got, err := cmdtest.Parse(t, NewCmdReset, false, append([]string{id, "--yes"}, strings.Fields(argv)...)...)
		require.NoError(t, err, argv)
		assert.Equal(t, want, got.ExpireOldIn, argv)
	}
	_, err = cmdtest.Parse(t, NewCmdReset, false, id, "--yes", "--expire-old-in", "soon")
	assert.EqualError(t, err, `invalid argument "soon" for "--expire-old-in" flag: want "now", or a duration like 1h, 90m or 2d`)

	// Without --yes: refused where nobody can be asked, asked on a terminal.
	_, err = cmdtest.Parse(t, NewCmdReset, false, id)
	assert.EqualError(t, err, "tokens reset needs confirmation, and stdin is not a terminal: pass --yes to go ahead")
	got, err = cmdtest.Parse(t, NewCmdReset, true, id)
	require.NoError(t, err)
	assert.False(t, got.Yes)

	_, err = cmdtest.Parse(t, NewCmdReset, false, id, "--yes", "--expire-old-in", "-1h")
	assert.EqualError(t, err, `invalid argument "-1h" for "--expire-old-in" flag: must not be negative`)
	_, err = cmdtest.Parse(t, NewCmdReset, false, id, "--yes", "--expire-old-in", "8d")
	assert.EqualError(t, err, `invalid argument "8d" for "--expire-old-in" flag: at most 7d: longer, the old secret works as if the token had not been rotated`)

	del, err := cmdtest.Parse(t, NewCmdDelete, false, id, "-y")
	require.NoError(t, err)
	del.Env = cmdutil.Env{}
	assert.Equal(t, DeleteOptions{ID: id, Yes: true}, *del)
	_, err = cmdtest.Parse(t, NewCmdDelete, false, id)
	assert.EqualError(t, err, "tokens delete needs confirmation, and stdin is not a terminal: pass --yes to go ahead")
}

func TestNewCmdRotate(t *testing.T) {
	const id = "61095542756dba551110ae21"
	got, err := cmdtest.Parse(t, NewCmdRotate, false, id, "--yes", "--exec", "vault kv put secret/ld token=-", "--expire-old-in", "2h")
	require.NoError(t, err)
	got.Env = cmdutil.Env{}
	assert.Equal(t, RotateOptions{ID: id, Yes: true, Exec: "vault kv put secret/ld token=-", ExpireOldIn: 2 * time.Hour}, *got)
	got, err = cmdtest.Parse(t, NewCmdRotate, false, id, "--yes", "--exec", "x")
	require.NoError(t, err)
	assert.Equal(t, review.DefaultGrace, got.ExpireOldIn, "the default grace")
	// The new secret is never printed, not even when the hand-over fails: the old one still
	// works, and rotating again recovers.
	_, err = cmdtest.Parse(t, NewCmdRotate, false, id, "--yes", "--exec", "x", "--print-on-failure")
	assert.EqualError(t, err, "unknown flag: --print-on-failure")
	for _, argv := range [][]string{{id, "--yes"}, {id, "--yes", "--exec", "  "}} {
		_, err := cmdtest.Parse(t, NewCmdRotate, false, argv...)
		assert.ErrorContains(t, err, "--exec is required", "%v", argv)
	}
}

func TestParsePolicy(t *testing.T) {
	path := func(s string) string { return s }
	stmts, err := ParsePolicy(path, `[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/test:flag/*"]}]`)
	require.NoError(t, err)
	require.Len(t, stmts, 1)
	assert.Equal(t, []string{"updateOn"}, stmts[0].Actions)
	for _, bad := range []string{``, `{}`, `[]`, `[{"effect":"maybe"}]`, `[{"effect":"allow","action":["*"]}]`, "@/no/such/file"} {
		_, err := ParsePolicy(path, bad)
		assert.Error(t, err, "ParsePolicy(%q)", bad)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), "ParsePolicy(%q) = %v", bad, err)
	}
}
