package profile

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// ShowOptions are "profile show"'s.
type ShowOptions struct {
	cmdutil.Env
	Name     string
	Accounts *connect.Accounts
	Keyring  keyring.Store
	Getenv   func(string) string
}

// NewCmdShow is "profile show". runF, when not nil, runs instead of showRun (tests).
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring, Getenv: f.Getenv}
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a profile's settings and whether its token is there (never the token)",
		Args:  cmdutil.ExactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

func showRun(_ context.Context, opts *ShowOptions) error {
	cfg, p, err := named(opts.Accounts, opts.Name)
	if err != nil {
		return err
	}
	status := tokenStatus(opts, p)
	base := p.BaseURL
	if base == "" && !p.Fake {
		base, _ = config.InstanceURL(opts.Accounts.ProfileTarget(opts.Name, p).Instance)
	}
	h := []string{"name", "instance", "base url", "api version", "token from", "token", "config file"}
	row := []string{opts.Name, p.InstanceName(), base, p.APIVersion, p.TokenSource(), status, cfg.Path}
	js := profileJSON(opts.Name, p)
	js["token"] = status
	return opts.Print(render.View{JSON: js, Sections: []render.Section{{Header: h, Rows: [][]string{row}, Record: true}}})
}

// tokenStatus says whether the profile's token is there, without reading it where that
// would run something (a token-command).
func tokenStatus(opts *ShowOptions, p config.Profile) string {
	switch {
	case p.TokenEnv != "":
		if opts.Getenv(p.TokenEnv) != "" {
			return "set"
		}
		return "not set"
	case p.TokenKeyring:
		_, err := opts.Keyring.Get(keyring.Service, opts.Name)
		switch {
		case err == nil:
			return "stored"
		case errors.Is(err, keyring.ErrNotFound):
			return "missing: store one with ldaccess profile add " + opts.Name + " --keyring --force"
		default:
			return keyring.Trouble(err)
		}
	case p.TokenCommand != "":
		return "from the command when needed"
	}
	return "-"
}
