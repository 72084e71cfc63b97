package audit

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/present"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
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

	got, err = cmdtest.Parse(t, NewCmdAudit, false, "--stale-after", "2w", "--rotate-after", "36h", "--fail-on-findings", "--only-findings",
		"--all-profiles", "--plan", filepath.Join(dir, "plan.json"), "--policy", policy)
	require.NoError(t, err)
	assert.Equal(t, review.Options{StaleAfter: 14 * 24 * time.Hour, RotateAfter: 36 * time.Hour}, got.Review)
	assert.True(t, got.FailOnFindings && got.OnlyFindings && got.AllProfiles && !got.All)
	assert.Equal(t, filepath.Join(dir, "plan.json"), got.PlanPath)
	require.Len(t, got.Policy.Rules, 1)

	for argv, want := range map[string]string{
		"--all --only-findings":   "--all and --only-findings cannot be used together",
		"--policy " + policy:      "--policy needs --plan",
		"--stale-after 0d":        `invalid argument "0d" for "--stale-after" flag: must be more than 0`,
		"--rotate-after -5d":      `invalid argument "-5d" for "--rotate-after" flag: must not be negative`,
		"--plan p --policy /no/p": "--policy: open /no/p",
		"extra":                   "audit takes no arguments",
	} {
		_, err := cmdtest.Parse(t, NewCmdAudit, false, strings.Fields(argv)...)
		assert.ErrorContains(t, err, want, argv)
		assert.Equal(t, clierr.ExitUsage, clierr.Code(err), argv)
	}
}

func TestAuditRun(t *testing.T) {
	ctx := context.Background()
	srv := cmdtest.NewFake(t, 40, 8)
	f, st := cmdtest.NewFactory(t, "")
	cmdtest.ConnectTo(f, srv)
	f.Output.Format = render.JSON
	opts := &Options{Env: f.Env(), Accounts: f.Accounts, Review: review.Options{StaleAfter: review.DefaultStaleAfter}, FailOnFindings: true}

	err := auditRun(ctx, opts)
	var fe *clierr.FindingsError
	require.ErrorAs(t, err, &fe)
	var got present.ReviewJSON
	require.NoError(t, json.Unmarshal(st.Out.Bytes(), &got))
	assert.Equal(t, 40, got.MemberCount)
	assert.Equal(t, got.FindingCount, fe.N)

	// On a terminal, the view grouped by risk.
	st.Out.Reset()
	f.Output.Format = render.Table
	f.IOStreams.SetStdoutTTY(true)
	opts.FailOnFindings = false
	require.NoError(t, auditRun(ctx, opts))
	assert.Contains(t, st.Out.String(), "HIGH risk · ")

	// A plan, with the instance it was made on.
	plan := filepath.Join(t.TempDir(), "plan.json")
	opts.PlanPath, opts.Policy = plan, review.Policy{Rules: []review.Rule{{Finding: review.MemberNoTeam, Action: review.RemoveCustomRoles}}}
	require.NoError(t, auditRun(ctx, opts))
	data, err := os.ReadFile(plan)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"instance": "`+srv.URL+`"`)
	assert.Contains(t, st.Err.String(), "wrote a plan of")
}
