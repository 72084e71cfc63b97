package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

func runReview(t testing.TB, c *wrapper.Client, o review.Options) review.Report {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return seededAt }
	}
	r, err := review.Run(context.Background(), c, o)
	require.NoError(t, err)
	return r
}

// TestAReviewRecordsWhoWhereWhenAndWhatItSaw: an admin's review is complete and names the
// account's owner, the caller's member and token, the instance, the base URL, the version.
func TestAReviewRecordsWhoWhereWhenAndWhatItSaw(t *testing.T) {
	srv := newServer(t, newAccount(7), nil)
	r := runReview(t, newClient(t, srv), review.Options{Version: "ldaccess v9.9.9"})

	owner, ok := srv.Member(srv.OwnerID())
	require.True(t, ok)
	assert.Equal(t, review.Account{OwnerID: owner.ID, OwnerEmail: owner.Email}, r.Account)
	assert.Equal(t, owner.ID, r.Caller.MemberID, "the fake's admin token is the owner's")
	assert.Equal(t, owner.Email, r.Caller.Email)
	require.Len(t, r.Caller.TokenIDs, 1)
	assert.NotEmpty(t, r.Caller.TokenName)
	assert.Equal(t, srv.URL, r.BaseURL)
	assert.Equal(t, "custom", r.Instance, "a base URL that is none of LaunchDarkly's")
	assert.Equal(t, "ldaccess v9.9.9", r.Version)
	assert.Equal(t, seededAt, r.GeneratedAt)
	assert.True(t, r.Coverage.Complete())
	assert.Empty(t, r.Incomplete())
	assert.Equal(t, len(srv.Tokens()), r.TokenCount)
	assert.Equal(t, len(srv.Members()), r.MemberCount)

	r = runReview(t, newClient(t, srv), review.Options{})
	assert.True(t, strings.HasPrefix(r.Version, "ldaccess review "), "without a version, the module's: %q", r.Version)
}

// TestAReaderTokensReviewSaysItIsIncomplete: a reader may list only its own member's tokens;
// the review says so in one statement every output carries.
func TestAReaderTokensReviewSaysItIsIncomplete(t *testing.T) {
	srv := newServer(t, newAccount(7), nil)
	m := adminWithoutMFA(t, srv)
	tok, ok := srv.IssueToken(m.ID, "reader")
	require.True(t, ok)
	c, err := wrapper.New(tok.Secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	r := runReview(t, c, review.Options{})

	assert.False(t, r.Coverage.AllTokens)
	assert.True(t, r.Coverage.AllMembers)
	assert.False(t, r.Coverage.Complete())
	own := 0
	for _, tk := range srv.Tokens() {
		if tk.OwnerID == m.ID {
			own++
		}
	}
	require.Equal(t, own, r.TokenCount, "the member's own tokens")
	require.Less(t, r.TokenCount, len(srv.Tokens()))
	assert.Equal(t, "incomplete review: only "+m.Email+"'s "+itoa(own)+" tokens were reviewed, not every token of the account "+
		"(listing every token needs an admin token)", r.Incomplete())
	assert.Equal(t, m.ID, r.Caller.MemberID)
	assert.Equal(t, []string{tok.ID}, r.Caller.TokenIDs)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestTheEvidenceReadsBackAsTheReview: WriteReport's JSON, read back, is the review: its
// record, its thresholds and every row with its findings.
func TestTheEvidenceReadsBackAsTheReview(t *testing.T) {
	srv := newServer(t, newAccount(8), nil)
	r := runReview(t, newClient(t, srv), review.Options{StaleAfter: 30 * 24 * time.Hour, Version: "ldaccess test"})
	r.Name = "production"
	r.Policy = &review.Policy{Rules: []review.Rule{{Finding: review.TokenStale, Action: review.DeleteToken}}, Never: []string{"cto@acme.io"}}
	var buf bytes.Buffer
	require.NoError(t, review.WriteReport(&buf, r))

	back, err := review.ReadReport(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, r.Name, back.Name)
	assert.Equal(t, r.GeneratedAt.UTC(), back.GeneratedAt)
	assert.Equal(t, r.Account, back.Account)
	assert.Equal(t, r.Caller, back.Caller)
	assert.Equal(t, r.Instance, back.Instance)
	assert.Equal(t, r.BaseURL, back.BaseURL)
	assert.Equal(t, r.Coverage, back.Coverage)
	assert.Equal(t, r.Policy, back.Policy)
	assert.Equal(t, r.StaleAfter, back.StaleAfter)
	assert.Equal(t, r.RotateAfter, back.RotateAfter)
	assert.Equal(t, r.Version, back.Version)
	assert.Equal(t, r.TokenCount, back.TokenCount)
	assert.Equal(t, r.MemberCount, back.MemberCount)
	assert.Equal(t, r.Summary(), back.Summary())
	require.Len(t, back.Tokens, len(r.Tokens))
	require.Len(t, back.Members, len(r.Members))
	sec := func(ms int64) int64 { return ms / 1000 }
	for i, row := range r.Tokens {
		got := back.Tokens[i]
		assert.Equal(t, row.Token.ID, got.Token.ID)
		assert.Equal(t, row.Token.Name, got.Token.Name)
		assert.Equal(t, row.Owner, got.Owner)
		assert.Equal(t, row.Token.Role, got.Token.Role)
		assert.Equal(t, row.Token.InlineRole, got.Token.InlineRole)
		assert.Equal(t, sec(row.Token.LastUsed), sec(got.Token.LastUsed), "to the second")
		assert.Equal(t, row.Findings, got.Findings, "token %s", row.Token.ID)
	}
	for i, row := range r.Members {
		got := back.Members[i]
		assert.Equal(t, row.Member.ID, got.Member.ID)
		assert.Equal(t, row.Member.Email, got.Member.Email)
		assert.Equal(t, row.Member.Name(), got.Member.Name())
		assert.Equal(t, row.Member.Teams, got.Member.Teams)
		assert.Equal(t, sec(row.Member.LastSeen), sec(got.Member.LastSeen))
		assert.Equal(t, row.Findings, got.Findings, "member %s", row.Member.ID)
	}

	// What a script reads: the summary and each row carry the risk.
	var doc struct {
		Format   int `json:"reviewFormat"`
		Coverage struct {
			Complete bool `json:"complete"`
		} `json:"coverage"`
		Summary []struct {
			Finding string `json:"finding"`
			Risk    string `json:"risk"`
		} `json:"summary"`
		Tokens []struct {
			Risk     string   `json:"risk"`
			Findings []string `json:"findings"`
		} `json:"tokens"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, review.ReportFormat, doc.Format)
	assert.True(t, doc.Coverage.Complete)
	for _, s := range doc.Summary {
		assert.Equal(t, review.Finding(s.Finding).Risk().String(), s.Risk, s.Finding)
	}
	for _, tk := range doc.Tokens {
		if len(tk.Findings) > 0 {
			assert.NotEmpty(t, tk.Risk)
		}
	}
}

// TestSeveralAccountsEvidence: WriteReports holds one review per account, each as WriteReport
// writes it; ReadReport refuses it (one account), ParseReports reads both.
func TestSeveralAccountsEvidence(t *testing.T) {
	a := runReview(t, newClient(t, newServer(t, newAccount(1), nil)), review.Options{})
	b := runReview(t, newClient(t, newServer(t, newAccount(2), nil)), review.Options{})
	a.Name, b.Name = "staging", "production"
	var buf bytes.Buffer
	require.NoError(t, review.WriteReports(&buf, []review.Report{a, b}))
	require.True(t, json.Valid(buf.Bytes()), buf.String())

	rs, err := review.ParseReports(buf.Bytes(), "all.json")
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, "staging", rs[0].Name)
	assert.Equal(t, b.Account, rs[1].Account)
	assert.Equal(t, b.Summary(), rs[1].Summary())

	_, err = review.ReadReport(bytes.NewReader(buf.Bytes()))
	assert.ErrorContains(t, err, "holds the reviews of 2 accounts")
}

// TestEvidenceWritesHoldWholeRows: a writer that redacts each write as it comes (as the
// command's does) sees every value whole, however many rows there are.
func TestEvidenceWritesHoldWholeRows(t *testing.T) {
	const secret = "api-0123456789abcdef"
	r := review.BuildReport(nil, nil, seededAt, review.Options{})
	for i := range 5000 {
		r.Members = append(r.Members, review.MemberRow{Member: review.Member{
			ID: "m" + itoa(i), Email: "x@y.io", FirstName: strings.Repeat("a", i%37) + secret, Role: "reader"}})
	}
	r.MemberCount = len(r.Members)
	w := &redacting{secret: secret}
	require.NoError(t, review.WriteReport(w, r))
	assert.Greater(t, w.writes, 2, "written in several pieces")
	assert.NotContains(t, w.out.String(), secret)
	assert.True(t, json.Valid(w.out.Bytes()))
}

type redacting struct {
	secret string
	out    bytes.Buffer
	writes int
}

func (w *redacting) Write(p []byte) (int, error) {
	w.writes++
	w.out.WriteString(strings.ReplaceAll(string(p), w.secret, "[redacted]"))
	return len(p), nil
}

// TestReadingWhatIsNotAReview: another document, a future format, a stray field or a row
// twice is an error at its line, not a review that says something else.
func TestReadingWhatIsNotAReview(t *testing.T) {
	r := review.BuildReport(nil, nil, seededAt, review.Options{})
	r.Members = []review.MemberRow{{Member: review.Member{ID: "m1", Email: "a@b.io"}}, {Member: review.Member{ID: "m2", Email: "c@d.io"}}}
	r.MemberCount = 2
	var buf bytes.Buffer
	require.NoError(t, review.WriteReport(&buf, r))
	good := buf.String()

	tests := []struct {
		name, doc, want string
	}{
		{"a plan", `{"format": 1, "account": {"ownerId": "o"}, "actions": []}`, "not an ldaccess review"},
		{"a future format", strings.Replace(good, `"reviewFormat": 1`, `"reviewFormat": 2`, 1), "reads format 1"},
		{"a stray field", strings.Replace(good, `"coverage"`, `"coverge"`, 1), `unknown field "coverge"`},
		{"a member twice", strings.Replace(good, `"id": "m2"`, `"id": "m1"`, 1), "member m1 is listed twice"},
		{"a member without an id", strings.Replace(good, `"id": "m2"`, `"id": ""`, 1), "a member without an id"},
		{"not JSON", "<html>", "review.json:1:1"},
		{"cut short", good[:len(good)/2], "ends before the JSON does"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := review.ParseReports([]byte(tt.doc), "review.json")
			require.Error(t, err)
			var pe *review.ParseError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			assert.ErrorContains(t, err, tt.want)
			assert.Contains(t, err.Error(), "review.json:")
		})
	}
}

// TestRiskRanksEveryFinding: one ranking, every finding in it once.
func TestRiskRanksEveryFinding(t *testing.T) {
	all := append(append([]review.Finding{}, review.TokenFindingOrder...), review.MemberFindingOrder...)
	assert.ElementsMatch(t, all, review.FindingsByRisk)
	prev := review.RiskHigh
	for _, f := range review.FindingsByRisk {
		assert.LessOrEqual(t, f.Risk(), prev, "%s is ranked after a lower risk", f)
		assert.NotEqual(t, review.RiskNone, f.Risk(), f)
		prev = f.Risk()
	}
	for _, s := range []string{"high", "medium", "low"} {
		r, err := review.ParseRisk(s)
		require.NoError(t, err)
		assert.Equal(t, s, r.String())
	}
	_, err := review.ParseRisk("critical")
	assert.ErrorContains(t, err, "want high, medium or low")
	assert.Equal(t, review.RiskHigh, review.WorstRisk([]review.Finding{review.MemberNoTeam, review.TokenOwnerGone}))
	assert.Equal(t, review.RiskNone, review.WorstRisk(nil))
}

func TestCountAtLeast(t *testing.T) {
	r := review.BuildReport(nil, nil, seededAt, review.Options{})
	r.Members = []review.MemberRow{
		{Member: review.Member{ID: "a"}, Findings: []review.Finding{review.MemberAdminNoMFA, review.MemberNoTeam}},
		{Member: review.Member{ID: "b"}, Findings: []review.Finding{review.MemberInactive}},
	}
	assert.Equal(t, 1, r.CountAtLeast(review.RiskHigh))
	assert.Equal(t, 2, r.CountAtLeast(review.RiskMedium))
	assert.Equal(t, 3, r.CountAtLeast(review.RiskLow))
}

// FuzzParseReports: whatever a file holds, reading it as a review never panics, and a review
// it reads writes back as evidence that reads back the same.
func FuzzParseReports(f *testing.F) {
	r := review.BuildReport(nil, nil, seededAt, review.Options{Version: "v1"})
	r.Members = []review.MemberRow{{Member: review.Member{ID: "m1", Email: "a@b.io", FirstName: "Ann Lee", Teams: []string{"x"}}, Findings: []review.Finding{review.MemberNoTeam}}}
	r.MemberCount = 1
	r.Coverage.AllTokens = false
	var one, two bytes.Buffer
	require.NoError(f, review.WriteReport(&one, r))
	require.NoError(f, review.WriteReports(&two, []review.Report{r, r}))
	f.Add(one.Bytes())
	f.Add(two.Bytes())
	f.Add([]byte(`{"reviewFormat": 1, "tokens": [{"id": "t", "created": "not a time"}]}`))
	f.Add([]byte(`{"reviewFormat": 1, "tokenCount": -1, "tokens": [{"id": "t"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := review.ParseReports(data, "f.json")
		if err != nil {
			return
		}
		var first bytes.Buffer
		require.NoError(t, review.WriteReports(&first, rs))
		again, err := review.ParseReports(first.Bytes(), "again.json")
		require.NoError(t, err, "%s", first.String())
		var second bytes.Buffer
		require.NoError(t, review.WriteReports(&second, again))
		assert.Equal(t, first.String(), second.String())
	})
}
