package shell

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No command ldaccess runs gets a token: not by the variables tokens come from, not by a
// variable holding a token the run uses, and an --exec not by one holding anything shaped
// like a token.
func TestEnvKeepsTokensOut(t *testing.T) {
	const inUse = "not-shaped-like-a-token-0123456789"
	r := &Runner{Environ: func() []string {
		return []string{
			"PATH=/usr/bin", "HOME=/home/x", "VAULT_ADDR=https://vault.example",
			"LD_ACCESS_TOKEN=anything", "ld_access_token=x",
			"LD_PROD_TOKEN=api-5f0b3c1e-7a2d-4b86-9e4f-c3d8a1b6e207",
			"LD_EU_TOKEN=",
			"COPY=" + inUse, "HEADER=Authorization: " + inUse,
			"OTHER_ACCOUNT=api-11111111-2222-4333-8444-555555555555",
		}
	}}
	r.KeepOut("LD_EU_TOKEN", "")
	r.KeepOut("", " "+inUse+"\n")
	env, left := r.Env(true)
	assert.Equal(t, []string{"PATH=/usr/bin", "HOME=/home/x", "VAULT_ADDR=https://vault.example"}, env)
	assert.Equal(t, []string{"LD_ACCESS_TOKEN", "ld_access_token", "LD_PROD_TOKEN", "LD_EU_TOKEN", "COPY", "HEADER", "OTHER_ACCOUNT"}, left)

	// A token-command may read a token the run does not use (the one it is to print).
	_, left = r.Env(false)
	assert.Equal(t, []string{"LD_ACCESS_TOKEN", "ld_access_token", "LD_EU_TOKEN", "COPY", "HEADER"}, left)
}

// A command printed for the user to run reads back, through the shell, as it was.
func TestQuote(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("reading a quoted line back needs bash")
	}
	for _, s := range []string{"plain-id_0.9", "vault kv put secret/ld token=-", "it's", `a"b\c$d`, "", "two\nlines", "tab\there", "evil\u202egpj", "esc\x1b[2J"} {
		q := Quote(s)
		assert.NotContains(t, q, "\n", "%q", s)
		out, err := exec.Command("bash", "-c", "printf %s "+q).Output()
		require.NoError(t, err, "%q quoted %s", s, q)
		assert.Equal(t, s, string(out), "quoted %s", q)
	}
	assert.Equal(t, "plain-id_0.9", Quote("plain-id_0.9"))
	assert.Equal(t, `'it'\''s'`, Quote("it's"))
}
