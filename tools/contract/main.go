// Command contract keeps ldaccess's OpenAPI contract honest against the world around it:
//
// Each command takes -root DIR, the repository's root, before its name:
//
//	contract pin -from FILE [-commit C -version V -date D]   extract the upstream pin
//	contract drift [-upstream FILE]                            ours against the pin (or a newer upstream)
//	contract compat                                            contract and Go API against the last release
//	contract baseline -version V                               record the current tree as a release
//
// It runs from the repository's root (the Makefile's targets do that). See CONTRIBUTING.md,
// "When LaunchDarkly changes its spec".
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "contract:", err)
		os.Exit(1)
	}
}

// errFailed is returned once the failure has been explained on the output.
var errFailed = errors.New("failed")

func run(args []string, out io.Writer) error {
	global := flag.NewFlagSet("contract", flag.ContinueOnError)
	root := global.String("root", ".", "the repository's root")
	if err := global.Parse(args); err != nil {
		return err
	}
	args = global.Args()
	if len(args) == 0 {
		return errors.New("usage: contract [-root dir] pin|drift|compat|baseline [flags]")
	}
	fs := flag.NewFlagSet("contract "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "pin":
		from := fs.String("from", "", "LaunchDarkly's full OpenAPI document (api/openapi.yaml of launchdarkly/api-client-go)")
		var p provenance
		fs.StringVar(&p.Commit, "commit", "unknown", "the upstream commit the document comes from")
		fs.StringVar(&p.Version, "version", "unknown", "the upstream release the document comes from")
		fs.StringVar(&p.Date, "date", "unknown", "the upstream commit's date")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return runPin(*root, *from, p, out)
	case "drift":
		upstream := fs.String("upstream", "", "a newer upstream document to compare with instead of the pin")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return runDrift(*root, *upstream, out)
	case "compat":
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return runCompat(*root, out)
	case "baseline":
		outRoot := fs.String("out", ".", "the repository to write compat/baseline in")
		version := fs.String("version", "", "the release the tree at -root is, such as v0.1.0")
		commit := fs.String("commit", "unknown", "the release's commit")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return runBaseline(*root, *outRoot, *version, *commit, out)
	default:
		return fmt.Errorf("unknown command %q", args[0])
	}
}
