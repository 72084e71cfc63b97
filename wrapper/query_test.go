package wrapper

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemberFilterString(t *testing.T) {
	yes, no := true, false
	before := time.UnixMilli(1608672063611)
	tests := []struct {
		name string
		f    MemberFilter
		want string
	}{
		{"zero", MemberFilter{}, ""},
		{"query", MemberFilter{Query: "abc"}, "query:abc"},
		{"roles", MemberFilter{Roles: []string{"admin", "customrole"}}, "role:admin|customrole"},
		{"ids", MemberFilter{IDs: []string{"a", "b"}}, "id:a|b"},
		{"emails", MemberFilter{Emails: []string{"a@b.c", "d@e.f"}}, "email:a@b.c|d@e.f"},
		{"team", MemberFilter{TeamKey: "platform"}, "team:platform"},
		{"noteam true", MemberFilter{NoTeam: &yes}, "noteam:true"},
		{"noteam false", MemberFilter{NoTeam: &no}, "noteam:false"},
		{"never", MemberFilter{LastSeen: NeverSeen()}, `lastSeen:{"never":true}`},
		{"noData", MemberFilter{LastSeen: NoLastSeenData()}, `lastSeen:{"noData":true}`},
		{"before", MemberFilter{LastSeen: SeenBefore(before)}, `lastSeen:{"before":1608672063611}`},
		{"everything", MemberFilter{Query: "abc", Roles: []string{"admin", "writer"}, IDs: []string{"1"}, Emails: []string{"x@y.z"},
			TeamKey: "t", NoTeam: &no, LastSeen: NeverSeen()},
			`query:abc,role:admin|writer,id:1,email:x@y.z,team:t,noteam:false,lastSeen:{"never":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.f.String()) })
	}
}

func TestPatchBuilders(t *testing.T) {
	b, err := json.Marshal(append([]any{},
		Add("/customRoles/-", "flag-editor"), Replace("/role", "writer"), Remove("/description"), Test("/role", "reader")))
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"op":"add","path":"/customRoles/-","value":"flag-editor"},
		{"op":"replace","path":"/role","value":"writer"},
		{"op":"remove","path":"/description"},
		{"op":"test","path":"/role","value":"reader"}]`, string(b))
}

func TestInstructionBuilders(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"replaceMembersRoles", ReplaceMembersRoles("reader", "m1", "m2"),
			`{"kind":"replaceMembersRoles","value":"reader","memberIDs":["m1","m2"]}`},
		{"replaceMembersRoles no ids", ReplaceMembersRoles("reader"),
			`{"kind":"replaceMembersRoles","value":"reader","memberIDs":[]}`},
		{"replaceMembersCustomRoles", ReplaceMembersCustomRoles([]string{"flag-editor"}, "m1"),
			`{"kind":"replaceMembersCustomRoles","values":["flag-editor"],"memberIDs":["m1"]}`},
		{"replaceAllMembersRoles everyone", ReplaceAllMembersRoles("reader", AllMembersFilter{}),
			`{"kind":"replaceAllMembersRoles","value":"reader"}`},
		{"replaceAllMembersRoles filtered", ReplaceAllMembersRoles("no_access", AllMembersFilter{
			LastSeen: SeenBefore(time.UnixMilli(1600000000000)), Query: "contractor", Roles: []string{"writer"},
			TeamKey: "ops", IgnoredMemberIDs: []string{"m9"}}),
			`{"kind":"replaceAllMembersRoles","value":"no_access","filterLastSeen":{"before":1600000000000},
			  "filterQuery":"contractor","filterRoles":["writer"],"filterTeamKey":"ops","ignoredMemberIDs":["m9"]}`},
		{"replaceAllMembersCustomRoles", ReplaceAllMembersCustomRoles(nil, AllMembersFilter{LastSeen: NeverSeen()}),
			`{"kind":"replaceAllMembersCustomRoles","values":[],"filterLastSeen":{"never":true}}`},
		{"replaceMembersRoleAttributes", ReplaceMembersRoleAttributes(map[string][]string{"projects": {"default"}}, "m1"),
			`{"kind":"replaceMembersRoleAttributes","value":{"projects":["default"]},"memberIDs":["m1"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
		})
	}
}

func TestTimeHelpers(t *testing.T) {
	assert.True(t, Time(0).IsZero(), "0 means never")
	assert.Equal(t, int64(0), Millis(time.Time{}))
	at := time.Date(2021, 8, 3, 14, 40, 2, 644_000_000, time.UTC)
	assert.Equal(t, int64(1628001602644), Millis(at))
	assert.True(t, Time(1628001602644).Equal(at))
	assert.Equal(t, int64(1628001602644), Millis(Time(1628001602644)))
}
