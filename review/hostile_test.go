package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/review"
	"github.com/ldaccess/ldaccess/wrapper"
)

// rewrite is a hostile server in front of the fake: edit changes the JSON answers to the
// requests match picks.
type rewrite struct {
	match func(*http.Request) bool
	edit  func(map[string]any)
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !rw.match(r) || resp.StatusCode != 200 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		if items, ok := doc["items"].([]any); ok {
			for _, it := range items {
				rw.edit(it.(map[string]any))
			}
		} else {
			rw.edit(doc)
		}
		body, _ = json.Marshal(doc)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func hostileClient(t *testing.T, secret, url string, rw rewrite) *wrapper.Client {
	c, err := wrapper.New(secret, wrapper.WithBaseURL(url), wrapper.WithHTTPClient(&http.Client{Transport: rw}),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c
}

// TestATamperedPlanGrantsNothing: a plan whose recorded state was edited to make a raise look
// like a demotion (an "admin" given writer, who is really a reader) is judged again on the
// member as it is: not sent.
func TestATamperedPlanGrantsNothing(t *testing.T) {
	srv := newServer(t, newAccount(51), nil)
	c := newClient(t, srv)
	var m api.Member
	for _, x := range srv.Members() {
		if x.Role == "reader" && !x.PendingInvite {
			m = x
			break
		}
	}
	require.NotEmpty(t, m.ID)
	state := review.MemberState(m)
	state.Role = "admin" // the lie
	plan := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: srv.OwnerID()}, Actions: []review.Action{{
		ID: "set-role:" + m.ID, Kind: review.SetRole, Subject: "member", ObjectID: m.ID, Role: "writer", State: state,
	}}}
	require.NoError(t, plan.Validate(), "on its face, admin → writer takes access away")
	for _, perMember := range []bool{false, true} {
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{PerMember: perMember})
		require.NoError(t, err)
		require.Len(t, res.Outcomes, 1)
		assert.Equal(t, review.Changed, res.Outcomes[0].Status)
		assert.Contains(t, res.Outcomes[0].Detail, "would raise the member's access: reader → writer")
	}
	assert.Zero(t, srv.Writes(m.ID))
	got, _ := srv.Member(m.ID)
	assert.Equal(t, "reader", got.Role)
}

func TestAHostileServerDuringApply(t *testing.T) {
	t.Run("a re-read answering with another token", func(t *testing.T) {
		srv := newServer(t, newAccount(52), nil)
		plan := makePlan(t, newClient(t, srv))
		c := hostileClient(t, srv.AdminSecret(), srv.URL, rewrite{
			match: func(r *http.Request) bool {
				return r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v2/tokens/")
			},
			edit: func(d map[string]any) { d["_id"] = "0123456789abcdef01234567" },
		})
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
		require.NoError(t, err)
		tokens := 0
		for _, o := range res.Outcomes {
			if o.Action.Subject == "token" {
				tokens++
				assert.Equal(t, review.Changed, o.Status)
				assert.Zero(t, srv.Writes(o.Action.ObjectID))
			}
		}
		require.NotZero(t, tokens)
	})
	t.Run("a reset answered without a secret", func(t *testing.T) {
		srv, _, clk, tok := rotationSetup(t)
		creator, ok := srv.IssueToken(tok.MemberID, "admin") // its creator's
		require.True(t, ok)
		c := hostileClient(t, creator.Secret, srv.URL, rewrite{
			match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/reset") },
			edit:  func(d map[string]any) { d["token"] = "abcd" },
		})
		called := false
		_, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{Now: clk.now,
			Handover: func(context.Context, api.Token) error { called = true; return nil }})
		var he *review.HandoverError
		require.ErrorAs(t, err, &he)
		assert.Contains(t, he.Reason, "held no secret")
		assert.False(t, called, "the handler is not given a masked secret as if it were one")
		assert.True(t, works(t, srv, tok.Secret), "the old secret works through the grace")
	})
	t.Run("a reset answered with another token", func(t *testing.T) {
		// A hand-over keyed by the token (LDACCESS_TOKEN_ID, a vault path) would store the new
		// secret as another token's, overwriting that one's: it is not handed over at all.
		srv, _, clk, tok := rotationSetup(t)
		creator, ok := srv.IssueToken(tok.MemberID, "admin")
		require.True(t, ok)
		c := hostileClient(t, creator.Secret, srv.URL, rewrite{
			match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/reset") },
			edit:  func(d map[string]any) { d["_id"] = creator.ID },
		})
		called := false
		_, err := review.Rotate(context.Background(), c, tok.ID, review.RotateOptions{Now: clk.now,
			Handover: func(context.Context, api.Token) error { called = true; return nil }})
		var he *review.HandoverError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, tok.ID, he.TokenID)
		assert.Contains(t, he.Reason, "another token")
		assert.False(t, called, "the handler is not given a secret under another token's ID")
		assert.True(t, works(t, srv, tok.Secret), "the old secret works through the grace")
	})
	t.Run("a re-read answering with another member", func(t *testing.T) {
		srv := newServer(t, newAccount(55), nil)
		plan := makePlan(t, newClient(t, srv))
		other := "0123456789abcdef01234567"
		c := hostileClient(t, srv.AdminSecret(), srv.URL, rewrite{
			match: func(r *http.Request) bool {
				return r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v2/members") && r.URL.Path != "/api/v2/members/me" &&
					!strings.HasSuffix(r.URL.Path, srv.OwnerID())
			},
			edit: func(d map[string]any) { d["_id"] = other },
		})
		for _, perMember := range []bool{false, true} {
			res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{PerMember: perMember})
			require.NoError(t, err)
			members := 0
			for _, o := range res.Outcomes {
				if o.Action.Subject == "member" {
					members++
					assert.Equal(t, review.Changed, o.Status, "%s: %s", o.Action.ID, o.Detail)
					assert.Contains(t, o.Detail, "another member")
					assert.Zero(t, srv.Writes(o.Action.ObjectID))
				}
			}
			require.NotZero(t, members)
		}
	})
	t.Run("a re-read in which a member's role fell", func(t *testing.T) {
		srv := newServer(t, newAccount(53), nil)
		plan := makePlan(t, newClient(t, srv))
		c := hostileClient(t, srv.AdminSecret(), srv.URL, rewrite{
			match: func(r *http.Request) bool {
				return r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v2/members") && r.URL.Path != "/api/v2/members/me" &&
					!strings.HasSuffix(r.URL.Path, srv.OwnerID())
			},
			edit: func(d map[string]any) { d["role"] = "no_access" },
		})
		res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
		require.NoError(t, err)
		demotions := 0
		for _, o := range res.Outcomes {
			if o.Action.Kind == review.SetRole {
				demotions++
				assert.Equal(t, review.Changed, o.Status, o.Detail)
				assert.Contains(t, o.Detail, "not sent")
				assert.Zero(t, srv.Writes(o.Action.ObjectID))
			}
		}
		require.NotZero(t, demotions)
	})
}

// noMe answers GET /members/me with 404, as for a token the API ties to no member.
type noMe struct{}

func (noMe) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/api/v2/members/me" {
		body := `{"code":"not_found","message":"Unknown member"}`
		return &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestAClientWithoutAMemberStillKeepsItsTokenOutOfThePlan(t *testing.T) {
	srv := newServer(t, newAccount(54), nil)
	c := newClient(t, srv, wrapper.WithHTTPClient(&http.Client{Transport: noMe{}}))
	r, err := review.Run(context.Background(), c, review.Options{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	assert.Empty(t, r.Caller.MemberID)
	require.Len(t, r.Caller.TokenIDs, 1, "told by the last four characters among every token")
	plan, err := review.NewPlan(r, review.Policy{Rules: []review.Rule{{Finding: review.TokenOverPrivileged, Action: review.DeleteToken}}})
	require.NoError(t, err)
	for _, a := range plan.Actions {
		assert.NotEqual(t, r.Caller.TokenIDs[0], a.ObjectID)
	}
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	for _, o := range res.Outcomes {
		assert.Equal(t, review.Applied, o.Status, "%s: %s", o.Action.ID, o.Detail)
	}
	_, ok := srv.Handler.Token(r.Caller.TokenIDs[0])
	assert.True(t, ok)
}

// echoSecrets is a hostile server in front of the fake that, once it has given a new secret
// in a reset's answer, quotes it in the error of every later read of a token.
type echoSecrets struct {
	mu      sync.Mutex
	secrets []string
}

func (e *echoSecrets) RoundTrip(r *http.Request) (*http.Response, error) {
	e.mu.Lock()
	quoted := strings.Join(e.secrets, " ")
	e.mu.Unlock()
	if quoted != "" && r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v2/tokens/") {
		body := `{"code":"invalid_request","message":"bad token ` + quoted + `"}`
		return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/reset") || resp.StatusCode != 200 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var t api.Token
	if err == nil && json.Unmarshal(body, &t) == nil {
		e.mu.Lock()
		e.secrets = append(e.secrets, t.Secret)
		e.mu.Unlock()
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// A server that quotes a new secret back in a later error does not get it into an outcome or
// the journal: a secret handed over is redacted from everything recorded after.
func TestAServerEchoingANewSecretDuringApply(t *testing.T) {
	srv := newServer(t, newAccount(54), nil)
	m := adminWithoutMFA(t, srv)
	admin, ok := srv.IssueToken(m.ID, "admin")
	require.True(t, ok)
	var actions []review.Action
	for range 2 {
		tok, ok := srv.IssueToken(m.ID, "writer") // the member's own: its new secret is the member's to receive
		require.True(t, ok)
		actions = append(actions, review.Action{ID: "reset-token:" + tok.ID, Kind: review.ResetToken, Subject: "token",
			ObjectID: tok.ID, Name: tok.Name, Reasons: []review.Finding{review.TokenRotationDue}, State: review.TokenState(tok)})
	}
	plan := review.Plan{Format: review.PlanFormat, Account: review.Account{OwnerID: srv.OwnerID()}, Actions: actions}
	echo := &echoSecrets{}
	c, err := wrapper.New(admin.Secret, wrapper.WithBaseURL(srv.URL), wrapper.WithHTTPClient(&http.Client{Transport: echo}),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	dir := t.TempDir()
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, dir, plan), review.ApplyOptions{
		Secret: func(context.Context, review.Action, api.Token) error { return nil },
	})
	require.NoError(t, err)
	require.Len(t, res.Outcomes, 2)
	assert.Equal(t, review.Applied, res.Outcomes[0].Status)
	assert.Equal(t, review.Failed, res.Outcomes[1].Status, "the second token's re-read answered the first's secret")
	require.Len(t, echo.secrets, 1)
	journal, err := os.ReadFile(filepath.Join(dir, "plan.json.journal"))
	require.NoError(t, err)
	for _, secret := range echo.secrets {
		for _, o := range res.Outcomes {
			assert.NotContains(t, o.Detail, secret[4:12], "a new secret in an outcome")
		}
		assert.NotContains(t, string(journal), secret[4:12], "a new secret in the journal")
	}
}

// demoteOnRemoval is someone else at work while an apply runs: at the apply's first removal of
// a member it sets target to no_access, as a security team would a compromised account.
type demoteOnRemoval struct {
	once   sync.Once
	other  *wrapper.Client
	target string
}

func (d *demoteOnRemoval) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/v2/members/") {
		d.once.Do(func() {
			_, err := d.other.PatchMember(r.Context(), d.target, wrapper.Replace("/role", "no_access"))
			if err != nil {
				panic(err)
			}
		})
	}
	return http.DefaultTransport.RoundTrip(r)
}

// A role change is sent right after the read it was judged on, not after a batch's removals,
// which go one by one, paced, and may take minutes: a member demoted meanwhile (to no_access,
// by someone else) is never raised back by a change judged on the state before.
func TestARoleChangeIsSentRightAfterTheReadItWasJudgedOn(t *testing.T) {
	srv := newServer(t, newAccount(56), nil)
	plan := makePlan(t, newClient(t, srv))
	var target string
	removals := 0
	for _, a := range plan.Actions {
		switch {
		case a.Kind == review.SetRole && a.Role == "reader" && target == "":
			target = a.ObjectID
		case a.Kind == review.RemoveMember:
			removals++
		}
	}
	require.NotEmpty(t, target, "the plan demotes an admin")
	require.NotZero(t, removals, "the plan removes members")
	d := &demoteOnRemoval{other: newClient(t, srv), target: target}
	c := newClient(t, srv, wrapper.WithHTTPClient(&http.Client{Transport: d}))
	_, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{BatchSize: 1000})
	require.NoError(t, err)
	m, ok := srv.Member(target)
	require.True(t, ok)
	assert.Equal(t, "no_access", m.Role, "a change judged on the state before the demotion raised the member back")
}

// demoteOnPatch is someone else at work during a per-member apply: at the apply's first JSON
// Patch of another member it sets target to no_access.
type demoteOnPatch struct {
	once   sync.Once
	other  *wrapper.Client
	target string
}

func (d *demoteOnPatch) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/api/v2/members/") && !strings.HasSuffix(r.URL.Path, d.target) {
		d.once.Do(func() {
			if _, err := d.other.PatchMember(r.Context(), d.target, wrapper.Replace("/role", "no_access")); err != nil {
				panic(err)
			}
		})
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Per member, each change is one JSON Patch, sent one after another, each judged on the batch's
// re-read: it carries a test of the role it was judged on, so that the server applies it only
// to the member as judged. One demoted in between is not raised back: the change fails, and
// the next apply re-reads it.
func TestAPerMemberChangeIsConditionalOnTheRoleItWasJudgedOn(t *testing.T) {
	srv := newServer(t, newAccount(57), nil)
	plan := makePlan(t, newClient(t, srv))
	var target string
	demotions := 0
	for _, a := range plan.Actions {
		if a.Kind == review.SetRole && a.Role == "reader" {
			target = a.ObjectID // the last, so that another goes first
			demotions++
		}
	}
	require.Greater(t, demotions, 1)
	d := &demoteOnPatch{other: newClient(t, srv), target: target}
	c := newClient(t, srv, wrapper.WithHTTPClient(&http.Client{Transport: d}))
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{PerMember: true, BatchSize: 1000})
	require.NoError(t, err)
	m, ok := srv.Member(target)
	require.True(t, ok)
	assert.Equal(t, "no_access", m.Role, "a change judged on the state before the demotion raised the member back")
	for _, o := range res.Outcomes {
		if o.Action.ObjectID == target {
			assert.Equal(t, review.Failed, o.Status, o.Detail)
		}
	}
}

// refuseUpdates answers every semantic patch with 200 and, for each member it names, an
// error whose reason holds characters that act on a terminal: a bidirectional override, an
// 8-bit CSI, a zero-width space, an escape.
type refuseUpdates struct{}

func (refuseUpdates) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPatch || r.URL.Path != "/api/v2/members" {
		return http.DefaultTransport.RoundTrip(r)
	}
	var in struct {
		Instructions []struct {
			MemberIDs []string `json:"memberIDs"`
		} `json:"instructions"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, err
	}
	rep := api.BulkEditMembersRep{}
	for _, ins := range in.Instructions {
		for _, id := range ins.MemberIDs {
			rep.Errors = append(rep.Errors, map[string]string{id: "evil\u202egpj.exe \u009b2J zero\u200bwidth \x1b]8;;http://x\a"})
		}
	}
	body, _ := json.Marshal(rep)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// The journal is read by people too (cat, less, an editor): what a server said, recorded in an
// outcome's detail, is there as JSON escapes, never as characters that act on a terminal or
// reorder what it shows. It reads back as the server sent it.
func TestAJournalHoldsNothingThatActsOnItsReader(t *testing.T) {
	srv := newServer(t, newAccount(58), nil)
	plan := makePlan(t, newClient(t, srv))
	c := newClient(t, srv, wrapper.WithHTTPClient(&http.Client{Transport: refuseUpdates{}}))
	dir := t.TempDir()
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, dir, plan), review.ApplyOptions{})
	require.NoError(t, err)
	failed := 0
	for _, o := range res.Outcomes {
		if o.Status == review.Failed {
			failed++
			require.Contains(t, o.Detail, "evil\u202egpj.exe", "the outcome holds what the server said")
		}
	}
	require.NotZero(t, failed)
	journal, err := os.ReadFile(filepath.Join(dir, "plan.json.journal"))
	require.NoError(t, err)
	for i, r := range string(journal) {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			require.Failf(t, "a character that acts on the reader", "%U at byte %d of the journal", r, i)
		}
	}
	remedies, err := review.ReadRemedies(filepath.Join(dir, "plan.json.journal"))
	require.NoError(t, err)
	found := false
	for _, r := range remedies {
		found = found || strings.Contains(r.Detail, "evil\u202egpj.exe")
	}
	assert.True(t, found, "read back as the server sent it")
}

// TestTheMemberWhoseServiceTokenApplyRunsWithIsNotRemoved: for a service token the API names
// no member (GET /members/me is 404), yet the token stops authenticating when the member it
// belongs to is removed. That member is ground apply stands on: refused when the plan is made
// and when it is applied, not removed halfway through an apply whose every later action would
// then fail with 401.
func TestTheMemberWhoseServiceTokenApplyRunsWithIsNotRemoved(t *testing.T) {
	srv := newServer(t, newAccount(56), nil)
	var admin api.Member
	for _, m := range srv.Members() {
		if m.Role == "admin" && !m.PendingInvite && m.MFA != "enabled" {
			admin = m
			break
		}
	}
	require.NotEmpty(t, admin.ID)
	personal, ok := srv.IssueToken(admin.ID, "admin")
	require.True(t, ok)
	byAdmin, err := wrapper.New(personal.Secret, wrapper.WithBaseURL(srv.URL))
	require.NoError(t, err)
	service, err := byAdmin.CreateToken(context.Background(), api.AccessTokenPost{Name: "automation", Role: "admin", ServiceToken: true})
	require.NoError(t, err)
	c, err := wrapper.New(service.Secret, wrapper.WithBaseURL(srv.URL), wrapper.WithHTTPClient(&http.Client{Transport: noMe{}}))
	require.NoError(t, err)

	r, err := review.Run(context.Background(), c, review.Options{Now: func() time.Time { return seededAt }})
	require.NoError(t, err)
	require.Empty(t, r.Caller.MemberID, "the API names no member for a service token")
	var row review.MemberRow
	for _, m := range r.Members {
		if m.Member.ID == admin.ID {
			row = m
		}
	}
	remove := review.Action{ID: "remove-member:" + admin.ID, Kind: review.RemoveMember, Subject: "member", ObjectID: admin.ID,
		Name: admin.Email, Reasons: []review.Finding{review.MemberInactive}, State: row.Member.State()}

	// At plan time: a policy that would remove the member plans nothing for it.
	plan, err := review.NewPlan(r, review.Policy{Rules: []review.Rule{{Finding: review.MemberAdminNoMFA, Action: review.RemoveMember}}})
	require.NoError(t, err)
	for _, a := range plan.Actions {
		assert.NotEqual(t, admin.ID, a.ObjectID, "planned: %+v", a)
	}
	require.True(t, slices.ContainsFunc(plan.Refused, func(r review.Refusal) bool { return r.ObjectID == admin.ID }),
		"the policy asked for it, and the plan says why it refuses: %+v", plan.Refused)
	// At apply time: a plan edited to remove it is refused, and nothing is sent.
	plan.Actions = append([]review.Action{remove}, plan.Actions...)
	plan.Caller = review.Caller{}
	res, err := review.Apply(context.Background(), c, plan, openJournal(t, t.TempDir(), plan), review.ApplyOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, res.Outcomes)
	assert.Equal(t, review.Refused, res.Outcomes[0].Status, res.Outcomes[0].Detail)
	_, still := srv.Handler.Member(admin.ID)
	assert.True(t, still, "the member the run's token belongs to was removed")
	for _, o := range res.Outcomes[1:] {
		assert.NotEqual(t, review.Failed, o.Status, "%s: %s", o.Action.ID, o.Detail)
	}
}
