package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ldaccess/ldaccess/review"
)

// Profiles name accounts: instance, base URL, API version, and where the token comes from. They
// live in config.yaml (or config.json) in the user's config directory, which never holds a
// token itself: it names an environment variable, the OS keyring, or a command to run.

// keyringService is the service name of the tokens ldaccess keeps in the OS keyring; the user
// name is the profile's.
const keyringService = "ldaccess"

// defaultTokenCommandTimeout bounds a token-command without its own timeout: long enough for a
// password manager to ask for a fingerprint.
const defaultTokenCommandTimeout = time.Minute

// profile is one account's settings. Field names are the file's keys.
type profile struct {
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

// profileKeys are the settings a profile may have, in the order they are shown.
var profileKeys = []string{"instance", "base-url", "api-version", "token-env", "token-keyring", "token-command",
	"token-command-timeout", "fake", "fake-members", "fake-tokens", "fake-seed"}

// config is the whole file.
type config struct {
	Profiles map[string]profile `json:"profiles" yaml:"profiles"`
	// path is where it was read from, or will be written to.
	path string
}

func (c config) names() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (c config) unknownProfile(name string) error {
	if len(c.Profiles) == 0 {
		return usagef("no profile %q: %s has no profiles yet (add one with ldaccess profile add %s …)", name, c.path, name)
	}
	return usagef("no profile %q in %s; the profiles are %s", name, c.path, strings.Join(c.names(), ", "))
}

// configDir is ldaccess's directory in the user's config directory: os.UserConfigDir, read
// through the command's environment ($XDG_CONFIG_HOME or ~/.config on Unix).
func (a *app) configDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "ldaccess"), nil
	}
	if dir := a.getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "ldaccess"), nil
	}
	home := a.getenv("HOME")
	if home == "" {
		return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME is set, so there is no config directory")
	}
	return filepath.Join(home, ".config", "ldaccess"), nil
}

// loadConfig reads config.yaml, config.yml or config.json, whichever exists first; none is an
// empty config that would be written to config.yaml.
func (a *app) loadConfig() (config, error) {
	dir, err := a.configDir()
	if err != nil {
		return config{}, err
	}
	for _, name := range []string{"config.yaml", "config.yml", "config.json"} {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return config{}, err
		}
		return parseConfig(path, data)
	}
	return config{path: filepath.Join(dir, "config.yaml"), Profiles: map[string]profile{}}, nil
}

// parseConfig reads a config file. It is decoded loosely and checked by hand, so that every
// mistake is reported with the file's own words: the profile, the setting, what it wants.
func parseConfig(path string, data []byte) (config, error) {
	cfg := config{path: path, Profiles: map[string]profile{}}
	var doc map[string]any
	var err error
	if strings.HasSuffix(path, ".json") {
		err = json.Unmarshal(data, &doc)
	} else {
		err = yaml.Unmarshal(data, &doc)
	}
	if err != nil {
		return cfg, usagef("%s is not valid %s: %s", path, configFormat(path), strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for k := range doc {
		if k != "profiles" {
			return cfg, usagef("%s: unknown setting %q at the top (only \"profiles\")", path, k)
		}
	}
	profiles, ok := doc["profiles"].(map[string]any)
	if doc["profiles"] != nil && !ok {
		return cfg, usagef("%s: profiles must be a map of names to settings", path)
	}
	// In order, so that the first mistake reported is always the same one.
	names := make([]string, 0, len(profiles))
	for name := range profiles {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := profiles[name]
		settings, ok := v.(map[string]any)
		if v != nil && !ok {
			return cfg, usagef("%s: profile %q must be a map of settings", path, name)
		}
		var p profile
		keys := make([]string, 0, len(settings))
		for key := range settings {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		for _, key := range keys {
			if err := p.set(key, settings[key]); err != nil {
				return cfg, usagef("%s: profile %q: %v", path, name, err)
			}
		}
		if err := p.check(); err != nil {
			return cfg, usagef("%s: profile %q: %v", path, name, err)
		}
		cfg.Profiles[name] = p
	}
	return cfg, nil
}

func configFormat(path string) string {
	if strings.HasSuffix(path, ".json") {
		return "JSON"
	}
	return "YAML"
}

// set sets one setting from a decoded value.
func (p *profile) set(key string, val any) error {
	str := func(dst *string) error {
		s, ok := val.(string)
		if !ok {
			return fmt.Errorf("%s must be a string", key)
		}
		*dst = s
		return nil
	}
	boolean := func(dst *bool) error {
		b, ok := val.(bool)
		if !ok {
			return fmt.Errorf("%s must be true or false", key)
		}
		*dst = b
		return nil
	}
	integer := func() (int64, error) {
		switch n := val.(type) {
		case int:
			return int64(n), nil
		case int64:
			return n, nil
		case float64:
			if n == float64(int64(n)) {
				return int64(n), nil
			}
		}
		return 0, fmt.Errorf("%s must be a whole number", key)
	}
	switch key {
	case "instance":
		return str(&p.Instance)
	case "base-url":
		return str(&p.BaseURL)
	case "api-version":
		if n, err := integer(); err == nil {
			p.APIVersion = strconv.FormatInt(n, 10)
			return nil
		}
		return str(&p.APIVersion)
	case "token-env":
		return str(&p.TokenEnv)
	case "token-keyring":
		return boolean(&p.TokenKeyring)
	case "token-command":
		return str(&p.TokenCommand)
	case "token-command-timeout":
		return str(&p.TokenCommandTimeout)
	case "fake":
		return boolean(&p.Fake)
	case "fake-members", "fake-tokens", "fake-seed":
		n, err := integer()
		switch key {
		case "fake-members":
			p.FakeMembers = int(n)
		case "fake-tokens":
			p.FakeTokens = int(n)
		default:
			p.FakeSeed = n
		}
		return err
	case "token", "access-token", "api-key", "secret":
		return fmt.Errorf("holds a token in clear text (%s), which ldaccess never reads from the config file: "+
			"remove it and store the token with ldaccess profile add NAME --keyring, or name an environment variable (token-env) or a command (token-command)", key)
	}
	return fmt.Errorf("unknown setting %q; the settings are %s", key, strings.Join(profileKeys, ", "))
}

// check reports settings that contradict each other.
func (p profile) check() error {
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
		if _, err := instanceURL(p.Instance); err != nil {
			return fmt.Errorf("instance %v", err)
		}
	}
	if p.TokenCommandTimeout != "" {
		if d, err := review.ParseAge(p.TokenCommandTimeout); err != nil || d <= 0 {
			return fmt.Errorf("token-command-timeout %q is not a duration like 30s or 2m", p.TokenCommandTimeout)
		}
	}
	if p.Fake && p.BaseURL != "" {
		return errors.New("a fake profile has no base-url")
	}
	return nil
}

// tokenSource says where a profile's token comes from, never what it is.
func (p profile) tokenSource() string {
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

// save writes the config back where it was read from (config.yaml by default), readable by
// the user only, through a temporary file so that a crash leaves the old one.
func (c config) save() error {
	var data []byte
	var err error
	if strings.HasSuffix(c.path, ".json") {
		data, err = json.MarshalIndent(c, "", "  ")
		data = append(data, '\n')
	} else {
		data, err = yaml.Marshal(c)
		data = append([]byte("# ldaccess profiles: see ldaccess profile --help. Tokens are never stored here.\n"), data...)
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), ".config-*")
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
	return os.Rename(tmp.Name(), c.path)
}

// profileTarget is the account of a profile. Global flags given on the command line win over
// the profile's settings.
func (a *app) profileTarget(name string, p profile) target {
	t := target{
		Profile: name, Instance: p.Instance, BaseURL: p.BaseURL, APIVersion: p.APIVersion,
		Fake: p.Fake, FakeMembers: p.FakeMembers, FakeTokens: p.FakeTokens, FakeSeed: p.FakeSeed,
		from: func(setting string) string {
			if a.changed(setting) {
				return "--" + setting
			}
			return fmt.Sprintf("profile %s's %s", name, setting)
		},
	}
	if t.Instance == "" {
		t.Instance = instanceCommercial
	}
	if t.FakeMembers == 0 {
		t.FakeMembers = 3000 // as --fake
	}
	if t.FakeSeed == 0 {
		t.FakeSeed = 1
	}
	for flag, apply := range map[string]func(){
		"instance":     func() { t.Instance = string(a.instance) },
		"base-url":     func() { t.BaseURL = a.baseURL },
		"api-version":  func() { t.APIVersion = a.apiVersion },
		"fake":         func() { t.Fake = a.useFake },
		"fake-members": func() { t.FakeMembers = a.fakeMembers },
		"fake-tokens":  func() { t.FakeTokens = a.fakeTokens },
		"fake-seed":    func() { t.FakeSeed = a.fakeSeed },
	} {
		if a.changed(flag) {
			apply()
		}
	}
	t.token = func(ctx context.Context) (string, error) {
		if a.changed("token") {
			return a.token, nil
		}
		return a.profileToken(ctx, name, p)
	}
	return t
}

// profileToken gets a profile's token from where the profile says.
func (a *app) profileToken(ctx context.Context, name string, p profile) (string, error) {
	switch {
	case p.TokenEnv != "":
		tok := strings.TrimSpace(a.getenv(p.TokenEnv))
		if tok == "" {
			return "", usagef("profile %s takes its token from $%s, which is not set", name, p.TokenEnv)
		}
		return tok, nil
	case p.TokenKeyring:
		tok, err := a.keyring.Get(keyringService, name)
		if err != nil {
			return "", keyringError(name, err)
		}
		return tok, nil
	case p.TokenCommand != "":
		return a.runTokenCommand(ctx, name, p)
	}
	tok := strings.TrimSpace(a.getenv("LD_ACCESS_TOKEN"))
	if tok == "" {
		return "", usagef("profile %s names no token: set LD_ACCESS_TOKEN, pass --token, or give the profile token-env, token-keyring or token-command", name)
	}
	return tok, nil
}

// runTokenCommand runs a profile's token-command through the shell, as AWS's
// credential_process does: its output, trimmed, is the token; its stderr (a password manager's
// prompt) goes to ours. It is killed after its timeout.
func (a *app) runTokenCommand(ctx context.Context, name string, p profile) (string, error) {
	timeout := defaultTokenCommandTimeout
	if p.TokenCommandTimeout != "" {
		timeout, _ = review.ParseAge(p.TokenCommandTimeout) // checked when the file was read
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", p.TokenCommand)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", p.TokenCommand)
	}
	cmd.Dir = a.dir
	cmd.Env = childEnv()
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 64 << 10}
	cmd.Stderr = a.stderr
	cmd.Stdin = nil
	cmd.WaitDelay = time.Second
	a.status.clear()
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", fmt.Errorf("profile %s: the token-command did not finish within %s (token-command-timeout)", name, review.FormatAge(timeout))
	case err != nil:
		// The output is never quoted: it may be a token.
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("profile %s: the token-command failed with exit status %d", name, ee.ExitCode())
		}
		return "", fmt.Errorf("profile %s: the token-command could not run: %v", name, err)
	}
	tok := strings.TrimSpace(out.String())
	if tok == "" {
		return "", fmt.Errorf("profile %s: the token-command printed nothing", name)
	}
	if strings.ContainsAny(tok, "\r\n") {
		return "", fmt.Errorf("profile %s: the token-command printed several lines; it must print the token alone", name)
	}
	return tok, nil
}

// limitedWriter keeps the first n bytes and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	k := min(len(p), l.n)
	l.n -= k
	if k > 0 {
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
