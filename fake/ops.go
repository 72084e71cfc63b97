package fake

import (
	"context"

	ss "github.com/ldaccess/ldaccess/fake/internal/strictserver"
)

// ops implements the generated strict-server interface over the handler's state. Each
// operation lives in members.go, tokens.go or semanticpatch.go; errors are *apiError values that
// Handler.opError writes in LaunchDarkly's format.
type ops struct{ h *Handler }

var _ ss.StrictServerInterface = (*ops)(nil)

func (o *ops) GetMembers(ctx context.Context, req ss.GetMembersRequestObject) (ss.GetMembersResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PatchMembers(ctx context.Context, req ss.PatchMembersRequestObject) (ss.PatchMembersResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PostMembers(ctx context.Context, req ss.PostMembersRequestObject) (ss.PostMembersResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) DeleteMember(ctx context.Context, req ss.DeleteMemberRequestObject) (ss.DeleteMemberResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) GetMember(ctx context.Context, req ss.GetMemberRequestObject) (ss.GetMemberResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PatchMember(ctx context.Context, req ss.PatchMemberRequestObject) (ss.PatchMemberResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PostMemberTeams(ctx context.Context, req ss.PostMemberTeamsRequestObject) (ss.PostMemberTeamsResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) GetTokens(ctx context.Context, req ss.GetTokensRequestObject) (ss.GetTokensResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PostToken(ctx context.Context, req ss.PostTokenRequestObject) (ss.PostTokenResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) DeleteToken(ctx context.Context, req ss.DeleteTokenRequestObject) (ss.DeleteTokenResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) GetToken(ctx context.Context, req ss.GetTokenRequestObject) (ss.GetTokenResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) PatchToken(ctx context.Context, req ss.PatchTokenRequestObject) (ss.PatchTokenResponseObject, error) {
	return nil, errNotFound("not yet")
}
func (o *ops) ResetToken(ctx context.Context, req ss.ResetTokenRequestObject) (ss.ResetTokenResponseObject, error) {
	return nil, errNotFound("not yet")
}
