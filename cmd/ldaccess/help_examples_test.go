package main

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/root"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/ldcmd"
)

// TestHelpExamplesRun runs every example of every command's --help, as TestREADMECommands
// runs the README's commands: each as written, in the order help shows them, against the
// account --fake seeds (with the files they name: a policy, a CSV of leavers), each ending
// with exit code 0 unless its comment promises another. The commands that use profiles find
// two, prod and demo; the profile commands' own examples run last, on a config of their own.
func TestHelpExamplesRun(t *testing.T) {
	t.Parallel()
	var script, profiles strings.Builder
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		cmds, err := readmeCommands("```sh\n" + c.Example + "\n```\n")
		require.NoError(t, err, "%s --help", c.CommandPath())
		n += len(cmds)
		for i := range cmds {
			cmds[i].line = 0
			cmds[i].text = c.CommandPath() + " --help: " + cmds[i].text
		}
		block, err := readmeScript(cmds, closedAddr)
		require.NoError(t, err)
		// Each command's examples are a story of their own, told in a directory of its own.
		dir := strings.ReplaceAll(c.CommandPath(), " ", "-")
		to := &script
		if strings.HasPrefix(c.CommandPath(), "ldaccess profile") {
			to = &profiles
		}
		fmt.Fprintf(to, "\nmkdir $WORK/%s\ncp $WORK/policy.json $WORK/offboard-policy.json $WORK/leavers.csv $WORK/%[1]s\ncd $WORK/%[1]s\n%s", dir, block)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	f := ldcmd.NewFactory(iostreams.New(strings.NewReader(""), io.Discard, io.Discard), func(string) string { return "" }, nil)
	walk(root.NewCmdRoot(f))
	require.GreaterOrEqual(t, n, 25, "that many examples: is the walk missing some?")

	all := "env XDG_CONFIG_HOME=$WORK/config\n" +
		"readme 0 --base-url $FAKE_URL profile add prod --token-env LD_PROD_TOKEN\n" +
		"readme 0 profile add demo --fake --fake-members 300\n" +
		script.String() + "\nenv XDG_CONFIG_HOME=$WORK/fresh-config\n" + profiles.String() + helpExampleFiles
	testscript.Run(t, readmeParams(t, "help-examples.txtar", all))
}

// helpExampleFiles are the files the examples name.
const helpExampleFiles = `
-- policy.json --
{"rules": [
  {"finding": "stale", "action": "delete-token"},
  {"finding": "admin-without-mfa", "action": "set-role", "role": "reader"}
]}
-- offboard-policy.json --
{"rules": [{"finding": "owner-gone", "action": "delete-token"}]}
-- leavers.csv --
email,last day
kira.hansen@contractor.dev,2026-05-29
`
