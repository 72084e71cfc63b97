package profile

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
)

// AddOptions are "profile add"'s: the profile to save.
type AddOptions struct {
	cmdutil.Env
	Name    string
	Profile config.Profile
	Force   bool
	// Token, when set, is the token --keyring stores (from --token); else it is read from stdin.
	Token    string
	Accounts *connect.Accounts
	Keyring  keyring.Store
}

// NewCmdAdd is "profile add". runF, when not nil, runs instead of addRun (tests).
func NewCmdAdd(f *cmdutil.Factory, runF func(context.Context, *AddOptions) error) *cobra.Command {
	opts := &AddOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring}
	p := &opts.Profile
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
		Args: cmdutil.ExactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := config.CheckName(opts.Name); err != nil {
				return clierr.Usagef("%v", err)
			}
			if err := fromGlobalFlags(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&p.TokenEnv, "token-env", "", "the environment variable that holds the token")
	fl.BoolVar(&p.TokenKeyring, "keyring", false, "store the token in the OS keyring (from --token, stdin, or a prompt)")
	fl.StringVar(&p.TokenCommand, "token-command", "", "a shell command that prints the token")
	fl.StringVar(&p.TokenCommandTimeout, "token-command-timeout", "", "how long the token command may take (default 1m)")
	fl.BoolVar(&opts.Force, "force", false, "replace a profile of the same name")
	cmd.MarkFlagsMutuallyExclusive("token-env", "keyring", "token-command")
	return cmd
}

// fromGlobalFlags completes the profile with the global flags given, and checks it.
func fromGlobalFlags(opts *AddOptions) error {
	g, p, changed := opts.Accounts.Flags, &opts.Profile, opts.Accounts.Given
	if changed("token") {
		if !p.TokenKeyring {
			return clierr.Usagef("ldaccess never writes a token to the config file: add --keyring to store it in the OS keyring, or use --token-env or --token-command")
		}
		opts.Token = strings.TrimSpace(g.Token)
	}
	if changed("instance") {
		p.Instance = g.Instance
	}
	p.BaseURL, p.APIVersion = g.BaseURL, g.APIVersion
	if g.Fake {
		p.Fake, p.FakeTokens, p.FakeSeed = true, g.FakeTokens, g.FakeSeed
		if changed("fake-members") {
			p.FakeMembers = g.FakeMembers // else the profile's default
		}
	}
	if err := p.Check(); err != nil {
		return clierr.Usagef("%v", err)
	}
	if p.BaseURL != "" {
		if _, err := connect.ResolveBaseURL(connect.Target{BaseURL: p.BaseURL}); err != nil {
			return err
		}
	}
	return nil
}

func addRun(_ context.Context, opts *AddOptions) error {
	cfg, err := opts.Accounts.LoadConfig()
	if err != nil {
		return err
	}
	if _, ok := cfg.Profiles[opts.Name]; ok && !opts.Force {
		return clierr.Usagef("profile %s exists: pass --force to replace it", opts.Name)
	}
	if opts.Profile.TokenKeyring {
		tok, err := tokenToStore(opts)
		if err != nil {
			return err
		}
		if err := opts.Keyring.Set(keyring.Service, opts.Name, tok); err != nil {
			return fmt.Errorf("%w; nothing was saved", keyring.Error(opts.Name, err))
		}
	}
	cfg.Profiles[opts.Name] = opts.Profile
	if err := cfg.Save(); err != nil {
		return err
	}
	opts.IO.Notef("profile %s saved in %s (token from %s)", opts.Name, cfg.Path, opts.Profile.TokenSource())
	return nil
}

// tokenToStore is the token --keyring stores: --token, else stdin (asked for without echo on
// a terminal).
func tokenToStore(opts *AddOptions) (string, error) {
	tok := opts.Token
	if tok == "" {
		var err error
		tok, err = opts.Prompter.Password(fmt.Sprintf("Access token for profile %s (not shown): ", opts.Name))
		if err != nil {
			return "", clierr.Usagef("--keyring reads the token from --token or stdin: %v", err)
		}
	}
	if tok = strings.TrimSpace(tok); tok == "" {
		return "", clierr.Usagef("no token given to store")
	}
	return tok, nil
}
