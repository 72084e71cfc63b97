package members

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
	"github.com/ldaccess/ldaccess/wrapper"
)

// The argv → options tests: each command's parsing, without a server.

func ptr[T any](v T) *T { return &v }

func TestNewCmdList(t *testing.T) {
	before := cmdtest.Now.Add(-90 * 24 * time.Hour)
	tests := []struct {
		name    string
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{name: "everyone", want: ListOptions{}},
		{name: "filters combine", argv: []string{"--role", "admin,writer", "--role", "flag-editor", "--team", "platform", "-q", "ari", "--sort", "-lastSeen", "--limit", "5"},
			want: ListOptions{Limit: 5, Query: wrapper.MembersQuery{
				Filter:   wrapper.MemberFilter{Query: "ari", Roles: []string{"admin", "writer", "flag-editor"}, TeamKey: "platform"},
				Sort:     "-lastSeen",
				PageSize: 5,
			}}},
		{name: "ids and emails", argv: []string{"--id", "a,b", "--email", "x@y.z"},
			want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{IDs: []string{"a", "b"}, Emails: []string{"x@y.z"}}}}},
		{name: "no team", argv: []string{"--no-team"}, want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{NoTeam: ptr(true)}}}},
		{name: "on a team", argv: []string{"--on-team"}, want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{NoTeam: ptr(false)}}}},
		{name: "never seen", argv: []string{"--never-seen"}, want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{LastSeen: wrapper.NeverSeen()}}}},
		{name: "no data", argv: []string{"--no-last-seen-data"}, want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{LastSeen: wrapper.NoLastSeenData()}}}},
		{name: "seen before an age", argv: []string{"--seen-before", "90d"}, want: ListOptions{Query: wrapper.MembersQuery{Filter: wrapper.MemberFilter{LastSeen: wrapper.SeenBefore(before)}}}},
		{name: "expand", argv: []string{"--expand", "customRoles", "--expand", "roleAttributes,customRoles"},
			want: ListOptions{Query: wrapper.MembersQuery{Expand: []api.MemberExpand{api.MemberExpandCustomRoles, api.MemberExpandRoleAttributes}}}},
		{name: "team and no team", argv: []string{"--no-team", "--on-team"}, wantErr: "--no-team and --on-team cannot be used together"},
		{name: "two last-seen filters", argv: []string{"--never-seen", "--seen-before", "90d"}, wantErr: "--never-seen and --seen-before cannot be used together"},
		{name: "a sort the contract does not have", argv: []string{"--sort", "age"},
			wantErr: `invalid argument "age" for "--sort" flag: must be displayName, -displayName, lastSeen or -lastSeen, not "age"`},
		{name: "an expand the contract does not have", argv: []string{"--expand", "everything"},
			wantErr: `invalid argument "everything" for "--expand" flag: must be customRoles or roleAttributes, not "everything"`},
		{name: "filter syntax in a value", argv: []string{"--team", "a|b"}, wantErr: `filter values cannot contain ',' or '|': "a|b"`},
		{name: "a bad time", argv: []string{"--seen-before", "yesterday"}, wantErr: "--seen-before: invalid time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Parse(t, NewCmdList, false, tt.argv...)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, clierr.ExitUsage, clierr.Code(err))
				return
			}
			require.NoError(t, err)
			got.Env = cmdutil.Env{}
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestNewCmdGet(t *testing.T) {
	got, err := cmdtest.Parse(t, NewCmdGet, false, "me", "--role-attributes")
	require.NoError(t, err)
	got.Env = cmdutil.Env{}
	assert.Equal(t, GetOptions{Member: "me", RoleAttributes: true}, *got)
}

func TestNewCmdInvite(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    []api.NewMemberForm
		wantErr string
	}{
		{"a role and teams", []string{"sandy@acme.com", "omar@acme.com", "--role", "writer", "--team", "platform,sre"}, []api.NewMemberForm{
			{Email: "sandy@acme.com", Role: "writer", TeamKeys: []string{"platform", "sre"}},
			{Email: "omar@acme.com", Role: "writer", TeamKeys: []string{"platform", "sre"}},
		}, ""},
		{"custom roles and a name", []string{"dana@acme.com", "--custom-role", "flag-editor", "--first-name", "Dana"}, []api.NewMemberForm{
			{Email: "dana@acme.com", CustomRoles: []string{"flag-editor"}, FirstName: "Dana"},
		}, ""},
		{"no role", []string{"a@example.com"}, nil, "give --role or --custom-role"},
		{"not an address", []string{"nobody", "--role", "reader"}, nil, `"nobody" is not an email address`},
		{"twice", []string{"a@x.io", "A@x.io", "--role", "reader"}, nil, "A@x.io is given twice"},
		{"a name for two", []string{"a@x.io", "b@x.io", "--role", "reader", "--last-name", "X"}, nil, "--first-name and --last-name apply to a single invitee"},
		{"a custom role as --role", []string{"a@x.io", "--role", "flag-editor"}, nil, "use --custom-role for custom roles"},
		{"owner", []string{"a@x.io", "--role", "owner"}, nil, `must be admin, no_access, reader or writer, not "owner"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Parse(t, NewCmdInvite, false, tt.argv...)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, clierr.ExitUsage, clierr.Code(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Invitees)
		})
	}
}

func TestNewCmdRemoveSetRoleAddToTeams(t *testing.T) {
	rm, err := cmdtest.Parse(t, NewCmdRemove, false, "ari@acme.com", "--yes")
	require.NoError(t, err)
	rm.Env = cmdutil.Env{}
	assert.Equal(t, RemoveOptions{Member: "ari@acme.com", Yes: true}, *rm)
	_, err = cmdtest.Parse(t, NewCmdRemove, false, "me", "--yes")
	assert.EqualError(t, err, `refusing to remove "me", the member whose token this is`)
	_, err = cmdtest.Parse(t, NewCmdRemove, false, "ari@acme.com")
	assert.EqualError(t, err, "members remove needs confirmation, and stdin is not a terminal: pass --yes to go ahead")

	sr, err := cmdtest.Parse(t, NewCmdSetRole, true, "ari@acme.com", "no_access")
	require.NoError(t, err)
	sr.Env = cmdutil.Env{}
	assert.Equal(t, SetRoleOptions{Member: "ari@acme.com", Role: "no_access"}, *sr)
	_, err = cmdtest.Parse(t, NewCmdSetRole, false, "x", "superuser", "--yes")
	assert.EqualError(t, err, `ROLE must be admin, no_access, reader or writer, not "superuser"`)
	_, err = cmdtest.Parse(t, NewCmdSetRole, false, "x", "owner", "--yes")
	assert.EqualError(t, err, "ownership cannot be given with set-role")

	at, err := cmdtest.Parse(t, NewCmdAddToTeams, false, "ari@acme.com", "platform,sre", "web")
	require.NoError(t, err)
	at.Env = cmdutil.Env{}
	assert.Equal(t, AddToTeamsOptions{Member: "ari@acme.com", Teams: []string{"platform", "sre", "web"}}, *at)
	_, err = cmdtest.Parse(t, NewCmdAddToTeams, false, "ari@acme.com", ",")
	assert.EqualError(t, err, "no team keys given")
}

func TestNewCmdOffboard(t *testing.T) {
	leavers := filepath.Join(t.TempDir(), "leavers.csv")
	require.NoError(t, os.WriteFile(leavers, []byte("name,Email\nKira,kira@x.dev\n,\nAri, ari@x.dev\n"), 0o600))
	got, err := cmdtest.Parse(t, NewCmdOffboard, false, "yusuf@x.dev", "--from", leavers, "--yes", "--keep-tokens", "--plan", "/tmp/p.json")
	require.NoError(t, err)
	assert.Equal(t, []string{"yusuf@x.dev", "kira@x.dev", "ari@x.dev"}, got.Emails)
	assert.True(t, got.KeepTokens)
	assert.True(t, got.Apply.Yes)
	assert.Equal(t, "/tmp/p.json", got.PlanPath)
	assert.Equal(t, "ldaccess apply /tmp/p.json --yes", got.Apply.Resume, "an offboarding resumes as an apply of its plan")

	got, err = cmdtest.Parse(t, NewCmdOffboard, false, "a@x.dev", "--dry-run")
	require.NoError(t, err, "a dry run needs no confirmation")
	assert.Equal(t, "offboard.plan.json", got.PlanPath)
	assert.Equal(t, review.DefaultPolicy, got.Policy, "service tokens listed, not deleted")
	notAPlan := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(notAPlan, []byte("mine"), 0o600))
	for argv, want := range map[string]string{
		"":                    "members offboard takes email addresses, or --from FILE",
		"nobody --yes":        `"nobody" is not an email address`,
		"a@x.dev":             "members offboard needs confirmation",
		"--from /no/such/csv": "--from: open /no/such/csv",
		"a@x.dev --yes --policy /no/such/policy.json": "--policy: open /no/such/policy.json",
		"a@x.dev --yes --plan " + notAPlan:            notAPlan + " exists and is not a finished plan (" + notAPlan + ":1:1: ",
	} {
		_, err := cmdtest.Parse(t, NewCmdOffboard, false, strings.Fields(argv)...)
		assert.ErrorContains(t, err, want, argv)
	}
}

// A --from file named by mistake (a .env, a config) is not printed back: the error names the
// line that holds no address, never what it holds.
func TestOffboardFromQuotesNothingOfTheFile(t *testing.T) {
	dotenv := filepath.Join(t.TempDir(), ".env")
	require.NoError(t, os.WriteFile(dotenv, []byte("email\nkira@x.dev\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n"), 0o600))
	_, err := cmdtest.Parse(t, NewCmdOffboard, false, "--from", dotenv, "--dry-run")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 3")
	assert.NotContains(t, err.Error(), "wJalrXUtnFEMI")
	assert.NotContains(t, err.Error(), "AWS_SECRET")
}
