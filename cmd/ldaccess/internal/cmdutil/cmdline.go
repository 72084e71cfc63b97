package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
)

// CommandLine is the ldaccess command line that runs the command named path (such as
// "apply") with args and, of the flags cmd was given, every global one (those cmd inherits:
// the account, the output) and the local ones named in local, as given: the line to print
// for the user to run again, each word quoted for a POSIX shell. --token is left out, since
// its value is a secret: the line then uses LD_ACCESS_TOKEN, or the profile's token.
func CommandLine(cmd *cobra.Command, path string, args []string, local ...string) string {
	words := []string{"ldaccess"}
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if f.Changed && f.Name != "token" {
			words = append(words, flagWords(f)...)
		}
	})
	words = append(words, strings.Fields(path)...)
	for _, a := range args {
		words = append(words, shell.Quote(a))
	}
	for _, name := range local {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			words = append(words, flagWords(f)...)
		}
	}
	return strings.Join(words, " ")
}

// flagWords writes a flag as given: "--yes", "--exec 'cat > x'", a repeated flag once for
// each of its values.
func flagWords(f *pflag.Flag) []string {
	name := "--" + f.Name
	if f.Value.Type() == "bool" {
		if f.Value.String() == "true" {
			return []string{name}
		}
		return []string{name + "=" + f.Value.String()}
	}
	values := []string{f.Value.String()}
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		values = sv.GetSlice()
	}
	var words []string
	for _, v := range values {
		words = append(words, name, shell.Quote(v))
	}
	return words
}
