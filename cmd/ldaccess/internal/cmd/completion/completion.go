// Package completion is shell completion: the completion command, which writes the script for
// bash, zsh, fish or PowerShell, and the completers of arguments that name something in the
// account — token IDs and members' email addresses — which the script's hidden __complete
// command calls. They connect as the command line's flags say (--token, --base-url, --fake …);
// each costs one request (two for a token that may not list every token) and gives up after
// Timeout; on any error it offers nothing.
package completion

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/internal/textsafe"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Timeout bounds the requests behind one completion: a shell waits for it.
const Timeout = 5 * time.Second

// limit is how many candidates one completion asks the API for.
const limit = 100

// Completer is a cobra.Command's ValidArgsFunction.
type Completer = func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective)

// NewCmdCompletion is "ldaccess completion SHELL".
func NewCmdCompletion() *cobra.Command {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Generate the autocompletion script for the specified shell",
		Long: `Write the completion script for a shell to stdout. It completes commands and flags, and, from
the account the command line connects to, token IDs (tokens get <TAB>) and members' email
addresses (members get ari<TAB>).`,
		Example:   `  ldaccess completion bash > ~/.local/share/bash-completion/completions/ldaccess`,
		ValidArgs: shells,
		Args:      cmdutil.ExactArgs(1, "one shell: "+cmdutil.OrList(shells)),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return clierr.Usagef("completion takes %s, not %q", cmdutil.OrList(shells), args[0])
		},
	}
}

// TokenIDs offers the IDs of the account's tokens, each described by its name, for the one
// argument of a tokens command.
func TokenIDs(f *cmdutil.Factory) Completer {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fromAPI(cmd, f, func(ctx context.Context, c *wrapper.Client) ([]cobra.Completion, error) {
			page, err := c.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: limit})
			if errors.Is(err, wrapper.ErrForbidden) { // not an admin: only its own tokens
				page, err = c.ListTokens(ctx, wrapper.TokensQuery{PageSize: limit})
			}
			if err != nil {
				return nil, err
			}
			var out []cobra.Completion
			for _, t := range page.Items {
				if strings.HasPrefix(t.ID, prefix) {
					out = offer(out, t.ID, t.Name)
				}
			}
			return out, nil
		})
	}
}

// Members offers "me" and the email addresses of members that start with what was typed, each
// described by the member's name and role, for a command's first argument.
func Members(f *cmdutil.Factory) Completer {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 || strings.ContainsAny(prefix, ",|") { // the filter syntax has no escapes
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fromAPI(cmd, f, func(ctx context.Context, c *wrapper.Client) ([]cobra.Completion, error) {
			var out []cobra.Completion
			if strings.HasPrefix("me", prefix) {
				out = append(out, cobra.CompletionWithDesc("me", "the member the token belongs to"))
			}
			page, err := c.ListMembers(ctx, wrapper.MembersQuery{
				Filter: wrapper.MemberFilter{Query: prefix}, Sort: wrapper.SortDisplayName, PageSize: limit,
			})
			if err != nil {
				return out, err
			}
			for _, m := range page.Items {
				if len(m.Email) >= len(prefix) && strings.EqualFold(m.Email[:len(prefix)], prefix) {
					out = offer(out, m.Email, present.MemberSummary(m))
				}
			}
			return out, nil
		})
	}
}

// offer adds a candidate the account holds to cs, as a shell may show and insert it: its
// description cleaned as a table cell is (iostreams.Clean), and the candidate itself only if
// it holds no white space and no harmful character, which the shell would insert as it is or,
// for a newline, read as the start of another candidate ("; rm -rf ~").
func offer(cs []cobra.Completion, value, desc string) []cobra.Completion {
	if value == "" || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsSpace(r) || textsafe.Harmful(r) }) {
		return cs
	}
	return append(cs, cobra.CompletionWithDesc(value, iostreams.Clean(desc, false)))
}

// fromAPI connects as the command line says and asks list for the candidates. An error, which
// the shell has no place to show, goes to cobra's completion debug log
// ($BASH_COMP_DEBUG_FILE), and the candidates found so far are offered.
func fromAPI(cmd *cobra.Command, f *cmdutil.Factory, list func(context.Context, *wrapper.Client) ([]cobra.Completion, error)) ([]cobra.Completion, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(cmd.Context(), Timeout)
	defer cancel()
	c, err := f.Accounts.Client(ctx)
	var out []cobra.Completion
	if err == nil {
		out, err = list(ctx, c)
	}
	if err != nil {
		cobra.CompDebugln(clierr.Describe(err), true)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
