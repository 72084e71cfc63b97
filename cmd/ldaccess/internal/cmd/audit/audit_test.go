package audit

import (
	"bytes"
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/fake"
	"github.com/ldaccess/ldaccess/review"
)

func TestNewCmdAudit(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("rules:\n  - {finding: stale, action: delete-token}\n"), 0o600))

	got, err := cmdtest.Parse(t, NewCmdAudit, false)
	require.NoError(t, err)
	assert.Equal(t, review.Options{StaleAfter: review.DefaultStaleAfter, RotateAfter: review.DefaultRotateAfter}, got.Review)
	assert.Equal(t, review.DefaultPolicy, got.Policy)
	assert.Empty(t, got.FailOn)
	assert.False(t, got.AllowPartial)

	got, err = cmdtest.Parse(t, NewCmdAudit, false, "--stale-after", "2w", "--rotate-after", "36h", "--fail-on-findings", "--only-findings",
		"--all-profiles", "--plan", filepath.Join(dir, "plan.json"), "--policy", policy)
	require.NoError(t, err)
	assert.Equal(t, review.Options{StaleAfter: 14 * 24 * time.Hour, RotateAfter: 36 * time.Hour}, got.Review)
	assert.Equal(t, "low", got.FailOn, "--fail-on-findings is --fail-on low")
	assert.True(t, got.OnlyFindings && got.AllProfiles && !got.All)
	assert.Equal(t, filepath.Join(dir, "plan.json"), got.PlanPath)
	require.Len(t, got.Policy.Rules, 1)

	got, err = cmdtest.Parse(t, NewCmdAudit, false, "--fail-on", "high", "--allow-partial", "--since", "q1.json", "--journal", "plan.json.journal")
	require.NoError(t, err)
	assert.Equal(t, "high", got.FailOn)
	assert.True(t, got.AllowPartial)
	assert.Equal(t, "q1.json", got.Since)
	assert.Equal(t, "plan.json.journal", got.Journal)

	for argv, want := range map[string]string{
		"--all --only-findings":                  "--all and --only-findings cannot be used together",
		"--fail-on high --fail-on-findings":      "--fail-on and --fail-on-findings cannot be used together",
		"--fail-on critical":                     `invalid argument "critical" for "--fail-on" flag: must be high, medium or low, not "critical"`,
		"--journal plan.json.journal":            "--journal needs --since",
		"--policy " + policy:                     "--policy needs --plan",
		"--stale-after 0d":                       `invalid argument "0d" for "--stale-after" flag: must be more than 0`,
		"--rotate-after -5d":                     `invalid argument "-5d" for "--rotate-after" flag: must not be negative`,
		"--plan p --policy /no/p":                "--policy: open /no/p",
		"extra":                                  "audit takes no arguments",
		"diff one.json":                          "two reviews: OLD.json NEW.json",
		"diff a.json b.json --fail-on everybody": `must be high, medium or low`,
	} {
		_, err := cmdtest.Parse(t, NewCmdAudit, false, strings.Fields(argv)...)
		assert.ErrorContains(t, err, want, argv)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), argv)
	}
}

func TestNewCmdDiff(t *testing.T) {
	got, err := cmdtest.Parse(t, NewCmdDiff, false, "old.json", "new.json", "--journal", "plan.json.journal", "--fail-on", "medium")
	require.NoError(t, err)
	assert.Equal(t, "old.json", got.Old)
	assert.Equal(t, "new.json", got.New)
	assert.Equal(t, "plan.json.journal", got.Journal)
	assert.Equal(t, "medium", got.FailOn)
}

// fixture is an audit's options against a small fake, with its output.
func fixture(t *testing.T, format render.Format) (*Options, *cmdtest.Streams, *fake.Server) {
	srv := cmdtest.NewFake(t, 40, 8)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	f.Output.Format = format
	opts := &Options{Env: f.Env(), Accounts: f.Accounts, Review: review.Options{StaleAfter: review.DefaultStaleAfter}, Version: "v9"}
	return opts, st, srv
}

func TestAuditRun(t *testing.T) {
	ctx := context.Background()
	opts, st, srv := fixture(t, render.JSON)
	opts.FailOn = "low"

	err := auditRun(ctx, opts)
	var fe *clierr.FindingsError
	require.ErrorAs(t, err, &fe)
	got, err := review.ReadReport(bytes.NewReader(st.Out.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, 40, got.MemberCount)
	assert.Equal(t, got.FindingCount(), fe.N)
	assert.Equal(t, "ldaccess v9", got.Version)
	assert.Equal(t, "custom", got.Instance)
	assert.Equal(t, srv.URL, got.BaseURL)

	// On a terminal, the view grouped by risk.
	st.Out.Reset()
	opts.Output.Format = render.Table
	opts.IO.SetStdoutTTY(true)
	opts.FailOn = ""
	require.NoError(t, auditRun(ctx, opts))
	assert.Contains(t, st.Out.String(), "HIGH risk · ")

	// A plan, with the instance it was made on; the review records the policy.
	plan := filepath.Join(t.TempDir(), "plan.json")
	opts.PlanPath, opts.Policy = plan, review.Policy{Rules: []review.Rule{{Finding: review.MemberNoTeam, Action: review.RemoveCustomRoles}}}
	require.NoError(t, auditRun(ctx, opts))
	data, err := os.ReadFile(plan)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"instance": "`+srv.URL+`"`)
	assert.Contains(t, st.Err.String(), "wrote a plan of")
	assert.Contains(t, st.Out.String(), "policy: no-team → remove-custom-roles")
}

// TestFailOnCountsFindingsAtOrAboveTheRisk: the gate's exit code, from the findings' risks.
func TestFailOnCountsFindingsAtOrAboveTheRisk(t *testing.T) {
	opts, st, _ := fixture(t, render.JSON)
	require.NoError(t, auditRun(context.Background(), opts), "no gate: exit 0 whatever is found")
	r, err := review.ReadReport(bytes.NewReader(st.Out.Bytes()))
	require.NoError(t, err)
	for _, risk := range []review.Risk{review.RiskHigh, review.RiskMedium, review.RiskLow} {
		require.Positive(t, r.CountAtLeast(risk))
		opts.FailOn = risk.String()
		st.Out.Reset()
		err := auditRun(context.Background(), opts)
		var fe *clierr.FindingsError
		require.ErrorAs(t, err, &fe, risk.String())
		assert.Equal(t, clierr.ExitFindings, clierr.Code(err))
		assert.Equal(t, r.CountAtLeast(risk), fe.N, risk.String())
		assert.NotEmpty(t, st.Out.String(), "the review is printed before the gate fails")
	}
}

// TestAReaderTokensAuditFailsAsIncomplete: a token that cannot list every token makes an
// incomplete review: exit 4, unless --allow-partial, and every format says so.
func TestAReaderTokensAuditFailsAsIncomplete(t *testing.T) {
	ctx := context.Background()
	opts, st, srv := fixture(t, render.JSON)
	var reader api.Member
	for _, m := range srv.Members() {
		if m.Role == "reader" && !m.PendingInvite {
			reader = m
			break
		}
	}
	tok, ok := srv.IssueToken(reader.ID, "reader")
	require.True(t, ok)
	opts.Accounts.Flags.Token = tok.Secret
	opts.FailOn = "high"

	for _, format := range []render.Format{render.JSON, render.CSV, render.Table, render.HTML} {
		st.Out.Reset()
		opts.Output.Format = format
		opts.AllowPartial = false
		err := auditRun(ctx, opts)
		var ie *clierr.IncompleteError
		require.ErrorAs(t, err, &ie, format)
		assert.Equal(t, clierr.ExitIncomplete, clierr.Code(err), "exit 4 before the gate's 3")
		assert.Contains(t, text(st.Out.String()), "incomplete review: only "+reader.Email+"'s", "%s says it is incomplete", format)

		opts.AllowPartial = true
		err = auditRun(ctx, opts)
		assert.False(t, clierr.Code(err) == clierr.ExitIncomplete, "%s: --allow-partial accepts it: %v", format, err)
	}
}

// text is output as a person reads it: an HTML page without its markup, words one space apart,
// any format lower-cased.
func text(out string) string {
	out = html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(out, ""))
	return strings.ToLower(strings.Join(strings.Fields(out), " "))
}
