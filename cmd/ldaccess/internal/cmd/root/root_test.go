package root

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// The global flags, from argv to the settings the commands read (version is the command: it
// needs nothing else).
func TestGlobalFlags(t *testing.T) {
	f, _ := cmdtest.NewFactory(t, "")
	err := cmdtest.Execute(NewCmdRoot(f), "--format", "json", "--fields", "a,b", "--wide", "--instance", "eu", "--token", "api-x",
		"--base-url", "https://ld.example.com", "--api-version", "20240415", "--fake-members", "12", "--fake-tokens", "3",
		"--fake-seed", "9", "--fake-scim", "--timeout", "2m", "version")
	require.NoError(t, err)
	assert.Equal(t, render.Settings{Format: render.JSON, Fields: []string{"a", "b"}, Wide: true}, *f.Output)
	assert.Equal(t, connect.Flags{Token: "api-x", BaseURL: "https://ld.example.com", Instance: "eu", APIVersion: "20240415",
		FakeMembers: 12, FakeTokens: 3, FakeSeed: 9, FakeSCIM: true}, f.Accounts.Flags)
	assert.True(t, f.Accounts.Given("token"))
	assert.False(t, f.Accounts.Given("profile"))

	f, _ = cmdtest.NewFactory(t, "")
	require.NoError(t, cmdtest.Execute(NewCmdRoot(f), "version"))
	assert.Equal(t, render.Settings{Format: render.Table}, *f.Output, "the defaults")
	assert.Equal(t, connect.DefaultFlags(), f.Accounts.Flags, "the defaults")

	for _, tt := range []struct{ argv, want string }{
		{"--format xml version", `invalid argument "xml" for "-o, --format" flag: must be table, json, csv or html, not "xml"`},
		{"-o wide version", `there is no "wide" format: --wide shows every column in full`},
		{"--instance us version", `invalid argument "us" for "--instance" flag: must be commercial, eu or federal, not "us"`},
		{"--timeout -1s version", `invalid argument "-1s" for "--timeout" flag: must not be negative: give how long the command may take, such as 30m, or for a long run 24h`},
		{"--timeout 0 version", `invalid argument "0" for "--timeout" flag: must be more than 0: give how long the command may take, such as 30m, or for a long run 24h`},
		{"--timeout 0s version", `"--timeout" flag: must be more than 0`},
		{"--fields email version", "--fields selects JSON fields: use it with --format json"},
		{"--format html tokens list", "--format html is only for audit; tokens list prints table, json or csv"},
		{"--profile a --profile b members list", "--profile can be given once, except to audit"},
	} {
		f, _ := cmdtest.NewFactory(t, "")
		err := cmdtest.Execute(NewCmdRoot(f), strings.Fields(tt.argv)...)
		assert.ErrorContains(t, err, tt.want, tt.argv)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), tt.argv)
	}
}

// --timeout bounds the command's context (0, once no limit, is refused: see
// TestGlobalFlags); serve-fake is never bounded.
func TestTimeoutBoundsTheCommand(t *testing.T) {
	deadline := func(argv ...string) bool {
		f, _ := cmdtest.NewFactory(t, "")
		root := NewCmdRoot(f)
		var has bool
		ver, _, err := root.Find([]string{"version"})
		require.NoError(t, err)
		ver.RunE = func(cmd *cobra.Command, _ []string) error {
			_, has = cmd.Context().Deadline()
			return nil
		}
		require.NoError(t, cmdtest.Execute(root, append(argv, "version")...))
		return has
	}
	assert.True(t, deadline(), "the default, 5m")
	assert.True(t, deadline("--timeout", "90s"))
}

// Every flag of every command reads --flag in help, never --flag[=true|false], and every
// command's RunE errors are marked as its own.
func TestHelpShowsBooleansAsFlags(t *testing.T) {
	f, _ := cmdtest.NewFactory(t, "")
	root := NewCmdRoot(f)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		help := c.UsageString()
		assert.NotContains(t, help, "[=true|false]", c.CommandPath())
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fl.Value.Type() == "bool" && !fl.Hidden {
				assert.Regexp(t, `--`+fl.Name+` {3,}`, help, "%s --%s", c.CommandPath(), fl.Name)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// Every command's help fits the terminal: on one 80 columns wide (and in a pipe, which gets
// 80) no line is wider, but for its examples, which are command lines to copy whole; on one
// 60 wide, none but a word too long for a line.
func TestHelpFitsTheTerminal(t *testing.T) {
	for _, width := range []int{0, 80, 60} {
		f, st := cmdtest.NewFactory(t, "")
		if width > 0 {
			f.IOStreams.SetStdoutTTY(true)
			f.IOStreams.SetTerminalWidth(width)
		}
		root := NewCmdRoot(f)
		root.SetOut(f.IOStreams.Out)
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			st.Out.Reset()
			c.InitDefaultHelpFlag()
			require.NoError(t, c.Help())
			help := st.Out.String()
			require.NotEmpty(t, help, c.CommandPath())
			in := max(width, 80)
			examples := false
			for _, l := range strings.Split(help, "\n") {
				switch {
				case strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " "):
					examples = l == "Examples:"
				case examples || runewidth.StringWidth(l) <= in:
				case !strings.Contains(strings.TrimSpace(l), " "): // one word, too long for any line
				default:
					assert.Fail(t, "a line wider than the terminal", "%s --help at %d: %q", c.CommandPath(), width, l)
				}
			}
			for _, s := range c.Commands() {
				walk(s)
			}
		}
		walk(root)
	}
}

// A list's row (an exit code, a command, a flag) in any command's help wraps only where the
// terminal makes it: a line under its description column continues the row above only when
// its first word would not fit there, so that one row never reads as two.
func TestHelpListRowsWrapOnlyWhereTheyMust(t *testing.T) {
	const width = 80
	f, st := cmdtest.NewFactory(t, "")
	f.IOStreams.SetStdoutTTY(true)
	f.IOStreams.SetTerminalWidth(width)
	root := NewCmdRoot(f)
	root.SetOut(f.IOStreams.Out)
	row := regexp.MustCompile(`^( +\S(?:.*?\S)? {2,})\S`) // a row: indented text, a gap, its description
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		st.Out.Reset()
		c.InitDefaultHelpFlag()
		require.NoError(t, c.Help())
		descCol, prev := 0, ""
		for _, l := range strings.Split(st.Out.String(), "\n") {
			body := strings.TrimLeft(l, " ")
			switch indent := len(l) - len(body); {
			case descCol > 0 && indent == descCol && body != "":
				first, _, _ := strings.Cut(body, " ")
				assert.Greater(t, runewidth.StringWidth(prev)+1+runewidth.StringWidth(first), width,
					"%s --help: %q goes on a line of its own, but fits after %q", c.CommandPath(), l, prev)
			case row.MatchString(l):
				descCol = runewidth.StringWidth(row.FindStringSubmatch(l)[1])
			default:
				descCol = 0
			}
			prev = l
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}
