package tokens

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmd/completion"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
)

// GetOptions are "tokens get"'s.
type GetOptions struct {
	cmdutil.Env
	ID string
}

// NewCmdGet is "tokens get". runF, when not nil, runs instead of getRun (tests).
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{Env: f.Env()}
	return &cobra.Command{
		Use:               "get TOKEN-ID",
		Short:             "Show one access token (never its secret)",
		Args:              cmdutil.ExactArgs(1, "one token ID"),
		ValidArgsFunction: completion.TokenIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
}

func getRun(ctx context.Context, opts *GetOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	t, err := c.GetToken(ctx, opts.ID)
	if err != nil {
		return err
	}
	return opts.Print(present.Token(review.MaskSecret(t), opts.Format(), ""))
}
