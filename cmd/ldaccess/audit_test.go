package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
)

var (
	testNow    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	testStale  = 90 * 24 * time.Hour
	daysAgo    = func(d float64) int64 { return testNow.Add(-time.Duration(d * float64(24*time.Hour))).UnixMilli() }
	adminTeams = []api.MemberTeamSummaryRep{{Key: "platform", Name: "Platform"}}
)

func TestEmptyAccount(t *testing.T) {
	r := review.BuildReport(nil, nil, testNow, review.Options{StaleAfter: testStale})
	require.Zero(t, r.FindingCount(), "%v", r)
	require.Len(t, r.Summary(), 10, "%v", r)
	for _, format := range []string{formatTable, formatJSON, formatCSV} {
		var b strings.Builder
		require.NoError(t, render(&b, format, auditView(r, format)), format)
	}
}

func TestTokenAccess(t *testing.T) {
	tests := []struct {
		tok  api.Token
		want string
	}{
		{api.Token{Role: "writer"}, "writer"},
		{api.Token{CustomRoleIDs: []string{"b", "a"}}, "custom roles: a b"},
		{api.Token{InlineRole: []api.Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"proj/*"}}}}, "inline policy: allow * on proj/*"},
		{api.Token{InlineRole: []api.Statement{{Effect: "deny", NotActions: []string{"x"}, NotResources: []string{"y"}}}}, "inline policy: deny all but x on all but y"},
		{api.Token{}, "-"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tokenAccess(tt.tok), "tokenAccess")
	}
}
