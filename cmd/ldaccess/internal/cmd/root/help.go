package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// Help and usage are printed as cobra's defaults print them, except that:
//
//   - they fit the terminal: prose paragraphs (lines that start at the margin) are reflowed
//     to its width, and any other line too long for it (a flag's description, a row of a
//     list) wraps at spaces under its own text column; in a pipe they fit 80 columns.
//     Examples are left as they are: a command line is copied whole;
//   - a subcommand's help names the global flags in one line instead of repeating them above
//     its own;
//   - a boolean flag reads --flag (pflag would print --flag[=true|false]).

// helpWidth is the width help is fitted to: the terminal's, up to maxHelpWidth, else 80.
func helpWidth(ios *iostreams.IOStreams) int {
	if w := ios.TerminalWidth(); w > 0 {
		return min(w, maxHelpWidth)
	}
	return 80
}

// maxHelpWidth bounds the width of help on a wide terminal: longer lines are hard to read.
const maxHelpWidth = 100

// helpFunc is the command's help function (cobra.Command.SetHelpFunc): the long description,
// then the usage, fitted to the terminal of ios.
func helpFunc(ios *iostreams.IOStreams) func(*cobra.Command, []string) {
	return func(c *cobra.Command, _ []string) {
		w := helpWidth(ios)
		text := strings.TrimSpace(c.Long)
		if text == "" {
			text = c.Short
		}
		fmt.Fprint(c.OutOrStdout(), reflow(text, w)+"\n\n"+usageText(c, w))
	}
}

// usageFunc is the command's usage function (cobra.Command.SetUsageFunc), fitted to the
// terminal of ios.
func usageFunc(ios *iostreams.IOStreams) func(*cobra.Command) error {
	return func(c *cobra.Command) error {
		_, err := fmt.Fprint(c.OutOrStderr(), usageText(c, helpWidth(ios)))
		return err
	}
}

func usageText(c *cobra.Command, width int) string {
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() {
		b.WriteString("\n" + hangAt("  "+c.UseLine(), 6, width))
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
				b.WriteString("\n" + hang(fmt.Sprintf("  %-*s %s", s.NamePadding(), s.Name(), s.Short), width))
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nFlags:\n" + flagUsages(c.LocalFlags(), width))
	}
	if c.HasAvailableInheritedFlags() {
		fmt.Fprintf(&b, "\n\n%s", reflow(fmt.Sprintf("Global flags (--profile, --token, --instance, --base-url, --format, --fake …) work here too: see \"%s --help\".", c.Root().Name()), width))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\n\n%s", reflow(fmt.Sprintf("Use \"%s [command] --help\" for more information about a command.", c.CommandPath()), width))
	}
	return b.String() + "\n"
}

// flagUsages lists the flags of fs, one a line, their descriptions aligned and wrapped under
// themselves to width (0: not wrapped): "-y, --yes", "--timeout duration", and the default
// when it is not the zero value.
func flagUsages(fs *pflag.FlagSet, width int) string {
	type line struct{ left, usage string }
	var lines []line
	left := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		l := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			l = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if name != "" {
			l += " " + name
		}
		if def := f.DefValue; !isZeroDefault(def) {
			if f.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			usage += " (default " + def + ")"
		}
		lines = append(lines, line{l, usage})
		left = max(left, len(l))
	})
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = hangAt(fmt.Sprintf("%-*s   %s", left, l.left, strings.ReplaceAll(l.usage, "\n", " ")), left+3, width)
	}
	return strings.Join(out, "\n")
}

// isZeroDefault reports whether a flag's default is not worth printing.
func isZeroDefault(def string) bool {
	switch def {
	case "", "false", "0", "[]", "0s":
		return true
	}
	return false
}

// reflow fits help text to width columns: each paragraph of prose (consecutive lines that
// start at the margin, up to a heading: a short line that ends with a colon) is joined and
// wrapped at spaces; any other line (indented: a list, an example) wraps only if it is too
// long, under its own text (hang).
func reflow(text string, width int) string {
	var out, para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, iostreams.Wrap(strings.Join(para, " "), width))
			para = nil
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if l != "" && l[0] != ' ' {
			para = append(para, strings.TrimSpace(l))
			if strings.HasSuffix(l, ":") && len(l) < 30 {
				flush()
			}
			continue
		}
		flush()
		out = append(out, hang(l, width))
	}
	flush()
	return strings.Join(out, "\n")
}

// hang wraps a line too long for width at spaces, its continuation lines starting under its
// last text column: the text after its last gap of two spaces or more (a list's or a flag's
// description), else after its indent.
func hang(line string, width int) string {
	body := strings.TrimLeft(line, " ")
	at := len(line) - len(body)
	if gap := strings.LastIndex(body, "  "); gap >= 0 {
		at += gap + len(body[gap:]) - len(strings.TrimLeft(body[gap:], " "))
	}
	return hangAt(line, iostreams.DisplayWidth(line[:at]), width)
}

// hangAt wraps line at spaces to width columns, continuing each wrapped line indent columns
// in (its own indent and 4 more, when that would leave fewer than 20 columns). Nothing left
// of indent is broken, and a word longer than a line stays whole.
func hangAt(line string, indent, width int) string {
	if width <= 0 || iostreams.DisplayWidth(line) <= width {
		return line
	}
	if width-indent < 20 {
		indent = len(line) - len(strings.TrimLeft(line, " ")) + 4
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for iostreams.DisplayWidth(line) > width {
		cut := breakAt(line, indent, width)
		if cut < 0 {
			break
		}
		b.WriteString(strings.TrimRight(line[:cut], " ") + "\n")
		line = pad + strings.TrimLeft(line[cut:], " ")
	}
	return b.String() + line
}

// breakAt is the byte offset of the last space of line past column from at which the text
// up to it fits width columns, or -1.
func breakAt(line string, from, width int) int {
	cut, col := -1, 0
	for i, r := range line {
		if col > width {
			break
		}
		if r == ' ' && col > from {
			cut = i
		}
		col += iostreams.DisplayWidth(string(r))
	}
	return cut
}
