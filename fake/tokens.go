package fake

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/ldaccess/ldaccess/api"
	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// tokenEditable are the token fields a JSON Patch may change.
var tokenEditable = map[string]bool{
	"name": true, "description": true, "role": true, "customRoleIds": true,
	"inlineRole": true, "defaultApiVersion": true,
}

// tokenRole reports whether a token may have the built-in role: one the contract lets a token
// be created with (api.AccessTokenPostRole).
func tokenRole(role string) bool { return api.AccessTokenPostRole(role).Valid() }

// GetTokens lists one page of tokens: the caller's own, or with showAll (admins only) every
// token in the account.
func (o *ops) GetTokens(ctx context.Context, req ss.GetTokensRequestObject) (ss.GetTokensResponseObject, error) {
	p := req.Params
	limit, offset, aerr := pageBounds(p.Limit, p.Offset, defaultTokensLimit)
	if aerr != nil {
		return nil, aerr
	}
	all := deref(p.ShowAll)
	q := url.Values{}
	if p.ShowAll != nil {
		q.Set("showAll", strconv.FormatBool(all))
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, aerr := o.reader(ctx)
	if aerr == nil && all {
		aerr = s.decide(who, ask{act: actViewTokens})
	}
	if aerr != nil {
		return nil, aerr
	}
	var list []*tokenRec
	if all {
		list = s.tokenList
	} else {
		for _, r := range s.tokenList {
			if r.t.OwnerID == who.member.m.ID {
				list = append(list, r)
			}
		}
	}
	page := pageOf(list, limit, offset)
	items := make([]api.Token, len(page))
	for i, r := range page {
		items[i] = s.tokenAnswer(r)
	}
	links := pageLinks("/api/v2/tokens", q, limit, offset, len(list))
	return ss.GetTokens200JSONResponse{Items: items, Links: links, TotalCount: len(list)}, nil
}

// findToken resolves the request's caller and a token ID, and decides whether the caller may
// see the token (its own, an admin, or one its policy lets it manage). The caller holds the
// lock.
func (o *ops) findToken(ctx context.Context, id string) (principal, *tokenRec, *apiError) {
	s := o.h.st
	who, aerr := o.h.caller(ctx)
	if aerr != nil {
		return who, nil, aerr
	}
	r, ok := s.tokens[id]
	if !ok {
		return who, nil, errNotFound("Unknown access token " + id)
	}
	if aerr := s.decide(who, ask{act: actViewToken, on: s.tokenResource(r.t), token: r}); aerr != nil {
		return who, nil, aerr
	}
	return who, r, nil
}

// GetToken returns one token, its secret obfuscated.
func (o *ops) GetToken(ctx context.Context, req ss.GetTokenRequestObject) (ss.GetTokenResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r, aerr := o.findToken(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	return ss.GetToken200JSONResponse(s.tokenAnswer(r)), nil
}

// PostToken creates a token for the caller and shows its secret, this once, in full.
func (o *ops) PostToken(ctx context.Context, req ss.PostTokenRequestObject) (ss.PostTokenResponseObject, error) {
	b := req.Body
	if b.Role == "" && len(b.CustomRoleIDs) == 0 && len(b.InlineRole) == 0 {
		return nil, errInvalid("A token needs a role, customRoleIds or an inlineRole")
	}
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, aerr := o.h.caller(ctx)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkCustomRoleIDs(b.CustomRoleIDs); aerr != nil {
		return nil, aerr
	}
	// The token holds what the request says, property by property: one the contract adds to
	// both AccessTokenPost and Token is carried over without a line here.
	t, err := reshape[api.Token](b)
	if err != nil {
		return nil, errInvalid("the request does not make a token: " + firstLine(err.Error()))
	}
	now := o.h.now()
	t.ID, t.OwnerID, t.MemberID = s.ids.next(now), who.member.m.ID, who.member.m.ID
	t.CreationDate, t.LastModified = now.UnixMilli(), now.UnixMilli()
	if aerr := s.decide(who, ask{act: actCreateToken, on: s.tokenResource(t), token: &tokenRec{t: t}, secret: true}); aerr != nil {
		return nil, aerr
	}
	secret := newSecret()
	r := s.insertToken(normalizeToken(t, now), secret)
	s.markApplied("postToken")
	out := s.tokenAnswer(r)
	out.Secret = secret
	return ss.PostToken201JSONResponse(out), nil
}

// checkCustomRoleIDs refuses unknown custom role IDs; the caller holds the lock.
func (s *state) checkCustomRoleIDs(ids []string) *apiError {
	for _, id := range ids {
		if _, ok := s.roleIDs[id]; !ok {
			return errInvalid("Unknown custom role ID " + id)
		}
	}
	return nil
}

// DeleteToken deletes a token; every secret it had stops authenticating at once.
func (o *ops) DeleteToken(ctx context.Context, req ss.DeleteTokenRequestObject) (ss.DeleteTokenResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findToken(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, ask{act: actDeleteToken, on: s.tokenResource(r.t)}); aerr != nil {
		return nil, aerr
	}
	s.deleteToken(r.t.ID)
	s.markApplied("deleteToken")
	return ss.DeleteToken204Response{}, nil
}

// ResetToken gives a token a new secret, shown this once in full. The old secret keeps
// authenticating until expiry (epoch ms), or stops at once without it.
func (o *ops) ResetToken(ctx context.Context, req ss.ResetTokenRequestObject) (ss.ResetTokenResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findToken(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.decide(who, ask{act: actResetToken, on: s.tokenResource(r.t), token: r, secret: true}); aerr != nil {
		return nil, aerr
	}
	now := o.h.now().UnixMilli()
	if old := r.secret; old != "" {
		if exp := deref(req.Params.Expiry); exp > now {
			s.secrets[old] = secretRef{tokenID: r.t.ID, expires: exp}
		} else {
			delete(s.secrets, old)
		}
	}
	r.secret = newSecret()
	s.secrets[r.secret] = secretRef{tokenID: r.t.ID}
	r.t.LastModified = now
	s.writes[r.t.ID]++
	s.markApplied("resetToken")
	out := s.tokenAnswer(r)
	out.Secret = r.secret
	return ss.ResetToken200JSONResponse(out), nil
}

// PatchToken applies a JSON Patch to a token's editable fields.
func (o *ops) PatchToken(ctx context.Context, req ss.PatchTokenRequestObject) (ss.PatchTokenResponseObject, error) {
	s := o.h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	who, r, aerr := o.findToken(ctx, req.ID)
	if aerr != nil {
		return nil, aerr
	}
	before := s.tokenAnswer(r)
	before.Member = api.MemberSummary{}
	doc, _ := json.Marshal(before)
	out, outcome, msg := applyPatch(doc, callFrom(ctx).body, tokenEditable)
	switch outcome {
	case patchInvalid:
		return nil, errInvalid(msg)
	case patchTestFailed, patchUnapplied:
		return nil, errPatchFailed(msg)
	}
	var got api.Token
	if err := json.Unmarshal(out.doc, &got); err != nil {
		return nil, errInvalid("the patched token is not valid: " + firstLine(err.Error()))
	}
	if got.Role != "" && !tokenRole(got.Role) {
		return nil, errInvalid("role must be one of " + joinValues(api.AccessTokenPostRoleValues()))
	}
	if aerr := s.checkCustomRoleIDs(got.CustomRoleIDs); aerr != nil {
		return nil, aerr
	}
	if got.InlineRole != nil {
		for _, st := range got.InlineRole {
			if !st.Effect.Valid() {
				return nil, errInvalid("inlineRole effect must be " + joinValues(api.StatementEffectValues()))
			}
		}
	}
	t := r.t
	t.Name, t.Description, t.Role = got.Name, got.Description, got.Role
	t.CustomRoleIDs, t.InlineRole, t.DefaultAPIVersion = got.CustomRoleIDs, got.InlineRole, got.DefaultAPIVersion
	if aerr := s.decide(who, s.tokenPatchAsks(r.t, t, out.written)...); aerr != nil {
		return nil, aerr
	}
	after, _ := json.Marshal(t)
	current, _ := json.Marshal(r.t)
	if string(after) != string(current) {
		t.LastModified = o.h.now().UnixMilli()
		r.t = t
		s.writes[r.t.ID]++
		s.markApplied("patchToken")
	}
	return ss.PatchToken200JSONResponse(s.tokenAnswer(r)), nil
}

// tokenPatchAsks are what a token patch asks, one action per kind of field it writes (written,
// or changed): its name, its description, or what it may do (role, custom roles, inline
// policy, default API version: all updateAccessTokenPolicy), with what the change gives.
func (s *state) tokenPatchAsks(before, after api.Token, written map[string]bool) []ask {
	on := s.tokenResource(before)
	var asks []ask
	if after.Name != before.Name || written["name"] {
		asks = append(asks, ask{act: actUpdateTokenName, on: on})
	}
	if after.Description != before.Description || written["description"] {
		asks = append(asks, ask{act: actUpdateTokenDesc, on: on})
	}
	b, _ := json.Marshal([]any{before.Role, before.CustomRoleIDs, before.InlineRole, before.DefaultAPIVersion})
	a, _ := json.Marshal([]any{after.Role, after.CustomRoleIDs, after.InlineRole, after.DefaultAPIVersion})
	if string(a) != string(b) || written["role"] || written["customRoleIds"] || written["inlineRole"] || written["defaultApiVersion"] {
		asks = append(asks, ask{act: actUpdateTokenPolicy, on: on, give: s.tokenGift(before, after)})
	}
	return asks
}
