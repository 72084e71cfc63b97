package cmdutil

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/review"
)

// ExactArgs is cobra.ExactArgs with a message naming what is expected.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return clierr.Usagef("%s takes %s (got %d argument%s)", CmdName(cmd), what, len(args), Plural(len(args)))
		}
		return nil
	}
}

// MinArgs is cobra.MinimumNArgs with a message naming what is expected.
func MinArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return clierr.Usagef("%s takes %s", CmdName(cmd), what)
		}
		return nil
	}
}

// CmdName is the command's path without the program's name: "tokens get".
func CmdName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// Plural is the ending of a count's noun: "1 action", "2 actions".
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// PluralES is Plural for nouns ending in -es: "1 address", "2 addresses".
func PluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// GroupCmd is a command that only holds subcommands: run alone, or with an unknown subcommand,
// it is a usage error naming them.
func GroupCmd(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			if len(args) > 0 {
				return clierr.Usagef("unknown command %q for %q; want one of %s", args[0], cmd.CommandPath(), strings.Join(names, ", "))
			}
			return clierr.Usagef("%s needs a subcommand: %s", CmdName(cmd), strings.Join(names, ", "))
		},
	}
	c.AddCommand(subs...)
	return c
}

// SplitList turns repeated and comma-separated flag values into one list without blanks.
func SplitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// ParseWhen reads a point in time: a date ("2025-01-31"), an RFC 3339 time, or an age ("90d")
// meaning that long before now.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := review.ParseAge(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("invalid time %q: want a date like 2025-01-31, an RFC 3339 time, or an age like 90d", s)
}
