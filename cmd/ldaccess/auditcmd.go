package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

const auditLong = `Review every access token and member of the account. Listing every token needs an admin
token; with another, the audit says so and reviews the tokens of the caller's own member.

Tokens are listed with their owner, access (built-in role, custom roles or inline policy),
kind (service or personal), creation and last use. Their findings:
  never-used        the token has never been used
  stale             unused for more than --stale-after
  over-privileged   the admin role, or an inline policy allowing "*" actions or resources
  owner-gone        the token's owner is no longer a member
  rotation-due      the secret was issued (created, or last reset or edited) more than
                    --rotate-after ago

Members are listed with email, name, role, teams, last seen, MFA and pending invite. Findings:
  never-logged-in   no login on record (_lastSeen 0), which includes members LaunchDarkly has
                    no last-seen data for; pending invitees are judged by their invite instead
  inactive          not seen for more than --stale-after
  admin-without-mfa an admin or owner without multi-factor authentication
  stale-invite      invited more than --stale-after ago and not yet accepted
  no-team           on no team

On a terminal the review reads at a glance: the summary, highest risk first (high:
over-privileged, admin-without-mfa, owner-gone; medium: stale, never-used, stale-invite,
inactive; low: never-logged-in, no-team), then a table per finding with its count, listing
only the tokens and members that have it (ALSO names their other findings). --all adds the
ones without findings.

In a pipe, and with --format csv or json, the summary (counts by finding) comes first, then
every row: in table and CSV output as sections (summary, tokens, members; in CSV each with its
own header row, separated by a blank line), in JSON as the fields "summary", "tokens" and
"members".

--format html writes one self-contained HTML file for an auditor or an evidence folder: the
review's date, account, instance and threshold, the counts with a bar chart, and a table per
finding. It loads nothing and runs no script.

--profile a --profile b, or --all-profiles, reviews several accounts at once into one report
with an account column (in JSON, one review per account under "accounts").

With --plan FILE it also writes a remediation plan for "ldaccess apply": the actions the
--policy file asks for (without one, none), each with the state it was judged on. A policy:
  {"rules": [
     {"finding": "stale", "action": "delete-token"},
     {"finding": "inactive", "olderThan": "180d", "action": "remove-member"},
     {"finding": "admin-without-mfa", "action": "set-role", "role": "reader"},
     {"finding": "no-team", "action": "remove-custom-roles"},
     {"finding": "rotation-due", "action": "reset-token", "expireOldIn": "24h"}],
   "never": ["cto@example.com", "61095542756dba551110ae21"]}
"never" lists member IDs, token IDs and emails no action touches; the owner is never touched.

While it pages through the account it shows its progress on stderr, when stderr is a terminal.
With --fail-on-findings it exits with status 3 when anything is found, for scheduled jobs.`

func (a *app) auditCmd() *cobra.Command {
	staleAfter := ageFlag(review.DefaultStaleAfter)
	rotateAfter := ageFlag(review.DefaultRotateAfter)
	var failOnFindings, onlyFindings, all, allProfiles bool
	var planPath, policyPath string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Access review: stale, unused and over-privileged tokens and members",
		Long:  auditLong,
		Example: `  ldaccess --fake audit
  ldaccess audit --format html > access-review.html
  ldaccess audit --all-profiles --format csv > review.csv
  ldaccess audit --stale-after 30d --only-findings
  ldaccess audit --format csv > review.csv
  ldaccess audit --format json --fail-on-findings | jq .summary
  ldaccess audit --plan plan.json --policy policy.json`,
		Args:        exactArgs(0, "no arguments"),
		Annotations: map[string]string{"html": "yes", "profiles": "yes"},
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			if staleAfter <= 0 {
				return usagef("--stale-after must be positive")
			}
			if rotateAfter <= 0 {
				return usagef("--rotate-after must be positive")
			}
			planPath, policyPath := a.path(planPath), a.path(policyPath)
			if all && onlyFindings {
				return usagef("--all and --only-findings cannot be used together")
			}
			policy, err := readPolicyFile(policyPath)
			if err != nil {
				return err
			}
			if policyPath != "" && planPath == "" {
				return usagef("--policy needs --plan: the policy says what goes into the plan")
			}
			o := review.Options{StaleAfter: time.Duration(staleAfter), RotateAfter: time.Duration(rotateAfter)}
			accounts, err := a.reviewAccounts(cmd.Context(), allProfiles, o)
			if err != nil {
				return err
			}
			if planPath != "" {
				if len(accounts) > 1 {
					return usagef("--plan takes one account: give one --profile, not several or --all-profiles")
				}
				p, err := review.NewPlan(accounts[0].Report, policy)
				if err != nil {
					return err
				}
				if p.Instance, err = planInstance(accounts[0].target); err != nil {
					return err
				}
				if err := a.writePlanFile(planPath, p); err != nil {
					return err
				}
				a.planNote(planPath, p)
			}
			n := totals(accounts).Findings
			if onlyFindings {
				for i := range accounts {
					accounts[i].Report = accounts[i].Report.OnlyFindings()
				}
			}
			if err := a.renderAudit(accounts, all); err != nil {
				return err
			}
			if failOnFindings && n > 0 {
				return &findingsError{n: n}
			}
			return nil
		}),
	}
	f := cmd.Flags()
	f.Var(&staleAfter, "stale-after", `how long unused or unseen counts as stale: "90d", "2w", "36h"`)
	f.Var(&rotateAfter, "rotate-after", `how old a token's secret may get before its rotation is due`)
	f.BoolVar(&failOnFindings, "fail-on-findings", false, "exit with status 3 if anything is found")
	f.StringVar(&planPath, "plan", "", "also write a remediation plan to this file, for ldaccess apply")
	f.StringVar(&policyPath, "policy", "", "the policy (JSON, or YAML if named *.yaml) that turns findings into the plan's actions (default: none; nothing is changed)")
	f.BoolVar(&onlyFindings, "only-findings", false, "list only the tokens and members with findings (the summary still counts all)")
	f.BoolVar(&all, "all", false, "on a terminal and in HTML, list the tokens and members without findings too")
	f.BoolVar(&allProfiles, "all-profiles", false, "review the account of every profile, into one report")
	return cmd
}

// review runs the access review with progress on a terminal. Pages are the wrapper's default
// size: LaunchDarkly publishes no maximum.
func (a *app) review(ctx context.Context, c *wrapper.Client, o review.Options) (report, error) {
	var memberTotal, tokenTotal int
	if a.status.tty {
		// One small request each for totalCount, only when someone is watching.
		if page, err := c.ListMembers(ctx, wrapper.MembersQuery{PageSize: 1}); err == nil {
			memberTotal = page.TotalCount
		}
		if page, err := c.ListTokens(ctx, wrapper.TokensQuery{ShowAll: true, PageSize: 1}); err == nil {
			tokenTotal = page.TotalCount
		}
	}
	o.Now = a.now
	o.Progress = func(what string, n int, done bool) {
		total := memberTotal
		if what == "tokens" {
			total = tokenTotal
		}
		a.status.setAccountProgress(progressAccount(ctx), what, n, total, done)
	}
	r, err := review.Run(ctx, c, o)
	a.status.clear()
	if err == nil && !r.Coverage.AllTokens {
		a.status.notef("this token may not list every token of the account (that needs an admin); reviewing only its own member's tokens")
	}
	return r, err
}

// auditJSON is the JSON form of a report.
type auditJSON struct {
	GeneratedAt    string            `json:"generatedAt"`
	StaleAfterDays float64           `json:"staleAfterDays"`
	TokenCount     int               `json:"tokenCount"`  // tokens reviewed
	MemberCount    int               `json:"memberCount"` // members reviewed
	FindingCount   int               `json:"findingCount"`
	Summary        []auditJSONCount  `json:"summary"`
	Tokens         []auditJSONToken  `json:"tokens"`
	Members        []auditJSONMember `json:"members"`
}

type auditJSONCount struct {
	Subject     string `json:"subject"`
	Finding     string `json:"finding"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

type auditJSONToken struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	OwnerID       string          `json:"ownerId"`
	Owner         string          `json:"owner"`
	Role          string          `json:"role,omitempty"`
	CustomRoleIDs []string        `json:"customRoleIds,omitempty"`
	InlineRole    []api.Statement `json:"inlineRole,omitempty"`
	Service       bool            `json:"service"`
	Created       *string         `json:"created"`
	LastUsed      *string         `json:"lastUsed"`
	Findings      []string        `json:"findings"`
}

type auditJSONMember struct {
	ID            string   `json:"id"`
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	CustomRoles   []string `json:"customRoles"`
	Teams         []string `json:"teams"`
	LastSeen      *string  `json:"lastSeen"`
	MFA           string   `json:"mfa"`
	PendingInvite bool     `json:"pendingInvite"`
	Created       *string  `json:"created"`
	Findings      []string `json:"findings"`
}

func findingStrings(fs []finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// auditView lays a report out for the renderer.
func auditView(r report, format string) view {
	sum := r.Summary()
	j := auditJSON{
		GeneratedAt:    r.GeneratedAt.UTC().Format(time.RFC3339),
		StaleAfterDays: r.StaleAfter.Hours() / 24,
		TokenCount:     r.TokenCount,
		MemberCount:    r.MemberCount,
		FindingCount:   r.FindingCount(),
		Summary:        make([]auditJSONCount, 0, len(sum)),
		Tokens:         make([]auditJSONToken, 0, len(r.Tokens)),
		Members:        make([]auditJSONMember, 0, len(r.Members)),
	}
	for _, l := range sum {
		j.Summary = append(j.Summary, auditJSONCount{Subject: l.Subject, Finding: string(l.Finding), Description: r.Describe(l.Finding), Count: l.Count})
	}

	summary := section{
		Title: fmt.Sprintf("Access review of %d tokens and %d members, %s (stale after %s): %d findings",
			r.TokenCount, r.MemberCount, r.GeneratedAt.UTC().Format(time.DateOnly), review.FormatDays(r.StaleAfter), r.FindingCount()),
		Header: []string{"subject", "finding", "count", "description"},
	}
	for _, l := range sum {
		summary.Rows = append(summary.Rows, []string{l.Subject, string(l.Finding), strconv.Itoa(l.Count), r.Describe(l.Finding)})
	}

	tokens := section{
		Title:  rowsTitle("Tokens", len(r.Tokens), r.TokenCount),
		Header: []string{"id", "name", "owner", "access", "kind", "created", "last used", "findings"},
		Empty:  "no tokens",
		Keep:   tokenKeep,
		Drop:   tokenDrop,
	}
	for _, t := range r.Tokens {
		tok := t.Token
		kind := "personal"
		if tok.ServiceToken {
			kind = "service"
		}
		tokens.Rows = append(tokens.Rows, []string{
			tok.ID, tok.Name, t.Owner, tokenAccess(tok), kind,
			timeCell(format, tok.CreationDate), timeCell(format, tok.LastUsed), joinFindings(t.Findings),
		})
		jt := auditJSONToken{
			ID: tok.ID, Name: tok.Name, OwnerID: tok.OwnerID, Owner: t.Owner, Role: tok.Role,
			CustomRoleIDs: tok.CustomRoleIDs, InlineRole: tok.InlineRole, Service: tok.ServiceToken,
			Created: jsonTime(tok.CreationDate), LastUsed: jsonTime(tok.LastUsed), Findings: findingStrings(t.Findings),
		}
		j.Tokens = append(j.Tokens, jt)
	}

	members := section{
		Title:  rowsTitle("Members", len(r.Members), r.MemberCount),
		Header: []string{"id", "email", "name", "role", "teams", "last seen", "mfa", "invite", "findings"},
		Empty:  "no members",
		Keep:   memberKeep,
		Drop:   memberDrop,
	}
	for _, row := range r.Members {
		m := row.Member
		invite := ""
		if m.PendingInvite {
			invite = "pending since " + day(m.CreationDate)
			if format == formatCSV {
				invite = "pending"
			}
		}
		members.Rows = append(members.Rows, []string{
			m.ID, m.Email, memberName(m), memberRole(m), strings.Join(teamKeys(m), ","),
			timeCell(format, m.LastSeen), m.MFA, invite, joinFindings(row.Findings),
		})
		j.Members = append(j.Members, auditJSONMember{
			ID: m.ID, Email: m.Email, Name: memberName(m), Role: m.Role, CustomRoles: nonNil(m.CustomRoles),
			Teams: teamKeys(m), LastSeen: jsonTime(m.LastSeen), MFA: m.MFA, PendingInvite: m.PendingInvite,
			Created: jsonTime(m.CreationDate), Findings: findingStrings(row.Findings),
		})
	}
	return view{JSON: j, Sections: []section{summary, tokens, members}}
}

// rowsTitle heads a section of rows: "Tokens (42)", or "Tokens (7 of 42, those with findings)".
func rowsTitle(what string, shown, total int) string {
	if shown == total {
		return fmt.Sprintf("%s (%d)", what, total)
	}
	return fmt.Sprintf("%s (%d of %d, those with findings)", what, shown, total)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// memberName is "First Last", whichever parts there are.
func memberName(m review.Member) string { return m.Name() }

// memberRole is the role with any custom roles: "writer", "no_access + flag-editor + qa".
func memberRole(m review.Member) string {
	return strings.Join(append([]string{m.Role}, m.CustomRoles...), " + ")
}

// teamKeys lists the keys of the member's teams, never nil.
func teamKeys(m review.Member) []string { return nonNil(m.Teams) }
