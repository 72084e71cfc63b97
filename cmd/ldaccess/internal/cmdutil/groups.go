package cmdutil

import (
	"errors"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
)

// Flags that must, or must not, go together are declared with cobra (MarkFlagRequired,
// MarkFlagsOneRequired, MarkFlagsMutuallyExclusive, MarkFlagsRequiredTogether), which refuses
// the command line before anything runs, in its own words. FlagGroupError says the same in
// the command's, from the same declarations.

// cobra's annotations of the flags of a group, in the order cobra checks them.
const (
	requiredAnnotation    = cobra.BashCompOneRequiredFlag
	togetherAnnotation    = "cobra_annotation_required_if_others_set"
	oneRequiredAnnotation = "cobra_annotation_one_required"
	exclusiveAnnotation   = "cobra_annotation_mutually_exclusive"
)

// FlagGroupError is the usage error for the first of cmd's flag declarations that the flags
// given break, in the order cobra checks them, or nil when none is broken.
func FlagGroupError(cmd *cobra.Command) error {
	fs := cmd.Flags()
	var missing []string
	fs.VisitAll(func(f *pflag.Flag) {
		if v := f.Annotations[requiredAnnotation]; len(v) > 0 && v[0] == "true" && !f.Changed {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) > 0 {
		return clierr.Usagef("%s required", andList(missing)+isAre(len(missing)))
	}
	exclusive := groups(fs, exclusiveAnnotation)
	for _, g := range groups(fs, togetherAnnotation) {
		if set, unset := split(fs, g); len(set) > 0 && len(unset) > 0 {
			return clierr.Usagef("%s needs %s", andList(set), andList(unset))
		}
	}
	for _, g := range groups(fs, oneRequiredAnnotation) {
		if set, _ := split(fs, g); len(set) == 0 {
			if slices.Contains(exclusive, g) {
				return clierr.Usagef("give exactly one of %s", OrList(dashed(g)))
			}
			return clierr.Usagef("give %s", OrList(dashed(g)))
		}
	}
	for _, g := range exclusive {
		if set, _ := split(fs, g); len(set) > 1 {
			return clierr.Usagef("%s cannot be used together", andList(set))
		}
	}
	return nil
}

// groups are the flag groups of one kind declared on fs's flags, each a space-separated list
// of names, sorted; as cobra does, a group some of whose flags fs lacks is left out.
func groups(fs *pflag.FlagSet, annotation string) []string {
	var out []string
	fs.VisitAll(func(f *pflag.Flag) {
		for _, g := range f.Annotations[annotation] {
			if !slices.Contains(out, g) && allDefined(fs, g) {
				out = append(out, g)
			}
		}
	})
	slices.Sort(out)
	return out
}

func allDefined(fs *pflag.FlagSet, group string) bool {
	for _, name := range strings.Fields(group) {
		if fs.Lookup(name) == nil {
			return false
		}
	}
	return true
}

// split divides a group's flags into those given and those not, as "--name".
func split(fs *pflag.FlagSet, group string) (set, unset []string) {
	for _, name := range strings.Fields(group) {
		if fs.Changed(name) {
			set = append(set, "--"+name)
		} else {
			unset = append(unset, "--"+name)
		}
	}
	return set, unset
}

func dashed(group string) []string {
	names := strings.Fields(group)
	for i, n := range names {
		names[i] = "--" + n
	}
	return names
}

// andList lists values for a sentence: "a", "a and b", "a, b and c".
func andList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " and " + values[len(values)-1]
}

func isAre(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

// Explain is the error a command line ends with in the command's words: a refusal of cobra's
// for flags that do not go together (see FlagGroupError) is said again from the declarations;
// any other error is err.
func Explain(ran *cobra.Command, err error) error {
	var ue *clierr.UsageError
	if err == nil || ran == nil || clierr.Code(err) != clierr.ExitUsage || errors.As(err, &ue) {
		return err
	}
	if explained := FlagGroupError(ran); explained != nil {
		return explained
	}
	return err
}

// FlagError is the command's flag error function (cobra.Command.SetFlagErrorFunc): a flag
// that cannot be parsed is a usage error, in pflag's words, which name the flag.
func FlagError(_ *cobra.Command, err error) error { return clierr.Usagef("%s", err.Error()) }
