// Package version is "ldaccess version", and the version the binary reports everywhere.
package version

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
)

// Options are version's.
type Options struct {
	cmdutil.Env
	// BuildInfo is the binary's build information (nil when it has none).
	BuildInfo func() (*debug.BuildInfo, bool)
}

// NewCmdVersion prints the line --version prints, then what a bug report needs besides: the
// Go release and platform the binary was built with, and the commit it was built from. runF,
// when not nil, runs instead of versionRun (tests).
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Env: f.Env(), BuildInfo: debug.ReadBuildInfo}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ldaccess, and the Go release and commit it was built with",
		Args:  cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			bi, _ := opts.BuildInfo()
			_, err := fmt.Fprint(opts.IO.Out, Text(bi))
			return err
		},
	}
}

// Text describes a build. bi is nil when the binary carries no build information.
func Text(bi *debug.BuildInfo) string {
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

// Build is the version of the running binary: what --version and the User-Agent say.
func Build() string {
	bi, _ := debug.ReadBuildInfo()
	return moduleVersion(bi)
}
