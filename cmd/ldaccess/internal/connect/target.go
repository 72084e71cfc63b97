package connect

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
)

// Target is one account to connect to, from the global flags or from a profile.
type Target struct {
	// Profile is the profile's name, "" for the global flags.
	Profile string
	// Instance is commercial, eu or federal; BaseURL, when set, overrides it.
	Instance   string
	BaseURL    string
	APIVersion string
	// Fake targets an embedded fake account seeded with these.
	Fake        bool
	FakeMembers int
	FakeTokens  int
	FakeSeed    int64
	// token gets the access token (not for the fake); usage errors say how to give one.
	token func(context.Context) (string, error)
	// from says where a setting comes from in messages: "--base-url" or "profile prod's base-url".
	from func(setting string) string
}

// From says where a setting of t comes from, for messages: "--base-url", or "profile prod's
// base-url".
func (t Target) From(setting string) string {
	if t.from == nil {
		return "--" + setting
	}
	return t.from(setting)
}

// prefix starts a message about a profile's account: "profile prod: ".
func (t Target) prefix() string {
	if t.Profile == "" {
		return ""
	}
	return "profile " + t.Profile + ": "
}

// Account names the target for people: the profile, or the host it reaches.
func (t Target) Account() string {
	switch {
	case t.Profile != "":
		return t.Profile
	case t.Fake:
		return fmt.Sprintf("embedded fake, seed %d", t.FakeSeed)
	}
	if u, err := url.Parse(t.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return t.Instance
}

// InstanceName is the instance for a report: commercial, eu, federal, custom or fake.
func (t Target) InstanceName() string {
	switch {
	case t.Fake:
		return "fake"
	case t.BaseURL != "":
		if u, _ := config.InstanceURL(t.Instance); u == t.BaseURL {
			return t.Instance
		}
		return "custom"
	}
	return t.Instance
}

// PlanInstance is the instance a plan records and apply checks: "fake" (an account seeded
// afresh by every command, the same for the same seed and LDACCESS_NOW), else the base URL.
func (t Target) PlanInstance() (string, error) {
	if t.Fake {
		return "fake", nil
	}
	return ResolveBaseURL(t)
}

// errNoToken explains how to connect.
const errNoToken = `no access token: pass --token or set LD_ACCESS_TOKEN ` +
	`(create one in LaunchDarkly under Organization settings, Authorization), ` +
	`choose a --profile (see ldaccess profile --help), or try --fake to use an embedded fake account`

// FlagsTarget is the account the global flags name, without a profile.
func (a *Accounts) FlagsTarget() Target {
	f := a.Flags
	return Target{
		Instance: f.Instance, BaseURL: f.BaseURL, APIVersion: f.APIVersion,
		Fake: f.Fake, FakeMembers: f.FakeMembers, FakeTokens: f.FakeTokens, FakeSeed: f.FakeSeed,
		token: func(context.Context) (string, error) {
			token := f.Token
			if token == "" {
				token = a.Getenv("LD_ACCESS_TOKEN")
			}
			if strings.TrimSpace(token) == "" {
				return "", clierr.Usagef("%s", errNoToken)
			}
			return token, nil
		},
	}
}

// Targets are the accounts the command line names: each --profile (or $LDACCESS_PROFILE),
// else the global flags.
func (a *Accounts) Targets() ([]Target, error) {
	names := a.Flags.Profiles
	if len(names) == 0 {
		if p := strings.TrimSpace(a.Getenv("LDACCESS_PROFILE")); p != "" {
			names = []string{p}
		}
	}
	if len(names) == 0 {
		return []Target{a.FlagsTarget()}, nil
	}
	cfg, err := a.LoadConfig()
	if err != nil {
		return nil, err
	}
	var ts []Target
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return nil, clierr.Usagef("profile %q is named twice", n)
		}
		seen[n] = true
		p, ok := cfg.Profiles[n]
		if !ok {
			return nil, cfg.UnknownProfile(n)
		}
		ts = append(ts, a.ProfileTarget(n, p))
	}
	return ts, a.checkAccountFlags(ts)
}

// AllProfiles are the accounts of every profile (audit --all-profiles).
func (a *Accounts) AllProfiles() ([]Target, error) {
	if len(a.Flags.Profiles) > 0 {
		return nil, clierr.Usagef("--all-profiles and --profile cannot be used together")
	}
	cfg, err := a.LoadConfig()
	if err != nil {
		return nil, err
	}
	if len(cfg.Profiles) == 0 {
		return nil, clierr.Usagef("--all-profiles: %s has no profiles (add one with ldaccess profile add)", cfg.Path)
	}
	var ts []Target
	for _, n := range cfg.Names() {
		ts = append(ts, a.ProfileTarget(n, cfg.Profiles[n]))
	}
	return ts, a.checkAccountFlags(ts)
}

// LoadConfig reads the profiles. The variables their tokens come from (token-env) are kept
// out of every command the run starts, whichever profile it uses.
func (a *Accounts) LoadConfig() (config.Config, error) {
	dir, err := config.Dir(a.Getenv)
	if err != nil {
		return config.Config{}, err
	}
	cfg, err := config.Load(dir)
	for _, p := range cfg.Profiles {
		a.Shell.KeepOut(p.TokenEnv, "")
	}
	return cfg, err
}

// checkAccountFlags refuses the flags that name one account's place or token when several
// accounts are reviewed: they would send every profile's token to one place.
func (a *Accounts) checkAccountFlags(ts []Target) error {
	if len(ts) < 2 {
		return nil
	}
	for _, f := range []string{"token", "base-url", "instance"} {
		if a.Given(f) {
			return clierr.Usagef("--%s applies to one account: give it with one --profile, not %d", f, len(ts))
		}
	}
	return nil
}

// ProfileTarget is the account of a profile. Global flags given on the command line win over
// the profile's settings.
func (a *Accounts) ProfileTarget(name string, p config.Profile) Target {
	f := a.Flags
	t := Target{
		Profile: name, Instance: p.Instance, BaseURL: p.BaseURL, APIVersion: p.APIVersion,
		Fake: p.Fake, FakeMembers: p.FakeMembers, FakeTokens: p.FakeTokens, FakeSeed: p.FakeSeed,
		from: func(setting string) string {
			if a.Given(setting) {
				return "--" + setting
			}
			return fmt.Sprintf("profile %s's %s", name, setting)
		},
	}
	defaults := DefaultFlags()
	if t.Instance == "" {
		t.Instance = defaults.Instance
	}
	if t.FakeMembers == 0 {
		t.FakeMembers = defaults.FakeMembers
	}
	if t.FakeSeed == 0 {
		t.FakeSeed = defaults.FakeSeed
	}
	for flag, override := range map[string]func(){
		"instance":     func() { t.Instance = f.Instance },
		"base-url":     func() { t.BaseURL = f.BaseURL },
		"api-version":  func() { t.APIVersion = f.APIVersion },
		"fake":         func() { t.Fake = f.Fake },
		"fake-members": func() { t.FakeMembers = f.FakeMembers },
		"fake-tokens":  func() { t.FakeTokens = f.FakeTokens },
		"fake-seed":    func() { t.FakeSeed = f.FakeSeed },
	} {
		if a.Given(flag) {
			override()
		}
	}
	t.token = func(ctx context.Context) (string, error) {
		if a.Given("token") {
			return f.Token, nil
		}
		return a.profileToken(ctx, name, p)
	}
	return t
}
