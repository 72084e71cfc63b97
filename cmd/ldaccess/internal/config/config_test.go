package config

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/tokenshape"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, path, data string
		want             map[string]Profile
		wantErr          string
	}{
		{name: "yaml", path: "config.yaml", data: `
profiles:
  prod:
    instance: eu
    api-version: 20240415
    token-command: op read op://ops/ld/token
    token-command-timeout: 30s
  demo: {fake: true, fake-seed: 3, fake-members: 40}
`, want: map[string]Profile{
			"prod": {Instance: "eu", APIVersion: "20240415", TokenCommand: "op read op://ops/ld/token", TokenCommandTimeout: "30s"},
			"demo": {Fake: true, FakeSeed: 3, FakeMembers: 40},
		}},
		{name: "json", path: "config.json", data: `{"profiles":{"x":{"base-url":"https://ld.example.com","token-env":"X"}}}`,
			want: map[string]Profile{"x": {BaseURL: "https://ld.example.com", TokenEnv: "X"}}},
		{name: "empty", path: "config.yaml", data: "", want: map[string]Profile{}},
		{name: "no settings", path: "config.yaml", data: "profiles:\n  bare:\n", want: map[string]Profile{"bare": {}}},
		// Every mistake is placed: file, line and column, in the file's words.
		{name: "a token in clear text", path: "config.yaml", data: "profiles:\n  p:\n    instance: eu\n    token: api-123\n",
			wantErr: `config.yaml:4:5: profile "p": holds a token in clear text (token)`},
		{name: "an api key in clear text", path: "config.json", data: "{\"profiles\": {\n  \"p\": {\"api-key\": \"api-123\"}}}",
			wantErr: `config.json:2:9: profile "p": holds a token in clear text (api-key)`},
		{name: "unknown setting", path: "config.yaml", data: "profiles:\n  p:\n    colour: red", wantErr: `config.yaml:3:5: profile "p": unknown setting "colour"; the settings are instance,`},
		{name: "unknown top level", path: "config.yaml", data: "profiles: {}\ndefault: p\n", wantErr: `config.yaml:2:1: unknown setting "default" at the top`},
		{name: "wrong type", path: "config.yaml", data: "profiles: {p: {fake: yes please}}", wantErr: "config.yaml:1:16: profile \"p\": fake must be true or false"},
		{name: "a map for a value", path: "config.yaml", data: "profiles:\n  p:\n    base-url: {a: b}\n", wantErr: "config.yaml:3:5: profile \"p\": base-url must be a string"},
		{name: "two token sources", path: "config.yaml", data: "profiles:\n  p: {token-env: A, token-keyring: true}", wantErr: "config.yaml:2:3: profile \"p\": give one of token-env, token-keyring, token-command or fake"},
		{name: "bad instance", path: "config.yaml", data: "profiles:\n\n  p: {instance: us}", wantErr: `config.yaml:3:3: profile "p": instance must be commercial, eu or federal, not "us"`},
		{name: "bad timeout", path: "config.yaml", data: "profiles: {p: {token-command: x, token-command-timeout: soon}}", wantErr: `token-command-timeout "soon" is not a positive duration`},
		{name: "zero timeout", path: "config.yaml", data: "profiles: {p: {token-command: x, token-command-timeout: 0s}}", wantErr: `token-command-timeout "0s" is not a positive duration`},
		{name: "profiles not a map", path: "config.yaml", data: "profiles: [a, b]", wantErr: "config.yaml:1:11: profiles must be a map"},
		{name: "a profile twice", path: "config.json", data: `{"profiles": {"p": {}, "p": {}}}`, wantErr: `config.json:1:24: profile "p" is there twice`},
		{name: "not YAML", path: "config.yaml", data: "profiles:\n  p: [\n", wantErr: "config.yaml:2: not valid YAML: did not find expected node content"},
		{name: "not JSON", path: "config.json", data: "{\n  \"profiles\": {,\n}", wantErr: "config.json:2:16: not valid JSON: invalid character ','"},
		{name: "YAML in a .json", path: "config.json", data: "profiles: {}", wantErr: "config.json:1:1: not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(tt.path, []byte(tt.data))
			if tt.wantErr != "" {
				var ue *clierr.UsageError
				require.ErrorAs(t, err, &ue)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.False(t, tokenshape.In(err.Error()), "a token quoted: %v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Profiles)
		})
	}
}

// What profile add saves, the next command reads, in YAML and JSON, and the file is the
// user's alone.
func TestSaveAndLoad(t *testing.T) {
	for _, name := range []string{"config.yaml", "config.json"} {
		dir := filepath.Join(t.TempDir(), "ldaccess")
		cfg := Config{Path: filepath.Join(dir, name), Profiles: map[string]Profile{
			"a": {Instance: "federal", TokenKeyring: true},
			"b": {Fake: true, FakeSeed: 9, FakeMembers: 12},
		}}
		require.NoError(t, cfg.Save())
		back, err := Load(dir)
		require.NoError(t, err)
		assert.Equal(t, cfg, back)
		if runtime.GOOS != "windows" {
			fi, err := os.Stat(cfg.Path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		}
	}
	empty, err := Load(t.TempDir())
	require.NoError(t, err)
	assert.Empty(t, empty.Profiles)
}

// FuzzParse: nothing a config file holds panics the parser, and every refusal is a usage
// error that quotes nothing shaped like a token.
func FuzzParse(f *testing.F) {
	const tok = "api-3b9f6c2d-8e1a-4f7b-b5c0-9d4e2a7f1c63"
	for _, seed := range []string{"", "profiles: {p: {instance: eu}}", "profiles:\n  p:\n    token: " + tok + "\n", `{"profiles": {"p": {"fake": true}}}`,
		"profiles: [", "- a\n- b", "profiles: {p: {fake-members: 1e99}}", "profiles: {? [a] : b}", "profiles: &a {p: *a}",
		tok + ":", "profiles: {" + tok + ": {}}", "profiles: {p: {" + tok + ": x}}", "profiles: {p: {instance: " + tok + "}}",
		`{"profiles": {"p": {"token-env": "` + tok + `"}}}`} {
		f.Add("config.yaml", seed)
		f.Add("config.json", seed)
	}
	f.Fuzz(func(t *testing.T, name, data string) {
		cfg, err := Parse(name, []byte(data))
		if err != nil {
			var ue *clierr.UsageError
			if !assert.ErrorAs(t, err, &ue) {
				return
			}
			assert.NotContains(t, err.Error(), "api-123")
			return
		}
		for n, p := range cfg.Profiles {
			assert.NoError(t, p.Check(), n)
		}
	})
}
