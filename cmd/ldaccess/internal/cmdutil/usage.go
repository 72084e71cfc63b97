package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Usage prints a command's usage, as cobra's default does, except that a subcommand's help
// names the global flags in one line instead of repeating them above its own, and a boolean
// flag reads --flag (pflag would print --flag[=true|false]). Set on the root, it serves every
// command.
func Usage(c *cobra.Command) error {
	_, err := fmt.Fprint(c.OutOrStderr(), usageText(c))
	return err
}

func usageText(c *cobra.Command) string {
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() {
		b.WriteString("\n  " + c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [command]")
	}
	if c.HasExample() {
		b.WriteString("\n\nExamples:\n" + c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nAvailable Commands:")
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				fmt.Fprintf(&b, "\n  %-*s %s", s.NamePadding(), s.Name(), s.Short)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nFlags:\n" + FlagUsages(c.LocalFlags()))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(&b, "\n\nGlobal flags (--profile, --token, --instance, --base-url, --format, --fake …) work here too:\nsee \"%s --help\".", c.Root().Name())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\n\nUse \"%s [command] --help\" for more information about a command.", c.CommandPath())
	}
	return b.String() + "\n"
}

// FlagUsages lists the flags of fs, one a line, their descriptions aligned: "-y, --yes",
// "--timeout duration", and the default when it is not the zero value.
func FlagUsages(fs *pflag.FlagSet) string {
	type line struct{ left, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if name != "" {
			left += " " + name
		}
		if def := f.DefValue; !isZeroDefault(def) {
			if f.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			usage += " (default " + def + ")"
		}
		lines = append(lines, line{left, usage})
		width = max(width, len(left))
	})
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n")
		}
		indent := strings.Repeat(" ", width+3)
		fmt.Fprintf(&b, "%-*s   %s", width, l.left, strings.ReplaceAll(l.usage, "\n", "\n"+indent))
	}
	return b.String()
}

// isZeroDefault reports whether a flag's default is not worth printing.
func isZeroDefault(def string) bool {
	switch def {
	case "", "false", "0", "[]", "0s":
		return true
	}
	return false
}
