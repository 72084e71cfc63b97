package tokens

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// ListOptions are "tokens list"'s.
type ListOptions struct {
	cmdutil.Env
	All   bool
	Limit int
}

// NewCmdList is "tokens list". runF, when not nil, runs instead of listRun (tests).
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List access tokens: your own, or with --all every token of the account",
		Long: `List access tokens. Without --all LaunchDarkly lists only the tokens of the caller's member;
--all lists every token of the account and needs an admin token.
Secrets are never shown: LaunchDarkly sends only their last four characters.`,
		Example: `  ldaccess tokens list --all
  ldaccess tokens list --all --format json | jq -r '.[] | select(.serviceToken) | .name'`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "list every token of the account (showAll; needs an admin token)")
	cmdutil.LimitFlag(cmd, &opts.Limit)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	var ts []api.Token
	for t, err := range c.Tokens(ctx, wrapper.TokensQuery{ShowAll: opts.All}) {
		if err != nil {
			return err
		}
		ts = append(ts, review.MaskSecret(t))
		if opts.Limit > 0 && len(ts) >= opts.Limit {
			break
		}
	}
	return opts.Print(present.Tokens(ts, opts.Format()))
}
