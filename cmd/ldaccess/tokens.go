package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"

	"github.com/ldaccess/ldaccess/review"
)

func (a *app) tokensCmd() *cobra.Command {
	return groupCmd("tokens", "List, inspect, create, reset and delete access tokens",
		a.tokensListCmd(), a.tokensGetCmd(), a.tokensCreateCmd(), a.tokensResetCmd(), a.tokensRotateCmd(), a.tokensDeleteCmd())
}

var tokenHeader = []string{"id", "name", "owner", "access", "kind", "created", "last used"}

// tokenKeep and tokenDrop say how a table of tokens fits a terminal: IDs and dates are never
// cut; the kind, creation date and name go first (see fitColumns).
var (
	tokenKeep = []string{"id", "created", "last used", "findings"}
	tokenDrop = []string{"kind", "created", "name"}
)

// tokenOwner is the owner's email when the token carries its member summary, else its ID.
func tokenOwner(t api.Token) string {
	if t.Member.ID == t.OwnerID && t.Member.Email != "" {
		return t.Member.Email
	}
	return t.OwnerID
}

func tokenKind(t api.Token) string {
	if t.ServiceToken {
		return "service"
	}
	return "personal"
}

func tokenCells(t api.Token, format string) []string {
	return []string{t.ID, t.Name, tokenOwner(t), tokenAccess(t), tokenKind(t),
		timeCell(format, t.CreationDate), timeCell(format, t.LastUsed)}
}

// tokensView shows tokens whose secrets are already masked.
func tokensView(ts []api.Token, format string) view {
	s := section{Header: tokenHeader, Empty: "no tokens", Keep: tokenKeep, Drop: tokenDrop}
	for _, t := range ts {
		s.Rows = append(s.Rows, tokenCells(t, format))
	}
	if ts == nil {
		ts = []api.Token{}
	}
	return view{JSON: ts, Sections: []section{s}}
}

// tokenView shows one token. secret is its full secret, after create or reset, or "".
func tokenView(t api.Token, format, secret string) view {
	h := append(append([]string{}, tokenHeader...), "description", "member", "default api version")
	row := append(tokenCells(t, format), t.Description, t.MemberID, apiVersionCell(t.DefaultAPIVersion))
	if secret != "" {
		h = append(h, "secret")
		row = append(row, secret)
	}
	return view{JSON: t, Sections: []section{{Header: h, Rows: [][]string{row}, Record: true}}}
}

func apiVersionCell(v int) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprint(v)
}

func (a *app) tokensListCmd() *cobra.Command {
	var all bool
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List access tokens: your own, or with --all every token of the account",
		Long: `List access tokens. Without --all LaunchDarkly lists only the tokens of the caller's member;
--all lists every token of the account and needs an admin token.
Secrets are never shown: LaunchDarkly sends only their last four characters.`,
		Example: `  ldaccess tokens list --all
  ldaccess tokens list --all --format json | jq -r '.[] | select(.serviceToken) | .name'`,
		Args: exactArgs(0, "no arguments"),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative")
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			var ts []api.Token
			for t, err := range c.Tokens(cmd.Context(), wrapper.TokensQuery{ShowAll: all}) {
				if err != nil {
					return err
				}
				ts = append(ts, review.MaskSecret(t))
				if limit > 0 && len(ts) >= limit {
					break
				}
			}
			return a.render(tokensView(ts, string(a.format)))
		}),
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "list every token of the account (showAll; needs an admin token)")
	cmd.Flags().IntVar(&limit, "limit", 0, "list at most this many (0 for all)")
	return cmd
}

func (a *app) tokensGetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "get TOKEN-ID",
		Short: "Show one access token (never its secret)",
		Args:  exactArgs(1, "one token ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			t, err := c.GetToken(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.render(tokenView(review.MaskSecret(t), string(a.format), ""))
		}),
	}
}

// parsePolicy reads an inline policy from a JSON array of statements, or from @file.
func parsePolicy(s string) ([]api.StatementPost, error) {
	data := []byte(s)
	if name, ok := strings.CutPrefix(s, "@"); ok {
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return nil, usagef("--inline-policy: %v", err)
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var stmts []api.StatementPost
	if err := dec.Decode(&stmts); err != nil {
		return nil, usagef(`--inline-policy: want a JSON array of statements like [{"effect":"allow","actions":["*"],"resources":["proj/*"]}]: %v`, err)
	}
	if len(stmts) == 0 {
		return nil, usagef("--inline-policy: the policy has no statements")
	}
	for i, st := range stmts {
		if st.Effect != api.StatementPostEffectAllow && st.Effect != api.StatementPostEffectDeny {
			return nil, usagef(`--inline-policy: statement %d: effect must be "allow" or "deny"`, i+1)
		}
	}
	return stmts, nil
}

func (a *app) tokensCreateCmd() *cobra.Command {
	var name, description, role, policy string
	var customRoles []string
	var service bool
	var defaultVersion int
	cmd := &cobra.Command{
		Use:   "create --name NAME (--role ROLE | --custom-role-id ID... | --inline-policy JSON)",
		Short: "Create an access token and print its secret, once",
		Long: `Create an access token. Its secret is printed once, in this command's output, and never
again: LaunchDarkly shows only its last four characters afterwards. Store it at once.

Give exactly one kind of access: a built-in --role (reader, writer, admin), one or more
--custom-role-id, or an --inline-policy (a JSON array of statements, or @file to read one).`,
		Example: `  ldaccess tokens create --name deploy-bot --role writer --service
  ldaccess tokens create --name ci --inline-policy '[{"effect":"allow","actions":["updateOn"],"resources":["proj/*:env/test:flag/*"]}]'
  ldaccess tokens create --name audit --role reader --format json | jq -r .token`,
		Args: exactArgs(0, "no arguments (use flags)"),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			post := api.AccessTokenPost{}
			if strings.TrimSpace(name) == "" {
				return usagef("--name is required")
			}
			post.Name = name
			if description != "" {
				post.Description = description
			}
			kinds := 0
			if role != "" {
				kinds++
				switch r := api.AccessTokenPostRole(role); r {
				case api.AccessTokenPostRoleReader, api.AccessTokenPostRoleWriter, api.AccessTokenPostRoleAdmin:
					post.Role = r
				default:
					return usagef("--role must be reader, writer or admin, not %q", role)
				}
			}
			if ids := splitList(customRoles); len(ids) > 0 {
				kinds++
				post.CustomRoleIDs = ids
			}
			if policy != "" {
				kinds++
				stmts, err := parsePolicy(policy)
				if err != nil {
					return err
				}
				post.InlineRole = stmts
			}
			if kinds != 1 {
				return usagef("give exactly one of --role, --custom-role-id or --inline-policy")
			}
			if service {
				post.ServiceToken = service
			}
			if defaultVersion != 0 {
				post.DefaultAPIVersion = defaultVersion
			}
			c, err := a.connect(cmd.Context())
			if err != nil {
				return err
			}
			t, err := c.CreateToken(cmd.Context(), post)
			if err != nil {
				return err
			}
			return a.printSecret(t, "created")
		}),
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the token's name (required)")
	f.StringVar(&description, "description", "", "what the token is for")
	f.StringVar(&role, "role", "", "built-in role: reader, writer or admin")
	f.StringSliceVar(&customRoles, "custom-role-id", nil, "custom role ID (repeatable, or comma-separated)")
	f.StringVar(&policy, "inline-policy", "", "inline policy: a JSON array of statements, or @file")
	f.BoolVar(&service, "service", false, "make a service token, owned by the account rather than by you (needs admin)")
	f.IntVar(&defaultVersion, "default-api-version", 0, "API version for requests that send no LD-API-Version, such as 20240415")
	return cmd
}

// printSecret prints a token just created or reset, with its secret, which the output then
// holds exactly once; the secret is kept out of every other field.
func (a *app) printSecret(t api.Token, what string) error {
	secret := t.Secret
	masked := review.MaskSecret(t)
	format := string(a.format)
	var v view
	if format == formatJSON {
		v = view{JSON: t} // the API's representation, whose "token" field is the secret
	} else {
		v = tokenView(masked, format, secret)
	}
	if err := a.render(v); err != nil {
		return err
	}
	if secret == "" || len(secret) <= 4 {
		a.status.notef("%s token %s, but the answer held no secret", what, t.ID)
		return nil
	}
	a.status.notef("%s token %s; this is the only time its secret is shown: store it now", what, t.ID)
	return nil
}

func (a *app) tokensResetCmd() *cobra.Command {
	var yes bool
	expireOld := ageFlag(0)
	cmd := &cobra.Command{
		Use:   "reset TOKEN-ID",
		Short: "Replace a token's secret and print the new one, once",
		Long: `Reset an access token: LaunchDarkly issues a new secret, printed once in this command's
output. The old secret stops working at once, or after --expire-old-in to give the programs
using it time to switch.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Example: `  ldaccess tokens reset 61095542756dba551110ae21 --expire-old-in 1h
  ldaccess tokens reset 61095542756dba551110ae21 --yes --format json | jq -r .token`,
		Args: exactArgs(1, "one token ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id := args[0]
			c, err := a.confirmTokenChange(ctx, yes, "tokens reset", id, func(t api.Token) string {
				when := "at once"
				if expireOld > 0 {
					when = "in " + review.FormatAge(time.Duration(expireOld))
				}
				return fmt.Sprintf("Reset token %q (%s, owner %s)? Its current secret stops working %s.",
					t.Name, t.ID, tokenOwner(t), when)
			})
			if err != nil {
				return err
			}
			var opts []wrapper.ResetOption
			if expireOld > 0 {
				opts = append(opts, wrapper.ExpireOldKeyAt(a.now().Add(time.Duration(expireOld))))
			}
			t, err := c.ResetToken(ctx, id, opts...)
			if err != nil {
				return err
			}
			return a.printSecret(t, "reset")
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().Var(&expireOld, "expire-old-in", `keep the old secret working this long: "1h", "2d" (default: stop at once)`)
	return cmd
}

func (a *app) tokensDeleteCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete TOKEN-ID",
		Short: "Delete an access token",
		Long: `Delete an access token; programs using it lose access at once.

This is destructive: it asks for confirmation when stdin is a terminal, and otherwise refuses
to run without --yes.`,
		Args: exactArgs(1, "one token ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.canConfirm(yes, "tokens delete"); err != nil {
				return err
			}
			c, err := a.connect(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			err = a.confirmDestructive(ctx, yes, "tokens delete", func() (string, error) {
				t, err := c.GetToken(ctx, id)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("Delete token %q (%s, owner %s, last used %s)?",
					t.Name, t.ID, tokenOwner(t), day(t.LastUsed)), nil
			})
			if err != nil {
				return err
			}
			if err := c.DeleteToken(ctx, id); err != nil {
				return err
			}
			return a.render(deletedView("token", id))
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// deletedView reports a deletion.
func deletedView(what, id string) view {
	return view{
		JSON:     map[string]any{"id": id, "deleted": true},
		Sections: []section{{Header: []string{"id", "deleted"}, Rows: [][]string{{id, "true"}}}},
		Text:     fmt.Sprintf("deleted %s %s", what, id),
	}
}

// confirmTokenChange connects and, unless yes, asks the question ask makes of the token as it
// is now, before a command changes it (reset, rotate); a "no" is an error.
func (a *app) confirmTokenChange(ctx context.Context, yes bool, what, id string, ask func(api.Token) string) (*wrapper.Client, error) {
	if err := a.canConfirm(yes, what); err != nil {
		return nil, err
	}
	c, err := a.connect(ctx)
	if err != nil {
		return nil, err
	}
	err = a.confirmDestructive(ctx, yes, what, func() (string, error) {
		t, err := c.GetToken(ctx, id)
		if err != nil {
			return "", err
		}
		return ask(t), nil
	})
	return c, err
}
