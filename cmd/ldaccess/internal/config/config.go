// Package config reads and writes ldaccess's profiles: named accounts, with their instance,
// base URL and API version, and where each one's token comes from (never the token itself).
// They live in config.yaml (or config.json) in the user's config directory.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/tokenshape"
	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Profile is one account's settings. Field names are the file's keys.
type Profile struct {
	Instance            string `json:"instance,omitempty" yaml:"instance,omitempty"`
	BaseURL             string `json:"base-url,omitempty" yaml:"base-url,omitempty"`
	APIVersion          string `json:"api-version,omitempty" yaml:"api-version,omitempty"`
	TokenEnv            string `json:"token-env,omitempty" yaml:"token-env,omitempty"`
	TokenKeyring        bool   `json:"token-keyring,omitempty" yaml:"token-keyring,omitempty"`
	TokenCommand        string `json:"token-command,omitempty" yaml:"token-command,omitempty"`
	TokenCommandTimeout string `json:"token-command-timeout,omitempty" yaml:"token-command-timeout,omitempty"`
	Fake                bool   `json:"fake,omitempty" yaml:"fake,omitempty"`
	FakeMembers         int    `json:"fake-members,omitempty" yaml:"fake-members,omitempty"`
	FakeTokens          int    `json:"fake-tokens,omitempty" yaml:"fake-tokens,omitempty"`
	FakeSeed            int64  `json:"fake-seed,omitempty" yaml:"fake-seed,omitempty"`
}

// Keys are the settings a profile may have, in the order they are shown.
var Keys = []string{"instance", "base-url", "api-version", "token-env", "token-keyring", "token-command",
	"token-command-timeout", "fake", "fake-members", "fake-tokens", "fake-seed"}

// Config is the whole file.
type Config struct {
	Profiles map[string]Profile `json:"profiles" yaml:"profiles"`
	// Path is where it was read from, or will be written to.
	Path string `json:"-" yaml:"-"`
}

// The instances of LaunchDarkly a profile or --instance may name.
const (
	InstanceCommercial = "commercial"
	InstanceEU         = "eu"
	InstanceFederal    = "federal"
)

// Instances lists the instances, as --instance takes them.
func Instances() []string { return []string{InstanceCommercial, InstanceEU, InstanceFederal} }

// InstanceURL is the base URL of a LaunchDarkly instance.
func InstanceURL(instance string) (string, error) {
	switch instance {
	case InstanceCommercial:
		return wrapper.BaseURL, nil
	case InstanceEU:
		return wrapper.BaseURLEU, nil
	case InstanceFederal:
		return wrapper.BaseURLFederal, nil
	}
	return "", fmt.Errorf("must be commercial, eu or federal, not %q", instance)
}

// Names are the profiles' names, sorted.
func (c Config) Names() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// UnknownProfile is the usage error for a profile the file does not have.
func (c Config) UnknownProfile(name string) error {
	if len(c.Profiles) == 0 {
		return clierr.Usagef("no profile %q: %s has no profiles yet (add one with ldaccess profile add %s …)", name, c.Path, name)
	}
	return clierr.Usagef("no profile %q in %s; the profiles are %s", name, c.Path, strings.Join(c.Names(), ", "))
}

// Dir is ldaccess's directory in the user's config directory: os.UserConfigDir, read through
// getenv ($XDG_CONFIG_HOME or ~/.config on Unix).
func Dir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "ldaccess"), nil
	}
	if dir := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "ldaccess"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME is set, so there is no config directory")
	}
	return filepath.Join(home, ".config", "ldaccess"), nil
}

// maxConfig is the most a config file may hold.
const maxConfig = 16 << 20

// Load reads config.yaml, config.yml or config.json in dir, whichever exists first; none is
// an empty config that would be written to config.yaml.
func Load(dir string) (Config, error) {
	for _, name := range []string{"config.yaml", "config.yml", "config.json"} {
		path := filepath.Join(dir, name)
		data, err := safefile.ReadFile(path, maxConfig) // a FIFO planted here would hang every command
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Config{}, err
		}
		return Parse(path, data)
	}
	return Config{Path: filepath.Join(dir, "config.yaml"), Profiles: map[string]Profile{}}, nil
}

// Save writes the config back where it was read from (config.yaml by default), readable by
// the user only, through a temporary file so that a crash leaves the old one.
func (c Config) Save() error {
	var data []byte
	var err error
	if isJSON(c.Path) {
		data, err = json.MarshalIndent(c, "", "  ")
		data = append(data, '\n')
	} else {
		data, err = yaml.Marshal(c)
		data = append([]byte("# ldaccess profiles: see ldaccess profile --help. Tokens are never stored here.\n"), data...)
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.Path), ".config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.Path)
}

func isJSON(path string) bool { return strings.HasSuffix(path, ".json") }

// Check reports settings that contradict each other, or that are not what they should be.
// A setting that holds what looks like an access token is refused first, by name, never
// quoted: a token pasted in the wrong place is never saved, and never printed.
func (p Profile) Check() error {
	if key := p.tokenSetting(); key != "" {
		return fmt.Errorf("%s holds what looks like an access token (api- and a UUID); ldaccess never stores a token in a profile: "+
			"give the name of the environment variable that holds it (token-env), a command that prints it (token-command), or --keyring", key)
	}
	n := 0
	for _, set := range []bool{p.TokenEnv != "", p.TokenKeyring, p.TokenCommand != "", p.Fake} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("give one of token-env, token-keyring, token-command or fake")
	}
	if p.Instance != "" {
		if _, err := InstanceURL(p.Instance); err != nil {
			return fmt.Errorf("instance %v", err)
		}
	}
	if p.TokenCommandTimeout != "" {
		if d, err := review.ParseAge(p.TokenCommandTimeout); err != nil || d <= 0 {
			return fmt.Errorf("token-command-timeout %q is not a positive duration like 30s or 2m", p.TokenCommandTimeout)
		}
	}
	if p.Fake && p.BaseURL != "" {
		return errors.New("a fake profile has no base-url")
	}
	return nil
}

// tokenSetting is the setting whose value looks like an access token, "" if none does.
func (p Profile) tokenSetting() string {
	for _, s := range [][2]string{{"instance", p.Instance}, {"base-url", p.BaseURL}, {"api-version", p.APIVersion},
		{"token-env", p.TokenEnv}, {"token-command", p.TokenCommand}, {"token-command-timeout", p.TokenCommandTimeout}} {
		if tokenshape.In(s[1]) {
			return s[0]
		}
	}
	return ""
}

// CheckName refuses a profile name that is not one word, or that looks like an access token
// (which the message does not quote).
func CheckName(name string) error {
	if tokenshape.In(name) {
		return errors.New("a profile name must not be an access token: name the account (prod, eu …) and give its token with --token-env, --token-command or --keyring")
	}
	if name == "" || strings.ContainsAny(name, " \t\r\n,/\\") {
		return fmt.Errorf("a profile name is one word without commas or slashes, not %q", name)
	}
	return nil
}

// TokenSource says where a profile's token comes from, never what it is.
func (p Profile) TokenSource() string {
	switch {
	case p.Fake:
		return "the embedded fake account"
	case p.TokenEnv != "":
		return "$" + p.TokenEnv
	case p.TokenKeyring:
		return "the OS keyring"
	case p.TokenCommand != "":
		return "the command " + p.TokenCommand
	}
	return "$LD_ACCESS_TOKEN or --token"
}

// InstanceName is the profile's instance for people: fake, custom (a base URL), or one of
// Instances.
func (p Profile) InstanceName() string {
	switch {
	case p.Fake:
		return "fake"
	case p.BaseURL != "":
		return "custom"
	case p.Instance == "":
		return InstanceCommercial
	}
	return p.Instance
}
