package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zalando/go-keyring"
	"golang.org/x/term"
)

const profileLong = `Profiles name the accounts you work with — commercial, EU and federal, staging and
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

func (a *app) profileCmd() *cobra.Command {
	c := groupCmd("profile", "Add, list, show and remove profiles: named accounts and where their tokens come from",
		a.profileAddCmd(), a.profileListCmd(), a.profileShowCmd(), a.profileRemoveCmd())
	c.Long = profileLong
	return c
}

func (a *app) profileAddCmd() *cobra.Command {
	var p profile
	var force bool
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add or replace a profile",
		Long: `Add a profile from the global flags (--instance, --base-url, --api-version, --fake,
--fake-seed, --fake-members, --fake-tokens) and one source of its token. With --keyring the
token is stored in the OS keyring: from --token, from stdin when it is not a terminal, or asked
for without echo. A token is never written to the config file.

The OS keyring is the Keychain on macOS, the Credential Manager on Windows, and on Linux a
Secret Service (GNOME Keyring, KeePassXC) on the desktop session's D-Bus bus. A server or a
container usually has none: use --token-env or --token-command there.`,
		Example: `  ldaccess profile add prod --token-env LD_PROD_TOKEN
  ldaccess profile add eu --instance eu --token-command 'op read op://ops/launchdarkly-eu/token'
  printf '%s' "$TOKEN" | ldaccess profile add staging --keyring
  ldaccess profile add demo --fake --fake-seed 2 --fake-members 500`,
		Args: exactArgs(1, "a profile name"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if name == "" || strings.ContainsAny(name, " \t\r\n,/\\") {
				return usagef("a profile name is one word without commas or slashes, not %q", name)
			}
			if a.changed("token") && !p.TokenKeyring {
				return usagef("ldaccess never writes a token to the config file: add --keyring to store it in the OS keyring, or use --token-env or --token-command")
			}
			if a.changed("instance") {
				p.Instance = string(a.instance)
			}
			p.BaseURL, p.APIVersion = a.baseURL, a.apiVersion
			if a.useFake {
				p.Fake, p.FakeMembers, p.FakeTokens, p.FakeSeed = true, a.fakeMembers, a.fakeTokens, a.fakeSeed
				if !a.changed("fake-members") {
					p.FakeMembers = 0 // the profile's default
				}
			}
			if err := p.check(); err != nil {
				return usagef("%v", err)
			}
			if p.BaseURL != "" {
				t := a.profileTarget(name, p)
				t.from = func(s string) string { return "--" + s }
				if _, err := resolveBaseURL(t); err != nil {
					return err
				}
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			if _, ok := cfg.Profiles[name]; ok && !force {
				return usagef("profile %s exists: pass --force to replace it", name)
			}
			if p.TokenKeyring {
				tok, err := a.readTokenToStore(name)
				if err != nil {
					return err
				}
				if err := a.keyring.Set(keyringService, name, tok); err != nil {
					return fmt.Errorf("%w; nothing was saved", keyringError(name, err))
				}
			}
			cfg.Profiles[name] = p
			if err := cfg.save(); err != nil {
				return err
			}
			a.status.notef("profile %s saved in %s (token from %s)", name, cfg.path, p.tokenSource())
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&p.TokenEnv, "token-env", "", "the environment variable that holds the token")
	f.BoolVar(&p.TokenKeyring, "keyring", false, "store the token in the OS keyring (from --token, stdin, or a prompt)")
	f.StringVar(&p.TokenCommand, "token-command", "", "a shell command that prints the token")
	f.StringVar(&p.TokenCommandTimeout, "token-command-timeout", "", "how long the token command may take (default 1m)")
	f.BoolVar(&force, "force", false, "replace a profile of the same name")
	return cmd
}

// readTokenToStore gets the token profile add --keyring stores: --token, else stdin (asked for
// without echo on a terminal).
func (a *app) readTokenToStore(name string) (string, error) {
	if a.changed("token") {
		return strings.TrimSpace(a.token), nil
	}
	var tok string
	if f, ok := a.stdin.(*os.File); ok && a.isTerminal(a.stdin) {
		fmt.Fprintf(a.stderr, "Access token for profile %s (not shown): ", name)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		tok = string(b)
	} else {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", usagef("--keyring reads the token from --token or stdin, and stdin is empty")
		}
		tok = line
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", usagef("no token given to store")
	}
	return tok, nil
}

func (a *app) profileListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the profiles",
		Args:  exactArgs(0, "no arguments"),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			current := a.getenv("LDACCESS_PROFILE")
			s := section{Header: []string{"name", "instance", "base url", "token from", "current"},
				Empty: fmt.Sprintf("no profiles in %s (add one with ldaccess profile add)", cfg.path),
				Keep:  []string{"name"}, Drop: []string{"current", "base url"}}
			js := []map[string]any{}
			for _, n := range cfg.names() {
				p := cfg.Profiles[n]
				cur := ""
				if n == current {
					cur = "*"
				}
				s.Rows = append(s.Rows, []string{n, profileInstance(p), p.BaseURL, p.tokenSource(), cur})
				js = append(js, profileJSON(n, p))
			}
			return a.render(view{JSON: js, Sections: []section{s}})
		}),
	}
}

func profileInstance(p profile) string {
	switch {
	case p.Fake:
		return "fake"
	case p.BaseURL != "":
		return "custom"
	case p.Instance == "":
		return instanceCommercial
	}
	return p.Instance
}

// profileJSON is a profile as JSON: its name and settings, never a token.
func profileJSON(name string, p profile) map[string]any {
	m := map[string]any{"name": name, "instance": profileInstance(p), "tokenFrom": p.tokenSource()}
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

func (a *app) profileShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a profile's settings and whether its token is there (never the token)",
		Args:  exactArgs(1, "a profile name"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			cfg, p, err := a.namedProfile(name)
			if err != nil {
				return err
			}
			status := "-"
			switch {
			case p.TokenEnv != "":
				status = "not set"
				if a.getenv(p.TokenEnv) != "" {
					status = "set"
				}
			case p.TokenKeyring:
				_, err := a.keyring.Get(keyringService, name)
				switch {
				case err == nil:
					status = "stored"
				case errors.Is(err, keyring.ErrNotFound):
					status = "missing: store one with ldaccess profile add " + name + " --keyring --force"
				default:
					status = keyringTrouble(err)
				}
			case p.TokenCommand != "":
				status = "from the command when needed"
			}
			t := a.profileTarget(name, p)
			base := p.BaseURL
			if base == "" && !p.Fake {
				base, _ = instanceURL(t.Instance)
			}
			h := []string{"name", "instance", "base url", "api version", "token from", "token", "config file"}
			row := []string{name, profileInstance(p), base, p.APIVersion, p.tokenSource(), status, cfg.path}
			js := profileJSON(name, p)
			js["token"] = status
			return a.render(view{JSON: js, Sections: []section{{Header: h, Rows: [][]string{row}, Record: true}}})
		}),
	}
}

func (a *app) profileRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a profile, and its token from the OS keyring if it is there",
		Args:  exactArgs(1, "a profile name"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			cfg, p, err := a.namedProfile(name)
			if err != nil {
				return err
			}
			delete(cfg.Profiles, name)
			if err := cfg.save(); err != nil {
				return err
			}
			msg := "removed profile " + name
			if p.TokenKeyring {
				if err := a.keyring.Delete(keyringService, name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
					a.status.notef("the profile is removed, but its token could not be deleted from the OS keyring: %s", keyringTrouble(err))
				} else {
					msg += " and its token in the OS keyring"
				}
			}
			return a.render(view{Text: msg, JSON: map[string]string{"removed": name}})
		}),
	}
}

// namedProfile reads the config file and the profile called name in it.
func (a *app) namedProfile(name string) (config, profile, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return config{}, profile{}, err
	}
	p, ok := cfg.Profiles[name]
	if !ok {
		return config{}, profile{}, cfg.unknownProfile(name)
	}
	return cfg, p, nil
}
