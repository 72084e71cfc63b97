package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/tokenshape"
)

// Parse reads a config file, YAML or (named *.json) JSON. It is decoded into nodes and checked
// by hand, so that every mistake is reported where it is — "config.yaml:4:5: profile "prod":
// unknown setting "instnace"" — in the file's own words: the profile, the setting, what it
// wants.
func Parse(path string, data []byte) (Config, error) {
	cfg := Config{Path: path, Profiles: map[string]Profile{}}
	if isJSON(path) {
		if err := checkJSON(path, data); err != nil {
			return cfg, err
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return cfg, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil // an empty file
	}
	if n := tokenNode(&doc); n != nil {
		return cfg, at(path, n, "%s", errTokenInFile)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return cfg, at(path, root, `the file must be a map with "profiles" at the top`)
	}
	for i := 0; i < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		if key.Value != "profiles" {
			return cfg, at(path, key, `unknown setting %q at the top (only "profiles")`, key.Value)
		}
		if err := cfg.parseProfiles(path, val); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// parseProfiles reads the map of profiles, in the file's order, so that the first mistake
// reported is the first in the file.
func (c *Config) parseProfiles(path string, profiles *yaml.Node) error {
	if isNull(profiles) {
		return nil
	}
	if profiles.Kind != yaml.MappingNode {
		return at(path, profiles, "profiles must be a map of names to settings")
	}
	for i := 0; i < len(profiles.Content); i += 2 {
		name, settings := profiles.Content[i], profiles.Content[i+1]
		if _, dup := c.Profiles[name.Value]; dup {
			return at(path, name, "profile %q is there twice", name.Value)
		}
		p, err := parseProfile(path, name.Value, settings)
		if err != nil {
			return err
		}
		if err := p.Check(); err != nil {
			return at(path, name, "profile %q: %v", name.Value, err)
		}
		c.Profiles[name.Value] = p
	}
	return nil
}

func parseProfile(path, name string, settings *yaml.Node) (Profile, error) {
	var p Profile
	if isNull(settings) {
		return p, nil
	}
	if settings.Kind != yaml.MappingNode {
		return p, at(path, settings, "profile %q must be a map of settings", name)
	}
	for i := 0; i < len(settings.Content); i += 2 {
		key, val := settings.Content[i], settings.Content[i+1]
		var v any
		if val.Kind != yaml.ScalarNode || val.Decode(&v) != nil {
			v = nil // a map or a list where a value should be: the type check below says so
		}
		if err := p.set(key.Value, v); err != nil {
			return p, at(path, key, "profile %q: %v", name, err)
		}
	}
	return p, nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// errTokenInFile refuses a config file that holds a token, wherever it is: as a setting's
// value, a setting's name or a profile's name. The message never quotes it.
const errTokenInFile = "holds what looks like an access token (api- and a UUID), which ldaccess never reads from " +
	"the config file: remove it, and store the token with ldaccess profile add NAME --keyring, or name an environment variable " +
	"(token-env) or a command (token-command) that gives it"

// tokenNode is the first node of the document, key or value, that holds something shaped like
// an access token, nil if none does.
func tokenNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode && tokenshape.In(n.Value) {
		return n
	}
	for _, c := range n.Content {
		if t := tokenNode(c); t != nil {
			return t
		}
	}
	return nil
}

// at is a usage error at n's place in the file: "path:line:column: message".
func at(path string, n *yaml.Node, format string, args ...any) error {
	return clierr.Usagef("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// yamlError places a YAML syntax error at its line, which the YAML library puts in its
// message.
func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, cerr := strconv.Atoi(num); cerr == nil {
				return clierr.Usagef("%s:%d: not valid YAML: %s", path, line, text)
			}
		}
	}
	return clierr.Usagef("%s: not valid YAML: %s", path, msg)
}

// checkJSON refuses a .json file that is not JSON (YAML, which reads the rest, would take
// more), saying where.
func checkJSON(path string, data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line, col := position(data, syntax.Offset-1) // Offset is just past the byte at fault
		return clierr.Usagef("%s:%d:%d: not valid JSON: %v", path, line, col, err)
	}
	return clierr.Usagef("%s: not valid JSON: %v", path, err)
}

// position is the line and column (from 1) of the byte at offset (from 0).
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// setters set each setting of a profile from its decoded value; an error says what the
// setting must be.
var setters = map[string]func(p *Profile, val any) error{
	"instance":              func(p *Profile, v any) error { return setString(&p.Instance, v) },
	"base-url":              func(p *Profile, v any) error { return setString(&p.BaseURL, v) },
	"token-env":             func(p *Profile, v any) error { return setString(&p.TokenEnv, v) },
	"token-keyring":         func(p *Profile, v any) error { return setBool(&p.TokenKeyring, v) },
	"token-command":         func(p *Profile, v any) error { return setString(&p.TokenCommand, v) },
	"token-command-timeout": func(p *Profile, v any) error { return setString(&p.TokenCommandTimeout, v) },
	"fake":                  func(p *Profile, v any) error { return setBool(&p.Fake, v) },
	"fake-seed":             func(p *Profile, v any) error { return setInt(&p.FakeSeed, v) },
	"fake-members": func(p *Profile, v any) error {
		var n int64
		err := setInt(&n, v)
		p.FakeMembers = int(n)
		return err
	},
	"fake-tokens": func(p *Profile, v any) error {
		var n int64
		err := setInt(&n, v)
		p.FakeTokens = int(n)
		return err
	},
	"api-version": func(p *Profile, v any) error {
		var n int64
		if setInt(&n, v) == nil { // 20240415 unquoted reads as a number
			p.APIVersion = strconv.FormatInt(n, 10)
			return nil
		}
		return setString(&p.APIVersion, v)
	},
}

// secretKeys are the settings people write a token under: refused, never read.
var secretKeys = []string{"token", "access-token", "api-key", "secret"}

// set sets one setting from a decoded value.
func (p *Profile) set(key string, val any) error {
	if set, ok := setters[key]; ok {
		if err := set(p, val); err != nil {
			return fmt.Errorf("%s %w", key, err)
		}
		return nil
	}
	if slices.Contains(secretKeys, key) {
		return fmt.Errorf("holds a token in clear text (%s), which ldaccess never reads from the config file: "+
			"remove it and store the token with ldaccess profile add NAME --keyring, or name an environment variable (token-env) or a command (token-command)", key)
	}
	return fmt.Errorf("unknown setting %q; the settings are %s", key, strings.Join(Keys, ", "))
}

func setString(dst *string, val any) error {
	s, ok := val.(string)
	if !ok {
		return errors.New("must be a string")
	}
	*dst = s
	return nil
}

func setBool(dst *bool, val any) error {
	b, ok := val.(bool)
	if !ok {
		return errors.New("must be true or false")
	}
	*dst = b
	return nil
}

func setInt(dst *int64, val any) error {
	switch n := val.(type) {
	case int:
		*dst = int64(n)
		return nil
	case int64:
		*dst = n
		return nil
	case float64:
		if n == float64(int64(n)) {
			*dst = int64(n)
			return nil
		}
	}
	return errors.New("must be a whole number")
}
