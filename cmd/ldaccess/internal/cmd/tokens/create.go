package tokens

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
)

// CreateOptions are "tokens create"'s: the token to create.
type CreateOptions struct {
	cmdutil.Env
	Token api.AccessTokenPost
}

// NewCmdCreate is "tokens create". runF, when not nil, runs instead of createRun (tests).
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Env: f.Env()}
	var policy string
	var customRoles []string
	cmd := &cobra.Command{
		Use:   "create --name NAME (--role ROLE | --custom-role-id ID... | --inline-policy JSON)",
		Short: "Create an access token and print its secret, once",
		Long: `Create an access token. Its secret is printed once, in this command's output, and never
again: LaunchDarkly shows only its last four characters afterwards. Store it at once.

Give exactly one kind of access: a built-in --role, one or more --custom-role-id, or an
--inline-policy (a JSON array of statements, or @file to read one).`,
		Example: `  ldaccess tokens create --name deploy-bot --role writer --service
  ldaccess tokens create --name ci --inline-policy '[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/test:flag/*"]}]'
  ldaccess tokens create --name audit --role reader --format json | jq -r .token`,
		Args: cmdutil.ExactArgs(0, "no arguments (use flags)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(opts.Token.Name) == "" {
				return clierr.Usagef("--name must not be blank")
			}
			opts.Token.CustomRoleIDs = cmdutil.SplitList(customRoles)
			if policy != "" {
				stmts, err := ParsePolicy(f.Path, policy)
				if err != nil {
					return err
				}
				opts.Token.InlineRole = stmts
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Token.Name, "name", "", "the token's name (required)")
	fl.StringVar(&opts.Token.Description, "description", "", "what the token is for")
	cmdutil.EnumFlag(cmd, &opts.Token.Role, "role", "", "", cmdutil.Enum{Values: cmdutil.TokenRoles()}, "built-in role")
	fl.StringSliceVar(&customRoles, "custom-role-id", nil, "custom role ID (repeatable, or comma-separated)")
	fl.StringVar(&policy, "inline-policy", "", "inline policy: a JSON array of statements, or @file")
	fl.BoolVar(&opts.Token.ServiceToken, "service", false, "make a service token, owned by the account rather than by you (needs admin)")
	fl.IntVar(&opts.Token.DefaultAPIVersion, "default-api-version", 0, "API version for requests that send no LD-API-Version, such as 20240415")
	_ = cmd.MarkFlagRequired("name")
	cmd.MarkFlagsOneRequired("role", "custom-role-id", "inline-policy")
	cmd.MarkFlagsMutuallyExclusive("role", "custom-role-id", "inline-policy")
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	c, err := opts.Client(ctx)
	if err != nil {
		return err
	}
	t, err := c.CreateToken(ctx, opts.Token)
	if err != nil {
		return err
	}
	return printSecret(opts.Env, t, "created")
}

// ParsePolicy reads an inline policy from a JSON array of statements, or from @file (a name
// path resolves).
func ParsePolicy(path func(string) string, s string) ([]api.StatementPost, error) {
	data := []byte(s)
	if name, ok := strings.CutPrefix(s, "@"); ok {
		var err error
		if data, err = cmdutil.ReadFile(path(name)); err != nil {
			return nil, clierr.Usagef("--inline-policy: %v", err)
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var stmts []api.StatementPost
	if err := dec.Decode(&stmts); err != nil {
		return nil, clierr.Usagef(`--inline-policy: want a JSON array of statements like [{"effect":"allow","actions":["*"],"resources":["proj/*"]}]: %v`, err)
	}
	if len(stmts) == 0 {
		return nil, clierr.Usagef("--inline-policy: the policy has no statements")
	}
	for i, st := range stmts {
		if !api.StatementPostEffect(st.Effect).Valid() {
			return nil, clierr.Usagef(`--inline-policy: statement %d: effect must be "allow" or "deny"`, i+1)
		}
	}
	return stmts, nil
}
