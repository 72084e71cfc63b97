// Package tokens is "ldaccess tokens": list, get, create, reset, rotate and delete access
// tokens.
package tokens

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// NewCmdTokens is "ldaccess tokens".
func NewCmdTokens(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.GroupCmd("tokens", "List, inspect, create, reset and delete access tokens",
		NewCmdList(f, nil), NewCmdGet(f, nil), NewCmdCreate(f, nil), NewCmdReset(f, nil),
		NewCmdRotate(f, nil), NewCmdDelete(f, nil))
}

// printSecret prints a token just created or reset, with its secret, which the output then
// holds exactly once: it is kept out of every other field, and redacted from whatever the run
// prints after.
func printSecret(env cmdutil.Env, t api.Token, what string) error {
	err := env.Print(present.Token(review.MaskSecret(t), env.Format(), t.Secret))
	env.IO.AddSecret(t.Secret)
	if err != nil {
		return err
	}
	if len(t.Secret) <= 4 {
		env.IO.Notef("%s token %s, but the answer held no secret", what, t.ID)
		return nil
	}
	env.IO.Notef("%s token %s; this is the only time its secret is shown: store it now", what, t.ID)
	return nil
}

// confirmChange connects and, unless yes, asks the question ask makes of the token as it is
// now, before a command changes it (reset, rotate, delete); a "no" is an error.
func confirmChange(ctx context.Context, env cmdutil.Env, yes bool, id string, ask func(api.Token) string) (*wrapper.Client, error) {
	c, err := env.Client(ctx)
	if err != nil {
		return nil, err
	}
	err = cmdutil.ConfirmDestructive(ctx, env.Prompter, yes, func() (string, error) {
		t, err := c.GetToken(ctx, id)
		if err != nil {
			return "", err
		}
		return ask(t), nil
	})
	return c, err
}

// describe names a token in a question: `"deploy-bot" (61095…, owner ari@acme.com)`.
func describe(t api.Token) string {
	return fmt.Sprintf("%q (%s, owner %s)", t.Name, t.ID, present.TokenOwner(t))
}
