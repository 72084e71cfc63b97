package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
)

// memKeyring is an in-memory keyring.
type memKeyring map[string]string

func (k memKeyring) Get(service, user string) (string, error) {
	s, ok := k[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}
func (k memKeyring) Set(service, user, s string) error { k[service+"/"+user] = s; return nil }
func (k memKeyring) Delete(service, user string) error { delete(k, service+"/"+user); return nil }

// newFactory is a Factory whose config directory is a fresh one, with an in-memory keyring;
// given are the global flags given on the command line.
func newFactory(t *testing.T, given ...string) (*cmdutil.Factory, *cmdtest.Streams, string) {
	f, st := cmdtest.NewFactory(t, "")
	dir := t.TempDir()
	f.Getenv = func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] }
	f.Accounts.Getenv = f.Getenv
	f.Keyring = memKeyring{}
	f.Accounts.Keyring = f.Keyring
	f.Accounts.Changed = func(flag string) bool {
		for _, g := range given {
			if g == flag {
				return true
			}
		}
		return false
	}
	return f, st, filepath.Join(dir, "ldaccess", "config.yaml")
}

func TestNewCmdAdd(t *testing.T) {
	parse := func(f *cmdutil.Factory, argv ...string) (*AddOptions, error) {
		runF, got := cmdtest.Capture[AddOptions]()
		err := cmdtest.Execute(NewCmdAdd(f, runF), argv...)
		return *got, err
	}
	f, _, _ := newFactory(t, "instance")
	f.Accounts.Flags.Instance = "eu"
	got, err := parse(f, "prod", "--token-command", "op read x", "--token-command-timeout", "30s", "--force")
	require.NoError(t, err)
	assert.Equal(t, config.Profile{Instance: "eu", TokenCommand: "op read x", TokenCommandTimeout: "30s"}, got.Profile)
	assert.True(t, got.Force)

	f, _, _ = newFactory(t, "fake", "fake-seed")
	f.Accounts.Flags.Fake, f.Accounts.Flags.FakeSeed = true, 2
	got, err = parse(f, "demo")
	require.NoError(t, err)
	assert.Equal(t, config.Profile{Fake: true, FakeSeed: 2}, got.Profile, "fake-members left to the profile's default")

	f, _, _ = newFactory(t, "token")
	f.Accounts.Flags.Token = " api-x "
	got, err = parse(f, "vault", "--keyring")
	require.NoError(t, err)
	assert.Equal(t, "api-x", got.Token)

	for _, tt := range []struct {
		given   []string
		argv    []string
		wantErr string
	}{
		{[]string{"token"}, []string{"leak", "--token-env", "X"}, "ldaccess never writes a token to the config file"},
		{nil, []string{"two", "--token-env", "X", "--keyring"}, "--token-env and --keyring cannot be used together"},
		{nil, []string{"a/b"}, "a profile name is one word without commas or slashes"},
		{nil, []string{"slow", "--token-command", "x", "--token-command-timeout", "-1s"}, "token-command-timeout \"-1s\" is not a positive duration"},
	} {
		f, _, _ := newFactory(t, tt.given...)
		_, err := parse(f, tt.argv...)
		assert.ErrorContains(t, err, tt.wantErr, "%v", tt.argv)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), "%v", tt.argv)
	}
}

func TestAddListShowRemoveRuns(t *testing.T) {
	ctx := context.Background()
	f, st, path := newFactory(t)
	p := &cmdtest.Prompter{Secret: "api-stored-0001\n"}
	f.Prompter = p

	add := &AddOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring, Name: "vault", Profile: config.Profile{TokenKeyring: true}}
	require.NoError(t, addRun(ctx, add))
	tok, err := f.Keyring.Get(keyring.Service, "vault")
	require.NoError(t, err)
	assert.Equal(t, "api-stored-0001", tok)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "api-stored")
	assert.Contains(t, st.Err.String(), "profile vault saved in "+path+" (token from the OS keyring)")
	assert.EqualError(t, addRun(ctx, add), "profile vault exists: pass --force to replace it")

	require.NoError(t, listRun(ctx, &ListOptions{Env: f.Env(), Accounts: f.Accounts, Current: "vault"}))
	assert.Regexp(t, `(?m)^vault +commercial +- +the OS keyring +\*$`, st.Out.String())

	st.Out.Reset()
	require.NoError(t, showRun(ctx, &ShowOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring, Getenv: f.Getenv, Name: "vault"}))
	assert.Regexp(t, `(?m)^token: +stored$`, st.Out.String())
	assert.NotContains(t, st.Out.String(), "api-stored")

	st.Out.Reset()
	require.NoError(t, removeRun(ctx, &RemoveOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring, Name: "vault"}))
	assert.Equal(t, "removed profile vault and its token in the OS keyring\n", st.Out.String())
	_, err = f.Keyring.Get(keyring.Service, "vault")
	assert.True(t, errors.Is(err, keyring.ErrNotFound))
	assert.ErrorContains(t, removeRun(ctx, &RemoveOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring, Name: "vault"}), `no profile "vault"`)
}

func TestNewCmdListShowRemove(t *testing.T) {
	f, _, _ := newFactory(t)
	f.Getenv = func(k string) string { return map[string]string{"LDACCESS_PROFILE": "prod"}[k] }
	runList, list := cmdtest.Capture[ListOptions]()
	require.NoError(t, cmdtest.Execute(NewCmdList(f, runList)))
	assert.Equal(t, "prod", (*list).Current, "$LDACCESS_PROFILE is the current profile")
	assert.EqualError(t, cmdtest.Execute(NewCmdList(f, runList), "extra"), "list takes no arguments (got 1 argument)")

	show, err := cmdtest.Parse(t, NewCmdShow, false, "prod")
	require.NoError(t, err)
	assert.Equal(t, "prod", show.Name)
	_, err = cmdtest.Parse(t, NewCmdShow, false)
	assert.EqualError(t, err, "show takes a profile name (got 0 arguments)")

	rm, err := cmdtest.Parse(t, NewCmdRemove, false, "prod")
	require.NoError(t, err)
	assert.Equal(t, "prod", rm.Name)
	_, err = cmdtest.Parse(t, NewCmdRemove, false, "a", "b")
	assert.EqualError(t, err, "remove takes a profile name (got 2 arguments)")
}
