package members

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/wrapper"
)

// GetOptions are "members get"'s.
type GetOptions struct {
	cmdutil.Env
	// Member is an ID, an email address, or "me".
	Member         string
	RoleAttributes bool
}

// NewCmdGet is "members get". runF, when not nil, runs instead of getRun (tests).
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{Env: f.Env()}
	cmd := &cobra.Command{
		Use:               "get MEMBER",
		Short:             `Show one member, by ID, email address, or "me"`,
		Args:              cmdutil.ExactArgs(1, `one member ID, email address or "me"`),
		ValidArgsFunction: completion.Members(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Member = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.RoleAttributes, "role-attributes", false, "include the member's role attributes")
	return cmd
}

func getRun(ctx context.Context, opts *GetOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	var expand []wrapper.GetMemberOption
	if opts.RoleAttributes {
		expand = append(expand, wrapper.ExpandRoleAttributes())
	}
	m, err := resolve(ctx, c, opts.Member, expand...)
	if err != nil {
		return err
	}
	return opts.Print(present.Member(m, opts.Format()))
}
