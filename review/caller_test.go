package review

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ldaccess/ldaccess/api"
)

// TestTheCallersTokenIsToldByItsLastFourCharacters: LaunchDarkly shows four characters of a
// secret; when they do not single out one of the caller's tokens, every one of them is
// protected.
func TestTheCallersTokenIsToldByItsLastFourCharacters(t *testing.T) {
	me := api.Member{ID: "m1", Email: "me@x.io"}
	tok := func(id, owner, secret string) api.Token {
		return api.Token{ID: id, Name: "token " + id, OwnerID: owner, MemberID: owner, Secret: secret}
	}
	tests := []struct {
		name   string
		tokens []api.Token
		want   []string
		named  string
	}{
		{"one matches", []api.Token{tok("t1", "m1", "abcd"), tok("t2", "m1", "wxyz"), tok("t3", "m2", "abcd")}, []string{"t1"}, "token t1"},
		{"a full secret is compared by its end", []api.Token{tok("t1", "m1", "api-0000-abcd"), tok("t2", "m1", "wxyz")}, []string{"t1"}, "token t1"},
		{"two match: both", []api.Token{tok("t1", "m1", "abcd"), tok("t2", "m1", "abcd"), tok("t3", "m1", "wxyz")}, []string{"t1", "t2"}, ""},
		{"none matches: every one of the member's", []api.Token{tok("t1", "m1", "1111"), tok("t2", "m1", "2222"), tok("t3", "m2", "abcd")}, []string{"t1", "t2"}, ""},
		{"none at all", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := callerFrom(me, tt.tokens, "abcd")
			assert.Equal(t, Caller{MemberID: "m1", Email: "me@x.io", TokenIDs: tt.want, TokenName: tt.named}, c)
			g := ground{ownerID: "o", caller: c}
			for _, id := range tt.want {
				assert.NotEmpty(t, g.refuses(subjectToken, id), id)
			}
			assert.Empty(t, g.refuses(subjectToken, "t3"))
		})
	}
}

// TestACallerWithoutAMember: when the API names no member for the token (a service token), the
// token is looked for among every token listed, whoever owns it.
func TestACallerWithoutAMember(t *testing.T) {
	tokens := []api.Token{
		{ID: "t1", OwnerID: "m1", Secret: "abcd"}, {ID: "t2", OwnerID: "m2", Secret: "wxyz"},
	}
	c := callerFrom(api.Member{}, tokens, "abcd")
	assert.Equal(t, Caller{TokenIDs: []string{"t1"}, TokenMembers: []string{"m1"}}, c)
	g := ground{ownerID: "o", caller: c}
	assert.NotEmpty(t, g.refuses(subjectMember, "m1"), "removing the token's member would stop the token")
	assert.Empty(t, g.refuses(subjectMember, "m2"))
	c = callerFrom(api.Member{}, tokens, "0000")
	assert.False(t, c.known(), "nothing to protect: Apply refuses to go on")
}
