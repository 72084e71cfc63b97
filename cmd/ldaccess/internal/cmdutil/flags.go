package cmdutil

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/review"
)

// Enum is a flag's vocabulary: the values it takes (from the generated code wherever the
// contract enumerates them: see vocab.go).
type Enum struct {
	Values []string
	// Hint, when set, explains a value that is not one of Values, if it can: what the user
	// may have meant instead.
	Hint func(value string) string
}

// check reports v not being one of the values.
func (e Enum) check(v string) error {
	if slices.Contains(e.Values, v) {
		return nil
	}
	msg := fmt.Sprintf("must be %s, not %q", OrList(e.Values), v)
	if e.Hint != nil {
		if h := e.Hint(v); h != "" {
			msg = h
		}
	}
	return errors.New(msg)
}

// EnumFlag defines --name, whose value must be one of e's: anything else is a usage error
// while flags are parsed, naming the flag and the values. The shell completes the values.
func EnumFlag[T ~string](cmd *cobra.Command, p *T, name, shorthand string, def T, e Enum, usage string) *pflag.Flag {
	return enumFlag(cmd, cmd.Flags(), p, name, shorthand, def, e, usage)
}

// PersistentEnumFlag is EnumFlag for a flag of cmd and every command under it.
func PersistentEnumFlag[T ~string](cmd *cobra.Command, p *T, name, shorthand string, def T, e Enum, usage string) *pflag.Flag {
	return enumFlag(cmd, cmd.PersistentFlags(), p, name, shorthand, def, e, usage)
}

func enumFlag[T ~string](cmd *cobra.Command, fs *pflag.FlagSet, p *T, name, shorthand string, def T, e Enum, usage string) *pflag.Flag {
	*p = def
	f := fs.VarPF(&enumValue[T]{p: p, enum: e}, name, shorthand, usage)
	completeWith(cmd, name, e.Values)
	return f
}

// EnumSliceFlag defines --name, repeatable or comma-separated, each value one of e's.
func EnumSliceFlag[T ~string](cmd *cobra.Command, p *[]T, name string, e Enum, usage string) *pflag.Flag {
	f := cmd.Flags().VarPF(&enumSliceValue[T]{p: p, enum: e}, name, "", usage)
	completeWith(cmd, name, e.Values)
	return f
}

func completeWith(cmd *cobra.Command, name string, values []string) {
	// An error means the flag already has a completion: a programming error tests catch.
	if err := cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)); err != nil {
		panic(err)
	}
}

type enumValue[T ~string] struct {
	p    *T
	enum Enum
}

func (v *enumValue[T]) String() string { return string(*v.p) }
func (v *enumValue[T]) Type() string   { return strings.Join(v.enum.Values, "|") }
func (v *enumValue[T]) Set(s string) error {
	if err := v.enum.check(s); err != nil {
		return err
	}
	*v.p = T(s)
	return nil
}

type enumSliceValue[T ~string] struct {
	p    *[]T
	enum Enum
}

func (v *enumSliceValue[T]) String() string { return strings.Join(stringsOf(*v.p), ",") }
func (v *enumSliceValue[T]) Type() string   { return strings.Join(v.enum.Values, ",") }
func (v *enumSliceValue[T]) Set(s string) error {
	for _, e := range SplitList([]string{s}) {
		if err := v.enum.check(e); err != nil {
			return err
		}
		if !slices.Contains(*v.p, T(e)) {
			*v.p = append(*v.p, T(e))
		}
	}
	return nil
}

// DurationFlag defines --name, a duration in days ("90d"), weeks ("2w") or Go's form ("36h",
// "90m"), which must be positive: a negative or zero one is a usage error naming the flag.
func DurationFlag(fs *pflag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) *pflag.Flag {
	return DurationFlagHint(fs, p, name, def, "", usage)
}

// DurationFlagHint is DurationFlag whose refusal of a negative or zero duration ends with
// hint: what to type instead ("for no practical limit, give a long one such as 24h").
func DurationFlagHint(fs *pflag.FlagSet, p *time.Duration, name string, def time.Duration, hint, usage string) *pflag.Flag {
	*p = def
	return fs.VarPF(&durationValue{p: p, hint: hint}, name, "", usage)
}

type durationValue struct {
	p    *time.Duration
	hint string
}

// String is the duration as people write it: "90d", "2h", "5m", "90m30s".
func (v *durationValue) String() string { return iostreams.Duration(*v.p) }
func (v *durationValue) Type() string   { return "duration" }
func (v *durationValue) Set(s string) error {
	if strings.HasPrefix(strings.TrimSpace(s), "-") {
		return v.refuse("must not be negative")
	}
	d, err := review.ParseAge(s)
	switch {
	case err != nil:
		return errors.New("want a number of days like 90d, weeks like 2w, or a duration like 36h or 90m")
	case d == 0:
		return v.refuse("must be more than 0")
	}
	*v.p = d
	return nil
}

func (v *durationValue) refuse(why string) error {
	if v.hint != "" {
		why += ": " + v.hint
	}
	return errors.New(why)
}

// OrList lists values for a sentence: "a", "a or b", "a, b or c".
func OrList(values []string) string {
	switch len(values) {
	case 0:
		return "nothing"
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// LimitFlag adds --limit: list at most this many, 0 for all; a negative number is refused
// while flags are parsed.
func LimitFlag(cmd *cobra.Command, p *int) *pflag.Flag {
	return cmd.Flags().VarPF(&limitValue{p: p}, "limit", "", "list at most this many (0 for all)")
}

type limitValue struct{ p *int }

func (v *limitValue) String() string { return strconv.Itoa(*v.p) }
func (v *limitValue) Type() string   { return "int" }
func (v *limitValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err != nil:
		return errors.New("want a whole number")
	case n < 0:
		return errors.New("must not be negative")
	}
	*v.p = n
	return nil
}
