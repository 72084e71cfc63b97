package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Shell completion: cobra's "completion" command writes the script for bash, zsh, fish or
// PowerShell; the script calls the hidden "__complete" command, which ends in the functions
// here. Arguments that name something in the account are completed from the API, with the
// connection the command line's flags give (--token, --base-url, --fake …): token IDs for
// tokens get, reset and delete; email addresses for members get, remove, set-role and
// add-to-teams. Each completion costs one request (two for a token that may not list every
// token) and gives up after completionTimeout; on any error it offers nothing.

// completionTimeout bounds the requests behind one completion: a shell waits for it.
const completionTimeout = 5 * time.Second

// completionLimit is how many candidates one completion asks the API for.
const completionLimit = 100

// baseRoles are the built-in roles a member can be given.
var baseRoles = []string{"reader", "writer", "admin", "no_access"}

// registerCompletions attaches the completion functions to the commands of root's tree.
func (a *app) registerCompletions(root *cobra.Command) {
	for _, path := range []string{"tokens get", "tokens reset", "tokens delete"} {
		mustFind(root, path).ValidArgsFunction = a.completeTokenIDs
	}
	for _, path := range []string{"members get", "members remove", "members add-to-teams"} {
		mustFind(root, path).ValidArgsFunction = a.completeMembers
	}
	mustFind(root, "members set-role").ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return cobra.FixedCompletions(baseRoles, cobra.ShellCompDirectiveNoFileComp)(cmd, args, prefix)
		}
		return a.completeMembers(cmd, args, prefix)
	}
	fixed := map[string][]string{
		"format":   {"table", "json", "csv"},
		"instance": {"commercial", "eu", "federal"},
	}
	for flag, values := range fixed {
		if err := root.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)); err != nil {
			panic(err) // a flag renamed without its completion: a programming error
		}
	}
}

// mustFind returns the command at path ("tokens get") under root.
func mustFind(root *cobra.Command, path string) *cobra.Command {
	cmd, rest, err := root.Find(strings.Fields(path))
	if err != nil || len(rest) > 0 || cmdName(cmd) != path {
		panic(fmt.Sprintf("completion: no command %q", path))
	}
	return cmd
}

// completeTokenIDs offers the IDs of the account's tokens, each described by its name, for
// the one argument of a tokens command.
func (a *app) completeTokenIDs(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.completeFromAPI(cmd, func(ctx context.Context, c *wrapper.Client) ([]cobra.Completion, error) {
		page, err := c.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: completionLimit})
		if errors.Is(err, wrapper.ErrForbidden) { // not an admin: only its own tokens
			page, err = c.ListTokens(ctx, wrapper.TokensQuery{PageSize: completionLimit})
		}
		if err != nil {
			return nil, err
		}
		var out []cobra.Completion
		for _, t := range page.Items {
			if strings.HasPrefix(t.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(t.ID, t.Name))
			}
		}
		return out, nil
	})
}

// completeMembers offers "me" and the email addresses of members that start with what was
// typed, each described by the member's name and role, for a member argument.
func (a *app) completeMembers(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 || strings.ContainsAny(prefix, ",|") { // the filter syntax has no escapes
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.completeFromAPI(cmd, func(ctx context.Context, c *wrapper.Client) ([]cobra.Completion, error) {
		var out []cobra.Completion
		if strings.HasPrefix("me", prefix) {
			out = append(out, cobra.CompletionWithDesc("me", "the member the token belongs to"))
		}
		page, err := c.ListMembers(ctx, wrapper.MembersQuery{
			Filter: wrapper.MemberFilter{Query: prefix}, Sort: wrapper.SortDisplayName, PageSize: completionLimit,
		})
		if err != nil {
			return out, err
		}
		for _, m := range page.Items {
			if len(m.Email) >= len(prefix) && strings.EqualFold(m.Email[:len(prefix)], prefix) {
				out = append(out, cobra.CompletionWithDesc(m.Email, memberSummary(m)))
			}
		}
		return out, nil
	})
}

// memberSummary describes a member in a completion: "Ariel Flores, admin".
func memberSummary(m api.Member) string {
	if name := memberName(review.MemberOf(m)); name != "" {
		return name + ", " + memberRole(review.MemberOf(m))
	}
	return memberRole(review.MemberOf(m))
}

// completeFromAPI connects as the command line says and asks list for the candidates. An
// error, which the shell has no place to show, goes to cobra's completion debug log
// ($BASH_COMP_DEBUG_FILE), and the candidates found so far are offered.
func (a *app) completeFromAPI(cmd *cobra.Command, list func(context.Context, *wrapper.Client) ([]cobra.Completion, error)) ([]cobra.Completion, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
	defer cancel()
	c, err := a.connect(ctx)
	var out []cobra.Completion
	if err == nil {
		out, err = list(ctx, c)
	}
	if err != nil {
		cobra.CompDebugln(describeError(err), true)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
