package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// versionCmd prints the line --version prints, then what a bug report needs besides: the Go
// release and platform the binary was built with, and the commit it was built from.
func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ldaccess, and the Go release and commit it was built with",
		Args:  exactArgs(0, "no arguments"),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			bi, _ := debug.ReadBuildInfo()
			_, err := fmt.Fprint(a.stdout, versionText(bi))
			return err
		}),
	}
}

// versionText describes a build. bi is nil when the binary carries no build information.
func versionText(bi *debug.BuildInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ldaccess version %s\n", moduleVersion(bi))
	if bi == nil {
		return b.String()
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	fmt.Fprintf(&b, "built with %s for %s/%s\n", bi.GoVersion, settings["GOOS"], settings["GOARCH"])
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "commit %s", rev)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(&b, " (%s)", t)
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// moduleVersion is the version of the module the binary was built from: its tag when
// installed with go install …@version, the pseudo-version the go command stamps when it builds
// in a checkout, or "dev" when there is neither (go run, tests, -buildvcs=false).
func moduleVersion(bi *debug.BuildInfo) string {
	if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// buildVersion is moduleVersion of the running binary: what --version and the User-Agent say.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return moduleVersion(bi)
}
