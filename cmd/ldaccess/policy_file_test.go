package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A policy reads the same from JSON and from YAML, and YAML is held to the same strict rules.
func TestPolicyFileJSONOrYAML(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	fromJSON, err := readPolicyFile(write("policy.json", `{"rules":[{"finding":"stale","action":"delete-token"},
		{"finding":"admin-without-mfa","action":"set-role","role":"reader"}],"never":["cto@example.com"]}`))
	require.NoError(t, err)
	fromYAML, err := readPolicyFile(write("policy.yaml", `
rules:
  - finding: stale
    action: delete-token
  - {finding: admin-without-mfa, action: set-role, role: reader}
never: [cto@example.com]
`))
	require.NoError(t, err)
	assert.Equal(t, fromJSON, fromYAML)

	_, err = readPolicyFile(write("typo.yml", "rules:\n  - finding: stale\n    acton: delete-token\n"))
	assert.ErrorContains(t, err, "acton", "a misspelt key is an error in YAML too")
	_, err = readPolicyFile(write("bad.yaml", "rules: [\n"))
	assert.Error(t, err)
}
