package cmdutil

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestParseWhen(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2025-01-31":           time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC),
		"2025-01-31T10:00:00Z": time.Date(2025, 1, 31, 10, 0, 0, 0, time.UTC),
		"10d":                  now.Add(-240 * time.Hour),
	} {
		got, err := ParseWhen(in, now)
		require.NoError(t, err, in)
		assert.True(t, got.Equal(want), "ParseWhen(%q) = %v, want %v", in, got, want)
	}
	_, err := ParseWhen("yesterday", now)
	assert.Error(t, err)
}

func TestSplitList(t *testing.T) {
	assert.Equal(t, []string{"a", "b", "c", "d"}, SplitList([]string{"a,b", " c ", "", "d,,"}))
}

// parse runs argv through a command with the flags add defines, returning the error.
func parse(add func(*cobra.Command), argv ...string) error {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	add(cmd)
	cmd.SetFlagErrorFunc(FlagError)
	cmd.SetArgs(argv)
	cmd.SetOut(&strings.Builder{})
	cmd.SetErr(&strings.Builder{})
	ran, err := cmd.ExecuteC()
	return Explain(ran, err)
}

func TestDurationFlags(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "1.5d": 36 * time.Hour, "45m": 45 * time.Minute,
	} {
		var d time.Duration
		require.NoError(t, parse(func(c *cobra.Command) { DurationFlag(c.Flags(), &d, "after", time.Hour, "") }, "--after", in), in)
		assert.Equal(t, want, d, in)
	}
	for in, want := range map[string]string{
		"-1s":  `invalid argument "-1s" for "--after" flag: must not be negative`,
		"-3d":  `invalid argument "-3d" for "--after" flag: must not be negative`,
		"0":    `invalid argument "0" for "--after" flag: must be more than 0`,
		"0d":   `invalid argument "0d" for "--after" flag: must be more than 0`,
		"soon": `invalid argument "soon" for "--after" flag: want a number of days like 90d, weeks like 2w, or a duration like 36h or 90m`,
		"1e9d": "want a number of days",
	} {
		var d time.Duration
		err := parse(func(c *cobra.Command) { DurationFlag(c.Flags(), &d, "after", time.Hour, "") }, "--after", in)
		assert.ErrorContains(t, err, want, in)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), in)
	}
	// A hint says what to type instead of a negative or zero duration.
	d := time.Minute
	hinted := func(c *cobra.Command) { DurationFlagHint(c.Flags(), &d, "timeout", time.Minute, "such as 24h", "") }
	assert.EqualError(t, parse(hinted, "--timeout", "0"), `invalid argument "0" for "--timeout" flag: must be more than 0: such as 24h`)
	assert.EqualError(t, parse(hinted, "--timeout", "-1s"), `invalid argument "-1s" for "--timeout" flag: must not be negative: such as 24h`)
	assert.Equal(t, time.Minute, d, "unchanged")
}

func TestEnumFlags(t *testing.T) {
	type role string
	var r role
	add := func(c *cobra.Command) {
		EnumFlag(c, &r, "role", "", "reader", Enum{Values: []string{"reader", "writer"}, Hint: func(v string) string {
			if v == "owner" {
				return "owners are made in the UI"
			}
			return ""
		}}, "the role")
	}
	require.NoError(t, parse(add, "--role", "writer"))
	assert.Equal(t, role("writer"), r)
	assert.EqualError(t, parse(add, "--role", "admin"), `invalid argument "admin" for "--role" flag: must be reader or writer, not "admin"`)
	assert.EqualError(t, parse(add, "--role", "owner"), `invalid argument "owner" for "--role" flag: owners are made in the UI`)

	var xs []string
	addSlice := func(c *cobra.Command) { EnumSliceFlag(c, &xs, "expand", Enum{Values: []string{"a", "b", "c"}}, "") }
	require.NoError(t, parse(addSlice, "--expand", "a,b", "--expand", "a"))
	assert.Equal(t, []string{"a", "b"}, xs)
	assert.EqualError(t, parse(addSlice, "--expand", "a,z"), `invalid argument "a,z" for "--expand" flag: must be a, b or c, not "z"`)

	var n int
	addLimit := func(c *cobra.Command) { LimitFlag(c, &n) }
	require.NoError(t, parse(addLimit, "--limit", "7"))
	assert.Equal(t, 7, n)
	assert.EqualError(t, parse(addLimit, "--limit", "-1"), `invalid argument "-1" for "--limit" flag: must not be negative`)
}

// cobra's flag groups refuse the command line; FlagGroupError says so in the command's words,
// from the same declarations.
func TestFlagGroups(t *testing.T) {
	add := func(c *cobra.Command) {
		var a, b, x, y bool
		var name string
		c.Flags().BoolVar(&a, "a", false, "")
		c.Flags().BoolVar(&b, "b", false, "")
		c.Flags().BoolVar(&x, "x", false, "")
		c.Flags().BoolVar(&y, "y", false, "")
		c.Flags().StringVar(&name, "name", "", "")
		_ = c.MarkFlagRequired("name")
		c.MarkFlagsOneRequired("a", "b")
		c.MarkFlagsMutuallyExclusive("a", "b")
		c.MarkFlagsRequiredTogether("x", "y")
	}
	for argv, want := range map[string]string{
		"--a":                  "--name is required",
		"--name n":             "give exactly one of --a or --b",
		"--name n --a --b":     "--a and --b cannot be used together",
		"--name n --a --x":     "--x needs --y",
		"--name n --b --x --y": "",
	} {
		err := parse(add, strings.Fields(argv)...)
		if want == "" {
			assert.NoError(t, err, argv)
			continue
		}
		assert.EqualError(t, err, want, argv)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), argv)
	}
}

func TestConfirmDestructive(t *testing.T) {
	ios := iostreams.New(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	err := CheckConfirmable(ios, false, "tokens delete")
	assert.EqualError(t, err, "tokens delete needs confirmation, and stdin is not a terminal: pass --yes to go ahead")
	assert.Equal(t, clierr.ExitUsage, clierr.Code(err))
	assert.NoError(t, CheckConfirmable(ios, true, "tokens delete"))
	ios.SetStdinTTY(true)
	assert.NoError(t, CheckConfirmable(ios, false, "tokens delete"))

	asked := 0
	question := func() (string, error) { asked++; return "Delete?", nil }
	require.NoError(t, ConfirmDestructive(context.Background(), answer(true), true, question))
	assert.Zero(t, asked, "--yes asks nothing")
	require.NoError(t, ConfirmDestructive(context.Background(), answer(true), false, question))
	assert.ErrorIs(t, ConfirmDestructive(context.Background(), answer(false), false, question), clierr.ErrDeclined)
	assert.Equal(t, 2, asked)
}

type answer bool

func (a answer) Confirm(context.Context, string) (bool, error) { return bool(a), nil }
func (a answer) Password(string) (string, error)               { return "", nil }

// CommandLine writes the command to run again as given: the global flags that were given
// (each value quoted for the shell, a repeated flag repeated), never --token's secret, then
// the command, its arguments and the local flags asked for, whatever order they came in.
func TestCommandLine(t *testing.T) {
	var got string
	root := &cobra.Command{Use: "ldaccess"}
	pf := root.PersistentFlags()
	pf.String("token", "", "")
	pf.String("base-url", "", "")
	pf.StringArray("profile", nil, "")
	pf.Bool("fake", false, "")
	pf.Bool("wide", true, "")
	var d time.Duration
	DurationFlag(pf, &d, "timeout", 5*time.Minute, "")
	apply := &cobra.Command{Use: "apply", RunE: func(cmd *cobra.Command, args []string) error {
		got = CommandLine(cmd, "apply", args, "exec", "yes", "missing")
		return nil
	}}
	apply.Flags().String("exec", "", "")
	apply.Flags().Bool("yes", false, "")
	apply.Flags().Bool("dry-run", false, "")
	root.AddCommand(apply)
	root.SetArgs([]string{"--token", "api-secret-0001", "apply", "--yes", "my plan.json", "--profile", "prod", "--profile", "it's",
		"--exec", "vault kv put secret/ld token=-", "--timeout", "2h", "--wide=false", "--dry-run"})
	require.NoError(t, root.Execute())
	assert.Equal(t, `ldaccess --profile prod --profile 'it'\''s' --timeout 2h --wide=false apply 'my plan.json' --exec 'vault kv put secret/ld token=-' --yes`, got)
	assert.NotContains(t, got, "api-secret")
}
