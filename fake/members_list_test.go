package fake

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/api"
)

func listIDs(t *testing.T, c *client, query string) []string {
	t.Helper()
	r := c.do("GET", "/api/v2/members?limit=1000&"+query, nil)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	return ids(decode[api.Members](t, r).Items)
}

func TestMembersFilter(t *testing.T) {
	_, c := newServer(t, Options{Account: smallAccount()})
	tests := []struct {
		name, filter string
		want         []string
	}{
		{"none", "", []string{"m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08"}},
		{"query first name, any case", "query:ADAM", []string{"m02", "m08"}},
		{"query last name", "query:writer", []string{"m03"}},
		{"query full name", "query:olivia owner", []string{"m01"}},
		{"query email", "query:example.org", []string{"m04"}},
		{"role admin counts the owner", "role:admin", []string{"m01", "m02"}},
		{"role list", "role:writer|reader", []string{"m03", "m04", "m05", "m08"}},
		{"role matches custom role keys", "role:flag-editor", []string{"m07"}},
		{"role owner", "role:owner", []string{"m01"}},
		{"id list", "id:m02|m05|nope", []string{"m02", "m05"}},
		{"email list, any case", "email:WENDY@acme.io|zed@acme.com", []string{"m03", "m08"}},
		{"team, any case", "team:MOBILE", []string{"m03", "m08"}},
		{"team with nobody", "team:empty", []string{}},
		{"noteam true", "noteam:true", []string{"m01", "m04", "m05", "m06", "m07"}},
		{"noteam false", "noteam:false", []string{"m02", "m03", "m08"}},
		{"lastSeen never: pending or unverified", `lastSeen:{"never":true}`, []string{"m04", "m05"}},
		{"lastSeen noData", `lastSeen:{"noData":true}`, []string{"m06"}},
		{"lastSeen before", `lastSeen:{"before":6000}`, []string{"m02", "m04", "m05", "m06", "m07"}},
		{"terms combine", `role:writer,team:mobile,query:zed`, []string{"m08"}},
		{"json with a comma stays one term", `lastSeen:{"before":6000},role:admin`, []string{"m02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, listIDs(t, c, "filter="+url.QueryEscape(tt.filter)))
		})
	}
}

func TestMembersFilterRejected(t *testing.T) {
	_, c := newServer(t, Options{Account: smallAccount()})
	for _, q := range []string{
		"filter=" + url.QueryEscape("color:blue"),
		"filter=" + url.QueryEscape("noteam:maybe"),
		"filter=" + url.QueryEscape(`lastSeen:{"soon":true}`),
		"filter=" + url.QueryEscape(`lastSeen:{"never":true,"noData":true}`),
		"filter=" + url.QueryEscape("justtext"),
		"sort=email",
		"sort=-creationDate",
		"expand=teams",
		"limit=0",
		"limit=1001",
		"offset=-1",
		"limit=abc",
	} {
		t.Run(q, func(t *testing.T) {
			wantError(t, c.do("GET", "/api/v2/members?"+q, nil), 400, "invalid_request")
		})
	}
}

func TestMembersSort(t *testing.T) {
	_, c := newServer(t, Options{Account: smallAccount()})
	tests := []struct {
		sort string
		want []string
	}{
		// displayName is first + last, else the email; ties broken by _id.
		{"displayName", []string{"m02", "m08", "m07", "m05", "m06", "m01", "m04", "m03"}},
		{"-displayName", []string{"m03", "m04", "m01", "m06", "m05", "m07", "m08", "m02"}},
		// never seen and no data are the oldest; equal times keep _id order.
		{"lastSeen", []string{"m04", "m05", "m06", "m07", "m02", "m03", "m08", "m01"}},
		{"-lastSeen", []string{"m01", "m03", "m08", "m02", "m07", "m04", "m05", "m06"}},
		{"lastSeen,displayName", []string{"m05", "m06", "m04", "m07", "m02", "m08", "m03", "m01"}},
	}
	for _, tt := range tests {
		t.Run(tt.sort, func(t *testing.T) {
			assert.Equal(t, tt.want, listIDs(t, c, "sort="+tt.sort))
		})
	}
}

func TestMembersExpand(t *testing.T) {
	a := smallAccount()
	a.Members[1].RoleAttributes = map[string]api.RoleAttributeValues{"projects": {"web"}}
	_, c := newServer(t, Options{Account: a})

	plain := decode[api.Members](t, c.do("GET", "/api/v2/members?filter=id:m02", nil))
	require.Len(t, plain.Items, 1)
	assert.Nil(t, plain.Items[0].RoleAttributes, "roleAttributes only when expanded")
	assert.NotNil(t, plain.Items[0].CustomRoles, "customRoles always present")

	exp := decode[api.Members](t, c.do("GET", "/api/v2/members?filter=id:m02&expand=customRoles,roleAttributes", nil))
	require.NotNil(t, exp.Items[0].RoleAttributes)
	assert.Equal(t, []string{"web"}, (exp.Items[0].RoleAttributes)["projects"])

	one := decode[api.Member](t, c.do("GET", "/api/v2/members/m02?expand=roleAttributes", nil))
	require.NotNil(t, one.RoleAttributes)
	assert.Nil(t, decode[api.Member](t, c.do("GET", "/api/v2/members/m02", nil)).RoleAttributes)
}

func href(l api.Links, name string) string {
	v, ok := l[name]
	if !ok {
		return ""
	}
	return v.Href
}

func TestMembersLinks(t *testing.T) {
	_, c := newServer(t, Options{Account: Seed(SeedOptions{Members: 50, Seed: 3})})
	tests := []struct {
		name                          string
		query                         string
		count                         int
		self, first, prev, next, last string
	}{
		{"default limit", "", 20,
			"/api/v2/members?limit=20&offset=0", "", "",
			"/api/v2/members?limit=20&offset=20", "/api/v2/members?limit=20&offset=40"},
		{"middle page", "limit=20&offset=20", 20,
			"/api/v2/members?limit=20&offset=20", "/api/v2/members?limit=20&offset=0", "/api/v2/members?limit=20&offset=0",
			"/api/v2/members?limit=20&offset=40", "/api/v2/members?limit=20&offset=40"},
		{"last page", "limit=20&offset=40", 10,
			"/api/v2/members?limit=20&offset=40", "/api/v2/members?limit=20&offset=0", "/api/v2/members?limit=20&offset=20",
			"", ""},
		{"past the end", "limit=20&offset=60", 0,
			"/api/v2/members?limit=20&offset=60", "/api/v2/members?limit=20&offset=0", "/api/v2/members?limit=20&offset=40",
			"", ""},
		{"one page holds all", "limit=50", 50, "/api/v2/members?limit=50&offset=0", "", "", "", ""},
		{"query carried", "filter=role%3Awriter%7Creader&sort=-lastSeen&expand=roleAttributes&limit=5&offset=5", 5,
			"/api/v2/members?expand=roleAttributes&filter=role%3Awriter%7Creader&limit=5&offset=5&sort=-lastSeen",
			"/api/v2/members?expand=roleAttributes&filter=role%3Awriter%7Creader&limit=5&offset=0&sort=-lastSeen",
			"/api/v2/members?expand=roleAttributes&filter=role%3Awriter%7Creader&limit=5&offset=0&sort=-lastSeen",
			"/api/v2/members?expand=roleAttributes&filter=role%3Awriter%7Creader&limit=5&offset=10&sort=-lastSeen",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("GET", "/api/v2/members?"+tt.query, nil)
			page := decode[api.Members](t, r)
			assert.Len(t, page.Items, tt.count)
			assert.Equal(t, tt.self, href(page.Links, "self"))
			assert.Equal(t, tt.first, href(page.Links, "first"))
			assert.Equal(t, tt.prev, href(page.Links, "prev"))
			assert.Equal(t, tt.next, href(page.Links, "next"))
			if tt.last != "" || tt.next == "" {
				assert.Equal(t, tt.last, href(page.Links, "last"))
			}
			assert.Contains(t, string(r.body), `"totalCount":`, "every page says how many members match")
		})
	}
}

// TestMembersPagination checks that following `next` with every page size yields exactly the
// members of one big page, in the same order.
func TestMembersPagination(t *testing.T) {
	_, c := newServer(t, Options{Account: Seed(SeedOptions{Members: 120, Seed: 9})})
	for _, q := range []string{"", "sort=displayName", "sort=-lastSeen", "filter=role%3Awriter", "filter=noteam%3Atrue&sort=lastSeen"} {
		all := listIDs(t, c, q)
		require.NotEmpty(t, all)
		for size := 1; size <= 7; size++ {
			t.Run(fmt.Sprintf("%s/limit=%d", q, size), func(t *testing.T) {
				var got []string
				path := fmt.Sprintf("/api/v2/members?limit=%d&%s", size, q)
				for path != "" {
					page := decode[api.Members](t, c.do("GET", path, nil))
					got = append(got, ids(page.Items)...)
					assert.Equal(t, len(all), page.TotalCount)
					path = href(page.Links, "next")
				}
				assert.Equal(t, all, got)
			})
		}
	}
}

func TestMembersViewCacheSeesWrites(t *testing.T) {
	_, c := newServer(t, Options{Account: smallAccount()})
	before := listIDs(t, c, "filter=role%3Areader")
	r := c.do("PATCH", "/api/v2/members/m03", `[{"op":"replace","path":"/role","value":"reader"}]`)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	after := listIDs(t, c, "filter=role%3Areader")
	assert.Equal(t, append([]string{"m03"}, before...), after)
}
