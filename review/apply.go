package review

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/wrapper"
)

// A Status is what became of an action.
type Status string

// The statuses of an action. Failed is the only one that is not final: applying the plan again
// re-reads the object and tries again.
const (
	// Applied: this run sent the change and it took effect.
	Applied Status = "applied"
	// Reconciled: an earlier, interrupted run sent the change without recording the answer;
	// re-reading the object showed that it took effect, so it was not sent again.
	Reconciled Status = "reconciled"
	// Already: the object was already as the action would leave it (or gone, for a delete);
	// nothing was sent.
	Already Status = "already"
	// Changed: skipped, because the object changed since the review (a member logged in, a
	// token was used); the plan no longer describes it.
	Changed Status = "changed"
	// Refused: not sent, and not to be: the object is the ground the run stands on (the account
	// owner, the caller's member or token; see Caller), or an identity provider (SCIM or SAML)
	// manages the member, and the change must be made there.
	Refused Status = "refused"
	// SecretLost: the token was reset but its new secret could not be handed over. Not retried:
	// a second reset would not bring the secret back.
	SecretLost Status = "secret-lost"
	// Failed: the change could not be made, or it is unknown whether it was; applying again
	// re-reads and retries.
	Failed Status = "failed"
	// WouldApply: a dry run would send this change.
	WouldApply Status = "would-apply"
)

// final reports whether an action with this outcome is done with.
func (s Status) final() bool { return s != Failed && s != WouldApply && s != "" }

// ApplyOptions adjust Apply.
type ApplyOptions struct {
	// DryRun re-reads every object and decides, but sends no change and records nothing.
	DryRun bool
	// BatchSize is how many members one re-read and one semantic patch cover; 100 if zero.
	BatchSize int
	// PerMember sends each member's role change as its own JSON Patch instead of a semantic
	// patch per batch. Slower, and not all or nothing per batch; for comparison.
	PerMember bool
	// Secret receives each token reset-token resets, with its new secret in Token, for example
	// to hand it to a secret manager. Without it reset-token actions fail without being sent:
	// a secret nobody receives is a revocation, which delete-token says more plainly.
	Secret func(ctx context.Context, a Action, t api.Token) error
	// OnOutcome, if set, is told each outcome as it is decided.
	OnOutcome func(Outcome)
	// Now is the clock (reset-token's expiry of the old secret); time.Now if nil.
	Now func() time.Time
}

// An Outcome is what became of one action.
type Outcome struct {
	Action Action
	Status Status
	Detail string
	// Earlier is true for an outcome an earlier run recorded in the journal.
	Earlier bool
}

// A Result is what an Apply did, one outcome per action in the plan's order (but the actions
// an interruption left undecided).
type Result struct {
	Outcomes []Outcome
}

// Counts counts the outcomes by status.
func (r Result) Counts() map[Status]int {
	c := map[Status]int{}
	for _, o := range r.Outcomes {
		c[o.Status]++
	}
	return c
}

// ErrIdentityProvider marks the outcomes of changes refused because an identity provider
// (SCIM, SAML) manages the account's members.
var ErrIdentityProvider = errors.New("members are managed by an identity provider (SCIM or SAML): make this change in the identity provider")

// ErrWrongAccount is returned when a plan is applied to an account other than its own.
var ErrWrongAccount = errors.New("the plan was made for another account")

// ErrAnotherPlan is what OpenJournal reports for a journal that another plan began.
var ErrAnotherPlan = errors.New("it belongs to another plan")

// Apply carries out a plan: exactly the actions it lists, on objects that have not changed
// since the review, each at most once however often Apply runs on the same journal.
//
// Apply first checks the plan as Validate does, then reads the account's owner (refusing a plan
// made for another account) and who the client is. An action on the owner, the client's member
// (for a service token, the member it belongs to) or the client's token is Refused, whatever
// the plan says. Before acting on an object Apply
// re-reads it: members in batches, by a filtered list, tokens one by one. An object whose state
// differs from the one the plan recorded, on which the action would not take access away as
// it is now, or which the server answered with another object in its place, is skipped
// (Changed); one already as the action would leave it is not touched
// (Already); a member an identity provider manages is Refused. For the rest Apply records an
// intent in the journal, sends the change — role changes as one semantic patch per batch and
// kind of change — and records the outcome. An action the journal shows as sent but without
// an outcome (an interrupted run) is re-read and, if the change took effect, recorded as
// Reconciled rather than sent again; deletes are safe to resend, since a second one finds
// nothing (404). reset-token goes through Rotate, with the action's grace (DefaultGrace unless
// it says).
//
// Apply returns an error only when it could not go on: the plan is invalid or for another
// account, the context ended, or the journal could not be written. The outcomes decided until
// then are in the Result either way.
func Apply(ctx context.Context, c *wrapper.Client, plan Plan, j *Journal, o ApplyOptions) (Result, error) {
	if err := o.check(j); err != nil {
		return Result{}, err
	}
	o = o.withDefaults()
	if err := plan.Validate(); err != nil {
		return Result{}, err
	}
	g, err := liveGround(ctx, c, plan)
	if err != nil {
		return Result{}, err
	}
	ap := &applier{c: c, j: j, o: o, g: g, outcomes: map[string]Outcome{}}
	tokens, members, err := ap.pending(plan)
	if err == nil {
		err = ap.tokens(ctx, tokens)
	}
	for batch := range slices.Chunk(members, o.BatchSize) {
		if err != nil {
			break
		}
		err = ap.members(ctx, batch)
	}
	var res Result
	for _, a := range plan.Actions {
		if out, ok := ap.outcomes[a.ID]; ok {
			res.Outcomes = append(res.Outcomes, out)
		}
	}
	return res, err
}

// check refuses what Apply cannot work with: no journal for a real run, or a journal that can
// only be read.
func (o ApplyOptions) check(j *Journal) error {
	switch {
	case j == nil && !o.DryRun:
		return errors.New("review: Apply needs a journal unless it is a dry run")
	case j != nil && j.readOnly && !o.DryRun:
		return errors.New("review: a journal ReadJournal opened is for dry runs only; open it with OpenJournal")
	}
	return nil
}

func (o ApplyOptions) withDefaults() ApplyOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// pending decides what needs no request — actions the journal has done, actions on the
// ground ldaccess stands on — and returns the rest, tokens and members.
func (ap *applier) pending(plan Plan) (tokens, members []Action, err error) {
	var refused []Outcome
	for _, a := range plan.Actions {
		if r, ok := ap.done(a); ok {
			if err := ap.decide(Outcome{Action: a, Status: r.Status, Detail: r.Detail, Earlier: true}); err != nil {
				return nil, nil, err
			}
			continue
		}
		if why := ap.g.refuses(a.Subject, a.ObjectID); why != "" {
			refused = append(refused, Outcome{Action: a, Status: Refused, Detail: "not sent: " + why})
			continue
		}
		if a.Subject == subjectToken {
			tokens = append(tokens, a)
		} else {
			members = append(members, a)
		}
	}
	return tokens, members, ap.decide(refused...)
}

// done returns an action's final outcome if the journal has one.
func (ap *applier) done(a Action) (Record, bool) {
	if ap.j == nil {
		return Record{}, false
	}
	return ap.j.done(a.ID)
}

type applier struct {
	c        *wrapper.Client
	j        *Journal
	o        ApplyOptions
	g        ground // read just before applying
	outcomes map[string]Outcome
	// secrets are the new secrets handed over so far: a server may quote one in a later
	// answer, and nothing recorded may hold it.
	secrets []string
}

// decide records an outcome: in the result, and in the journal unless it came from there or
// this is a dry run.
func (ap *applier) decide(outs ...Outcome) error {
	var recs []Record
	for _, out := range outs {
		// A detail may quote the server (a semantic patch's per-member errors): the client's
		// token, and every new secret handed over, are redacted from it before it is kept.
		out.Detail = ap.c.Redact(out.Detail)
		for _, s := range ap.secrets {
			out.Detail = wrapper.Redact(out.Detail, s)
		}
		ap.outcomes[out.Action.ID] = out
		if ap.o.OnOutcome != nil {
			ap.o.OnOutcome(out)
		}
		if !out.Earlier && !ap.o.DryRun {
			recs = append(recs, Record{Action: out.Action.ID, Event: eventOutcome, Status: out.Status, Detail: out.Detail})
		}
	}
	if len(recs) == 0 {
		return nil
	}
	return ap.j.append(recs...)
}

// intend records that the actions are about to be sent.
func (ap *applier) intend(as ...Action) error {
	recs := make([]Record, len(as))
	for i, a := range as {
		recs[i] = Record{Action: a.ID, Event: eventIntent}
	}
	return ap.j.append(recs...)
}

// sent reports whether an earlier run may have sent the action.
func (ap *applier) sent(a Action) bool { return ap.j != nil && ap.j.sent[a.ID] }

// fail is the outcome of an error: Refused for an identity provider's refusal.
func fail(a Action, err error, what string) Outcome {
	if isIdentityProviderError(err) {
		return Outcome{Action: a, Status: Refused, Detail: ErrIdentityProvider.Error()}
	}
	return Outcome{Action: a, Status: Failed, Detail: what + ": " + strings.TrimPrefix(err.Error(), "ldaccess: ")}
}

// isIdentityProviderError recognises LaunchDarkly's refusal to delete or invite members while
// SCIM manages them: a 403 whose message names SCIM.
func isIdentityProviderError(err error) bool {
	var ae *wrapper.APIError
	return errors.As(err, &ae) && ae.StatusCode == 403 &&
		(strings.Contains(ae.Message, "SCIM") || strings.Contains(ae.Message, "identity provider"))
}

// ctxErr returns the context's error if err happened because the context ended.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil && err != nil {
		return ctx.Err()
	}
	return nil
}

func (ap *applier) tokens(ctx context.Context, as []Action) error {
	for _, a := range as {
		if err := ap.token(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// token applies one token action: judged on the token as it is now, then sent.
func (ap *applier) token(ctx context.Context, a Action) error {
	out, send, err := ap.judgeToken(ctx, a)
	if err != nil || !send {
		if err != nil {
			return err
		}
		return ap.decide(out)
	}
	if err := ap.intend(a); err != nil {
		return err
	}
	if a.Kind == ResetToken {
		return ap.rotate(ctx, a)
	}
	return ap.deleteToken(ctx, a)
}

// judgeToken re-reads the token and decides its action's outcome, or that it is to be sent.
// The error is the context's, when it ended.
func (ap *applier) judgeToken(ctx context.Context, a Action) (out Outcome, send bool, err error) {
	cur, err := ap.c.GetToken(ctx, a.ObjectID)
	if errors.Is(err, wrapper.ErrNotFound) {
		return ap.tokenGone(a), false, nil
	}
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return Outcome{}, false, e
		}
		return fail(a, err, "re-reading the token"), false, nil
	}
	if out, other := anotherObject(a, cur.ID); other {
		return out, false, nil
	}
	now := TokenState(cur)
	switch {
	case a.Kind == ResetToken && ap.sent(a) && now.LastModified != a.State.LastModified:
		return Outcome{Action: a, Status: SecretLost, Detail: "an earlier run reset the token but its answer, with the new secret, was lost: rotate it again (the old secret works until the grace that reset gave it ends)"}, false, nil
	}
	if out, decided := ap.judgeLive(a, now); decided {
		return out, false, nil
	}
	if a.Kind == ResetToken && ap.o.Secret == nil {
		return Outcome{Action: a, Status: Failed, Detail: "not sent: nothing to receive the new secret (reset-token needs a secret handler)"}, false, nil
	}
	if ap.o.DryRun {
		return Outcome{Action: a, Status: WouldApply, Detail: request(a)}, false, nil
	}
	return Outcome{}, true, nil
}

// anotherObject is the outcome of an action whose object, re-read, came back as another one
// (id): the server's answer says nothing of the object, which is not acted on.
func anotherObject(a Action, id string) (Outcome, bool) {
	if id == a.ObjectID {
		return Outcome{}, false
	}
	return Outcome{Action: a, Status: Changed, Detail: "not sent: the server answered with another " + a.Subject}, true
}

// judgeLive checks an action against its object as just read: it must still take access away
// (a raise is Changed, never sent) and the object must be as the plan recorded it.
func (ap *applier) judgeLive(a Action, now State) (Outcome, bool) {
	if err := lessAccess(a, now); err != nil {
		return Outcome{Action: a, Status: Changed, Detail: "not sent: as the object is now, " + err.Error()}, true
	}
	if d := a.State.diff(now); d != "" {
		return Outcome{Action: a, Status: Changed, Detail: "changed since the review: " + d}, true
	}
	return Outcome{}, false
}

// tokenGone is the outcome of an action on a token that no longer exists.
func (ap *applier) tokenGone(a Action) Outcome {
	switch {
	case a.Kind == DeleteToken && ap.sent(a):
		return Outcome{Action: a, Status: Reconciled, Detail: "deleted by an earlier run"}
	case a.Kind == DeleteToken:
		return Outcome{Action: a, Status: Already, Detail: "the token is already gone"}
	}
	return Outcome{Action: a, Status: Changed, Detail: "the token no longer exists"}
}

func (ap *applier) deleteToken(ctx context.Context, a Action) error {
	err := ap.c.DeleteToken(ctx, a.ObjectID)
	if errors.Is(err, wrapper.ErrNotFound) {
		err = nil // the delete went through on an attempt whose answer was lost
	}
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.decide(fail(a, err, "deleting"))
	}
	return ap.decide(Outcome{Action: a, Status: Applied})
}

// rotate resets the token and hands its new secret over, through Rotate: a hand-over that
// fails is SecretLost, with the token's state and the new secret redacted.
func (ap *applier) rotate(ctx context.Context, a Action) error {
	_, err := Rotate(ctx, ap.c, a.ObjectID, RotateOptions{
		ExpireOldIn: graceOption(a.Grace()),
		Handover: func(ctx context.Context, t api.Token) error {
			ap.secrets = append(ap.secrets, t.Secret)
			return ap.o.Secret(ctx, a, t)
		},
		Now: ap.o.Now,
	})
	var he *HandoverError
	switch {
	case errors.As(err, &he):
		return ap.decide(Outcome{Action: a, Status: SecretLost, Detail: "reset, but handing over the new secret failed: " + he.Reason + "; " + he.State()})
	case err != nil:
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.decide(fail(a, err, "resetting"))
	}
	return ap.decide(Outcome{Action: a, Status: Applied})
}

// request describes what an action would send, for dry runs.
func request(a Action) string {
	switch a.Kind {
	case DeleteToken:
		return "DELETE /api/v2/tokens/" + a.ObjectID
	case ResetToken:
		return "POST /api/v2/tokens/" + a.ObjectID + "/reset"
	case RemoveMember:
		return "DELETE /api/v2/members/" + a.ObjectID
	}
	return "PATCH /api/v2/members (semantic patch: " + change(a) + ")"
}

// change says what a member update sets.
func change(a Action) string {
	var parts []string
	if a.Role != "" {
		parts = append(parts, "role "+a.Role)
	}
	if a.CustomRoles != nil {
		parts = append(parts, "custom roles ["+strings.Join(*a.CustomRoles, " ")+"]")
	}
	return strings.Join(parts, ", ")
}

// reached reports whether the member is as the update would leave it.
func reached(a Action, m api.Member) bool {
	if a.Role != "" && m.Role != a.Role {
		return false
	}
	if a.CustomRoles != nil && !slices.Equal(*a.CustomRoles, m.CustomRoles) { // nil and empty are equal
		return false
	}
	return true
}

// reread lists the members of a batch by ID, in one request for a batch of up to 1000.
func (ap *applier) reread(ctx context.Context, as []Action) (map[string]api.Member, error) {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ObjectID
	}
	got := map[string]api.Member{}
	q := wrapper.MembersQuery{Filter: wrapper.MemberFilter{IDs: ids}, PageSize: min(max(len(ids), 1), 1000)}
	for m, err := range ap.c.Members(ctx, q) {
		if err != nil {
			return nil, err
		}
		got[m.ID] = m
	}
	// A member the list left out is gone only if reading it says so: "already gone" is final.
	// An answer naming another member is kept under the ID asked for: judged, it is Changed.
	for _, id := range ids {
		if _, ok := got[id]; ok {
			continue
		}
		m, err := ap.c.GetMember(ctx, id)
		if errors.Is(err, wrapper.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		got[id] = m
	}
	return got, nil
}

// members applies a batch of member actions: one re-read, one semantic patch per kind of
// update, then the removals one by one.
func (ap *applier) members(ctx context.Context, as []Action) error {
	cur, err := ap.reread(ctx, as)
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		outs := make([]Outcome, len(as))
		for i, a := range as {
			outs[i] = fail(a, err, "re-reading the members")
		}
		return ap.decide(outs...)
	}
	var decided []Outcome
	var removals []Action
	updates := map[string][]Action{} // by the change they make, in first-seen order
	var keys []string
	for _, a := range as {
		m, ok := cur[a.ObjectID]
		out, send := ap.judgeMember(a, m, ok)
		switch {
		case !send:
			decided = append(decided, out)
		case a.Kind == RemoveMember:
			removals = append(removals, a)
		default:
			k := change(a)
			if _, ok := updates[k]; !ok {
				keys = append(keys, k)
			}
			updates[k] = append(updates[k], a)
		}
	}
	if err := ap.decide(decided...); err != nil {
		return err
	}
	// The updates first, right after the read they were judged on: the removals go one by
	// one, paced, and may take minutes, in which a member could be demoted by someone else,
	// whom a change judged before would raise back. Each removal reads its member again.
	for _, k := range keys {
		if err := ap.update(ctx, updates[k]); err != nil {
			return err
		}
	}
	for _, a := range removals {
		if err := ap.remove(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// judgeMember decides a member action's outcome from the member as just re-read (found says
// whether it still exists), or that it is to be sent.
func (ap *applier) judgeMember(a Action, m api.Member, found bool) (out Outcome, send bool) {
	switch {
	case !found && a.Kind == RemoveMember && ap.sent(a):
		return Outcome{Action: a, Status: Reconciled, Detail: "removed by an earlier run"}, false
	case !found && a.Kind == RemoveMember:
		return Outcome{Action: a, Status: Already, Detail: "the member is already gone"}, false
	case !found:
		return Outcome{Action: a, Status: Changed, Detail: "the member no longer exists"}, false
	}
	if out, other := anotherObject(a, m.ID); other {
		return out, false
	}
	if why := ap.g.refusesMember(m.ID, m.Role); why != "" {
		return Outcome{Action: a, Status: Refused, Detail: "not sent: " + why}, false
	}
	if m.IntegrationMetadata != nil {
		return Outcome{Action: a, Status: Refused, Detail: ErrIdentityProvider.Error()}, false
	}
	if a.Kind != RemoveMember && reached(a, m) {
		if ap.sent(a) {
			return Outcome{Action: a, Status: Reconciled, Detail: "changed by an earlier run"}, false
		}
		return Outcome{Action: a, Status: Already, Detail: "the member already has " + change(a)}, false
	}
	if out, decided := ap.judgeLive(a, MemberState(m)); decided {
		return out, false
	}
	if ap.o.DryRun {
		return Outcome{Action: a, Status: WouldApply, Detail: request(a)}, false
	}
	return Outcome{}, true
}

func (ap *applier) remove(ctx context.Context, a Action) error {
	// Removals go one by one, paced: the batch's re-read may be seconds old by now. Read the
	// member again, so that one who logged in meanwhile is not removed.
	m, err := ap.c.GetMember(ctx, a.ObjectID)
	switch {
	case errors.Is(err, wrapper.ErrNotFound):
		return ap.decide(Outcome{Action: a, Status: Already, Detail: "the member is already gone"})
	case err != nil:
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.decide(fail(a, err, "re-reading the member"))
	}
	if out, other := anotherObject(a, m.ID); other {
		return ap.decide(out)
	}
	if why := ap.g.refusesMember(m.ID, m.Role); why != "" {
		return ap.decide(Outcome{Action: a, Status: Refused, Detail: "not sent: " + why})
	}
	if out, decided := ap.judgeLive(a, MemberState(m)); decided {
		return ap.decide(out)
	}
	if err := ap.intend(a); err != nil {
		return err
	}
	err = ap.c.DeleteMember(ctx, a.ObjectID)
	if errors.Is(err, wrapper.ErrNotFound) {
		err = nil // an earlier attempt, whose answer was lost, removed the member
	}
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.decide(fail(a, err, "removing"))
	}
	return ap.decide(Outcome{Action: a, Status: Applied})
}

// update sends one change to many members: one semantic patch, or with PerMember one JSON
// Patch each.
func (ap *applier) update(ctx context.Context, as []Action) error {
	if ap.o.PerMember {
		for _, a := range as {
			if err := ap.patchOne(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ap.intend(as...); err != nil {
		return err
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ObjectID
	}
	// Every action of the batch makes the same change (they are grouped by it).
	var ins []api.Instruction
	if r := as[0].Role; r != "" {
		ins = append(ins, wrapper.ReplaceMembersRoles(r, ids...))
	}
	if cr := as[0].CustomRoles; cr != nil {
		ins = append(ins, wrapper.ReplaceMembersCustomRoles(*cr, ids...))
	}
	rep, err := ap.c.UpdateMembers(ctx, "ldaccess apply: access review remediation", ins...)
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.uncertain(ctx, as, err)
	}
	failed := map[string]string{}
	for _, e := range rep.Errors {
		maps.Copy(failed, e)
	}
	outs := make([]Outcome, len(as))
	for i, a := range as {
		if msg, ok := failed[a.ObjectID]; ok {
			outs[i] = Outcome{Action: a, Status: Failed, Detail: "updating: " + msg}
		} else {
			outs[i] = Outcome{Action: a, Status: Applied}
		}
	}
	return ap.decide(outs...)
}

// patchOne sends one member's change as a JSON Patch, conditional on the role it was judged on.
func (ap *applier) patchOne(ctx context.Context, a Action) error {
	if err := ap.intend(a); err != nil {
		return err
	}
	// The member as it was judged (the batch's re-read, which matched a.State), as a test the
	// server checks with the change: one changed since, by anyone, is not changed (the patch
	// fails whole, and the next apply re-reads it).
	ops := []api.PatchOperation{wrapper.Test("/role", a.State.Role)}
	if a.Role != "" {
		ops = append(ops, wrapper.Replace("/role", a.Role))
	}
	if a.CustomRoles != nil {
		ops = append(ops, wrapper.Replace("/customRoles", *a.CustomRoles))
	}
	if _, err := ap.c.PatchMember(ctx, a.ObjectID, ops...); err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		return ap.decide(fail(a, err, "updating"))
	}
	return ap.decide(Outcome{Action: a, Status: Applied})
}

// uncertain handles a semantic patch that failed. A refusal LaunchDarkly answered (4xx)
// changed nothing: the patch is all or nothing. Otherwise (a lost connection, a 5xx) it may
// have taken effect, so the members are re-read at once: those that have the change are
// Reconciled, the others Failed, to be retried by the next apply.
func (ap *applier) uncertain(ctx context.Context, as []Action, sendErr error) error {
	var ae *wrapper.APIError
	outs := make([]Outcome, len(as))
	if errors.As(sendErr, &ae) && ae.StatusCode < 500 {
		for i, a := range as {
			outs[i] = fail(a, sendErr, "updating")
		}
		return ap.decide(outs...)
	}
	cur, err := ap.reread(ctx, as)
	if err != nil {
		if e := ctxErr(ctx, err); e != nil {
			return e
		}
		cur = nil
	}
	for i, a := range as {
		if m, ok := cur[a.ObjectID]; ok && m.ID == a.ObjectID && reached(a, m) {
			outs[i] = Outcome{Action: a, Status: Reconciled, Detail: "the answer was lost, but re-reading shows the change"}
		} else {
			outs[i] = fail(a, sendErr, "updating (unknown whether it took effect; apply again to re-read and retry)")
		}
	}
	return ap.decide(outs...)
}
