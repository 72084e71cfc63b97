package root

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// globals are the global flags that are the root's alone.
type globals struct {
	timeout time.Duration
}

// addGlobalFlags registers the global flags: which account (into f.Accounts.Flags), the
// output (into f.Output), and the root's own.
func addGlobalFlags(f *cmdutil.Factory, root *cobra.Command) *globals {
	g := &globals{}
	a, out := &f.Accounts.Flags, f.Output
	pf := root.PersistentFlags()
	pf.StringVar(&a.Token, "token", "", "LaunchDarkly access `TOKEN` (default $LD_ACCESS_TOKEN)")
	pf.StringVar(&a.BaseURL, "base-url", "", "LaunchDarkly's base `URL`, overriding --instance")
	cmdutil.PersistentEnumFlag(root, &a.Instance, "instance", "", a.Instance, cmdutil.Enum{Values: config.Instances()}, "LaunchDarkly instance")
	pf.StringArrayVar(&a.Profiles, "profile", nil, "use the account of profile `NAME` (default $LDACCESS_PROFILE; see ldaccess profile)")
	pf.StringVar(&a.APIVersion, "api-version", "", "the LD-API-Version `VERSION` to send (default the library's, 20240415)")
	cmdutil.DurationFlagHint(pf, &g.timeout, "timeout", 5*time.Minute, "give how long the command may take, such as 30m, or for a long run 24h",
		"give up on the whole command after this long, such as 30m or 24h (serve-fake runs until interrupted)")
	cmdutil.PersistentEnumFlag(root, &out.Format, "format", "o", render.Table,
		cmdutil.Enum{Values: render.Formats(), Hint: wideHint}, "output format (html for audit only)")
	pf.BoolVar(&out.Wide, "wide", false, "on a terminal, show every column in full instead of fitting tables to its width")
	pf.StringSliceVar(&out.Fields, "fields", nil, "with --format json, keep only these top-level `FIELDS` (comma-separated: email,role)")
	pf.BoolVar(&a.Fake, "fake", false, "run against an embedded fake LaunchDarkly account instead of a real one")
	pf.IntVar(&a.FakeMembers, "fake-members", a.FakeMembers, "how many members the --fake account has")
	pf.IntVar(&a.FakeTokens, "fake-tokens", 0, "how many tokens the --fake account has (default about one per 60 members, at least 12)")
	pf.Int64Var(&a.FakeSeed, "fake-seed", a.FakeSeed, "seed for the --fake account's data; the same seed gives the same account")
	pf.BoolVar(&a.FakeSCIM, "fake-scim", false, "the --fake account's members are managed by SCIM: removals and invites are refused")
	return g
}

// wideHint answers --format wide, which is a flag here, not a format.
func wideHint(v string) string {
	if v == "wide" {
		return `there is no "wide" format: --wide shows every column in full (with --format table, the default)`
	}
	return ""
}

// checkGlobalFlags refuses the global flags that do not go together or with the command, and
// bounds the command by --timeout.
func checkGlobalFlags(f *cmdutil.Factory, cmd *cobra.Command, timeout time.Duration) error {
	f.Accounts.Changed = cmd.Flags().Changed
	f.Ran(cmd)
	switch {
	case len(f.Output.Fields) > 0 && f.Output.Format != render.JSON:
		return clierr.Usagef("--fields selects JSON fields: use it with --format json")
	case len(f.Accounts.Flags.Profiles) > 1 && cmd.Annotations["profiles"] == "":
		return clierr.Usagef("--profile can be given once, except to audit")
	case f.Output.Format == render.HTML && cmd.Annotations["html"] == "":
		return clierr.Usagef("--format html is only for audit; %s prints table, json or csv", cmdutil.CmdName(cmd))
	}
	if cmd.Annotations["timeout"] != "none" {
		ctx, cancel := clierr.WithTimeout(cmd.Context(), timeout)
		f.Defer(cancel)
		cmd.SetContext(ctx)
	}
	return nil
}
