package completion

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
)

func TestNewCmdCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_ldaccess", "zsh": "#compdef ldaccess", "fish": "complete -c ldaccess", "powershell": "Register-ArgumentCompleter"} {
		cmd := NewCmdCompletion()
		cmd.Root().Use = "ldaccess"
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs([]string{shell})
		require.NoError(t, cmd.Execute(), shell)
		assert.Contains(t, out.String(), want, shell)
	}
	err := cmdtest.Execute(NewCmdCompletion(), "tcsh")
	assert.ErrorContains(t, err, `completion takes bash, zsh, fish or powershell, not "tcsh"`)
	err = cmdtest.Execute(NewCmdCompletion())
	assert.ErrorContains(t, err, "takes one shell")
}
