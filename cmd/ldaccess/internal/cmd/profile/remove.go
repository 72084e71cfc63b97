package profile

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
)

// RemoveOptions are "profile remove"'s.
type RemoveOptions struct {
	cmdutil.Env
	Name     string
	Accounts *connect.Accounts
	Keyring  keyring.Store
}

// NewCmdRemove is "profile remove". runF, when not nil, runs instead of removeRun (tests).
func NewCmdRemove(f *cmdutil.Factory, runF func(context.Context, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Env: f.Env(), Accounts: f.Accounts, Keyring: f.Keyring}
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a profile, and its token from the OS keyring if it is there",
		Args:  cmdutil.ExactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
}

func removeRun(_ context.Context, opts *RemoveOptions) error {
	cfg, p, err := named(opts.Accounts, opts.Name)
	if err != nil {
		return err
	}
	delete(cfg.Profiles, opts.Name)
	if err := cfg.Save(); err != nil {
		return err
	}
	msg := "removed profile " + opts.Name
	if p.TokenKeyring {
		if err := opts.Keyring.Delete(keyring.Service, opts.Name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			opts.IO.Notef("the profile is removed, but its token could not be deleted from the OS keyring: %s", keyring.Trouble(err))
		} else {
			msg += " and its token in the OS keyring"
		}
	}
	return opts.Print(render.View{Text: msg, JSON: map[string]string{"removed": opts.Name}})
}
