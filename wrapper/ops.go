package wrapper

import (
	"context"
	"errors"
	"time"

	"github.com/ldaccess/ldaccess/api"
)

// The 13 operations, one method each. Every one builds its request with package api's
// generated builder, which escapes an ID into one path segment, and takes the same path
// through call. Operation names in errors are the contract's operationIds.

// GetToken returns the access token with the given ID, its secret obfuscated.
func (c *Client) GetToken(ctx context.Context, id string) (api.Token, error) {
	req, err := api.NewGetTokenRequest(c.server, id, nil)
	return call[api.Token](ctx, c, "getToken", req, checkID(id, err))
}

// ListTokens returns one page of access tokens. To go through all of them use [Client.Tokens].
func (c *Client) ListTokens(ctx context.Context, q TokensQuery) (api.Tokens, error) {
	req, err := api.NewGetTokensRequest(c.server, q.params())
	return call[api.Tokens](ctx, c, "getTokens", req, err)
}

// CreateToken creates a personal or service access token. The returned token's Secret holds
// the secret in full; LaunchDarkly never shows it again.
func (c *Client) CreateToken(ctx context.Context, t api.AccessTokenPost) (api.Token, error) {
	req, err := api.NewPostTokenRequest(c.server, nil, t)
	return call[api.Token](ctx, c, "postToken", req, err)
}

// PatchToken applies JSON Patch operations (see [Replace] and its siblings) to a token and
// returns the result. A patch that cannot be applied fails with [ErrInvalidRequest] (422).
func (c *Client) PatchToken(ctx context.Context, id string, ops ...api.PatchOperation) (api.Token, error) {
	req, err := api.NewPatchTokenRequest(c.server, id, nil, nonNil(ops))
	return call[api.Token](ctx, c, "patchToken", req, checkID(id, err))
}

// A ResetOption adjusts [Client.ResetToken].
type ResetOption func(*api.ResetTokenParams)

// ExpireOldKeyAt keeps the token's old secret working until t, giving its users time to
// switch; without it the old secret stops working at once.
func ExpireOldKeyAt(t time.Time) ResetOption {
	return func(p *api.ResetTokenParams) {
		ms := Millis(t)
		p.Expiry = &ms
	}
}

// ResetToken issues a new secret for a token and returns the token with the new secret in
// full, shown this once.
func (c *Client) ResetToken(ctx context.Context, id string, opts ...ResetOption) (api.Token, error) {
	var p api.ResetTokenParams
	for _, o := range opts {
		o(&p)
	}
	req, err := api.NewResetTokenRequest(c.server, id, &p)
	return call[api.Token](ctx, c, "resetToken", req, checkID(id, err))
}

// DeleteToken deletes a token; its secret stops working at once.
func (c *Client) DeleteToken(ctx context.Context, id string) error {
	req, err := api.NewDeleteTokenRequest(c.server, id, nil)
	_, err = call[noBody](ctx, c, "deleteToken", req, checkID(id, err))
	return err
}

// A GetMemberOption adjusts [Client.GetMember].
type GetMemberOption func(*api.GetMemberParams)

// ExpandRoleAttributes includes the member's role attributes in the answer.
func ExpandRoleAttributes() GetMemberOption {
	return func(p *api.GetMemberParams) {
		p.Expand = &[]api.MemberExpand{api.MemberExpandRoleAttributes}
	}
}

// GetMember returns the account member with the given ID; "me" is the token's own member.
func (c *Client) GetMember(ctx context.Context, id string, opts ...GetMemberOption) (api.Member, error) {
	var p *api.GetMemberParams
	if len(opts) > 0 {
		p = new(api.GetMemberParams)
		for _, o := range opts {
			o(p)
		}
	}
	req, err := api.NewGetMemberRequest(c.server, id, p)
	return call[api.Member](ctx, c, "getMember", req, checkID(id, err))
}

// ListMembers returns one page of the members q selects, with the total count and links to
// the other pages. To go through all of them use [Client.Members].
func (c *Client) ListMembers(ctx context.Context, q MembersQuery) (api.Members, error) {
	req, err := api.NewGetMembersRequest(c.server, q.params())
	return call[api.Members](ctx, c, "getMembers", req, err)
}

// InviteMembers invites people to the account, at most 50 a call; each needs an email and a
// role or custom roles. It is all or nothing: if any address cannot be invited, nobody is,
// and the [*APIError] lists the offending addresses in InvalidEmails.
func (c *Client) InviteMembers(ctx context.Context, members ...api.NewMemberForm) ([]api.Member, error) {
	if len(members) == 0 {
		return nil, errors.New("ldaccess: postMembers: no members to invite")
	}
	req, err := api.NewPostMembersRequest(c.server, nil, members)
	page, err := call[api.Members](ctx, c, "postMembers", req, err)
	return page.Items, err
}

// PatchMember applies JSON Patch operations to a member, for example
// Replace("/role", "writer"), and returns the result.
func (c *Client) PatchMember(ctx context.Context, id string, ops ...api.PatchOperation) (api.Member, error) {
	req, err := api.NewPatchMemberRequest(c.server, id, nil, nonNil(ops))
	return call[api.Member](ctx, c, "patchMember", req, checkID(id, err))
}

// DeleteMember removes a member from the account.
func (c *Client) DeleteMember(ctx context.Context, id string) error {
	req, err := api.NewDeleteMemberRequest(c.server, id, nil)
	_, err = call[noBody](ctx, c, "deleteMember", req, checkID(id, err))
	return err
}

// AddMemberToTeams adds a member to the teams with the given keys and returns the member.
func (c *Client) AddMemberToTeams(ctx context.Context, id string, teamKeys ...string) (api.Member, error) {
	req, err := api.NewPostMemberTeamsRequest(c.server, id, nil, api.MemberTeamsPostInput{TeamKeys: nonNil(teamKeys)})
	return call[api.Member](ctx, c, "postMemberTeams", req, checkID(id, err))
}

// UpdateMembers applies a semantic patch to many members at once, all or nothing; build the
// instructions with [ReplaceMembersRoles] and its siblings. The comment is kept in the audit
// log. It is sent as application/json; domain-model=launchdarkly.semanticpatch.
func (c *Client) UpdateMembers(ctx context.Context, comment string, instructions ...api.Instruction) (api.BulkEditMembersRep, error) {
	in := api.MembersPatchInput{Comment: comment, Instructions: nonNil(instructions)}
	req, err := api.NewPatchMembersRequestWithApplicationJSONDomainModelLaunchdarklySemanticpatchBody(c.server, nil, in)
	return call[api.BulkEditMembersRep](ctx, c, "patchMembers", req, err)
}

// checkID refuses, before anything is sent, the IDs that cannot stay in their path segment,
// or else returns err, the builder's. Every other ID is escaped by package api's builders
// (url.PathEscape: "a/b" is sent as a%2Fb). "." and ".." are refused: URL resolution, proxies
// and servers collapse such a segment, escaped or not, into its parent's path.
func checkID(id string, err error) error {
	switch id {
	case "":
		return errors.New("empty id")
	case ".", "..":
		return errors.New(`invalid id "` + id + `": "." and ".." name no member or token`)
	}
	return err
}

// nonNil makes a nil slice encode as [] rather than null, which the API rejects.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
