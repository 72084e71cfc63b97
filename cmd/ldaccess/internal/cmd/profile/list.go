package profile

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
)

// ListOptions are "profile list"'s.
type ListOptions struct {
	cmdutil.Env
	Accounts *connect.Accounts
	// Current is the profile $LDACCESS_PROFILE names.
	Current string
}

// NewCmdList is "profile list". runF, when not nil, runs instead of listRun (tests).
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Env: f.Env(), Accounts: f.Accounts}
	return &cobra.Command{
		Use:   "list",
		Short: "List the profiles",
		Args:  cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Current = f.Getenv("LDACCESS_PROFILE")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(_ context.Context, opts *ListOptions) error {
	cfg, err := opts.Accounts.LoadConfig()
	if err != nil {
		return err
	}
	return opts.Print(listView(cfg, opts.Current))
}
