// Package profile is "ldaccess profile": add, list, show and remove profiles, the named
// accounts and where their tokens come from.
package profile

import (
	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

const long = `Profiles name the accounts you work with — commercial, EU and federal, staging and
production — so that "--profile prod" (or LDACCESS_PROFILE=prod) is all a command needs.
"audit --profile a --profile b" or "audit --all-profiles" reviews several at once.

They are kept in config.yaml in ldaccess's config directory ($XDG_CONFIG_HOME/ldaccess or
~/.config/ldaccess on Linux, ~/Library/Application Support/ldaccess on macOS, %AppData%\ldaccess
on Windows); config.json is read instead if that is what exists. A profile holds:

  instance               commercial, eu or federal
  base-url               any other LaunchDarkly address (instead of instance)
  api-version            the LD-API-Version to send
  token-env              the environment variable holding the token, or
  token-keyring          true: the token is in the OS keyring (profile add --keyring stores it), or
  token-command          a shell command printing the token, such as "op read op://vault/ld/token"
  token-command-timeout  how long the command may take (default 1m)
  fake                   true: an embedded fake account, with fake-seed, fake-members, fake-tokens

The file never holds a token: ldaccess refuses to read one from it and never writes one to it.
Flags given on the command line (--instance, --base-url, --token …) win over the profile.`

// NewCmdProfile is "ldaccess profile".
func NewCmdProfile(f *cmdutil.Factory) *cobra.Command {
	c := cmdutil.GroupCmd("profile", "Add, list, show and remove profiles: named accounts and where their tokens come from",
		NewCmdAdd(f, nil), NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdRemove(f, nil))
	c.Long = long
	return c
}

// named reads the profiles and the one called name among them.
func named(accounts *connect.Accounts, name string) (config.Config, config.Profile, error) {
	cfg, err := accounts.LoadConfig()
	if err != nil {
		return config.Config{}, config.Profile{}, err
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		return config.Config{}, config.Profile{}, cfg.UnknownProfile(name)
	}
	return cfg, p, nil
}

// profileJSON is a profile as JSON: its name and settings, never a token.
func profileJSON(name string, p config.Profile) map[string]any {
	m := map[string]any{"name": name, "instance": p.InstanceName(), "tokenFrom": p.TokenSource()}
	for k, v := range map[string]string{"baseUrl": p.BaseURL, "apiVersion": p.APIVersion, "tokenEnv": p.TokenEnv,
		"tokenCommand": p.TokenCommand, "tokenCommandTimeout": p.TokenCommandTimeout} {
		if v != "" {
			m[k] = v
		}
	}
	if p.TokenKeyring {
		m["tokenKeyring"] = true
	}
	if p.Fake {
		m["fake"] = true
		m["fakeSeed"] = p.FakeSeed
		m["fakeMembers"] = p.FakeMembers
	}
	return m
}

// profileIdentity is the column that says which profile a row is about.
var profileIdentity = []string{"name"}

// listView shows the profiles; current is $LDACCESS_PROFILE's.
func listView(cfg config.Config, current string) render.View {
	s := render.Section{Header: []string{"name", "instance", "base url", "token from", "current"},
		Empty:    "no profiles in " + cfg.Path + " (add one with ldaccess profile add)",
		Identify: profileIdentity}
	js := []map[string]any{}
	for _, n := range cfg.Names() {
		p := cfg.Profiles[n]
		cur := ""
		if n == current {
			cur = "*"
		}
		s.Rows = append(s.Rows, []string{n, p.InstanceName(), p.BaseURL, p.TokenSource(), cur})
		js = append(js, profileJSON(n, p))
	}
	return render.View{JSON: js, Sections: []render.Section{s}}
}
