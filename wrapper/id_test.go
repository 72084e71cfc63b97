package wrapper

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idMethods are the methods that put a caller's ID into the path: the collection, what follows
// the ID, and the call.
var idMethods = []struct {
	op, collection, suffix, query string
	call                          func(c *Client, id string) error
}{
	{"getToken", "tokens", "", "", func(c *Client, id string) error { _, err := c.GetToken(bg, id); return err }},
	{"patchToken", "tokens", "", "", func(c *Client, id string) error { _, err := c.PatchToken(bg, id); return err }},
	{"resetToken", "tokens", "/reset", "", func(c *Client, id string) error { _, err := c.ResetToken(bg, id); return err }},
	{"deleteToken", "tokens", "", "", func(c *Client, id string) error { return c.DeleteToken(bg, id) }},
	{"getMember", "members", "", "", func(c *Client, id string) error { _, err := c.GetMember(bg, id); return err }},
	{"getMember expanded", "members", "", "expand=roleAttributes", func(c *Client, id string) error {
		_, err := c.GetMember(bg, id, ExpandRoleAttributes())
		return err
	}},
	{"patchMember", "members", "", "", func(c *Client, id string) error { _, err := c.PatchMember(bg, id); return err }},
	{"deleteMember", "members", "", "", func(c *Client, id string) error { return c.DeleteMember(bg, id) }},
	{"postMemberTeams", "members", "/teams", "", func(c *Client, id string) error {
		_, err := c.AddMemberToTeams(bg, id, "t")
		return err
	}},
}

// TestIDStaysInItsPathSegment: whatever an ID holds, the request goes to
// /api/v2/<collection>/<that ID>[/suffix] and nowhere else, the ID escaped into exactly one
// path segment; or, for IDs that no escaping can keep in place (URL resolution and servers
// collapse "." and ".." segments, escaped or not), it is refused before anything is sent.
func TestIDStaysInItsPathSegment(t *testing.T) {
	escaped := []string{
		"../tokens", "..%2Ftokens", "a/b", "/", "a?showAll=true", "?", "a#frag", "#", "100%", "%2e%2e",
		"%2F", "...", ".a", "a.", ". .", "a b", "a;b", "a\\b", "é", "me",
		"http://evil.example/x", "//evil.example", "a:b", "\x00\n\xff",
	}
	refused := []string{"", ".", ".."}
	for _, m := range idMethods {
		for _, id := range escaped {
			t.Run(m.op+"/"+id, func(t *testing.T) {
				var got []string // each request's URI as it arrived, unresolved
				c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
					got = append(got, r.RequestURI)
					writeJSON(w, 404, `{"code":"not_found","message":"Unknown resource"}`)
				})
				checkErr(t, m.call(c, id))
				require.Len(t, got, 1)
				path, query, _ := strings.Cut(got[0], "?")
				assert.Equal(t, m.query, query, "the ID leaked into the query")
				prefix := "/api/v2/" + m.collection + "/"
				require.True(t, strings.HasPrefix(path, prefix), "request went to %s", path)
				require.True(t, strings.HasSuffix(path, m.suffix), "request went to %s", path)
				segment := strings.TrimSuffix(strings.TrimPrefix(path, prefix), m.suffix)
				assert.NotContains(t, segment, "/", "the ID spans segments: %s", path)
				unescaped, err := url.PathUnescape(segment)
				require.NoError(t, err)
				assert.Equal(t, id, unescaped, "request went to %s", path)
			})
		}
		for _, id := range refused {
			t.Run(m.op+"/refused/"+id, func(t *testing.T) {
				n := 0
				c, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { n++ })
				err := checkErr(t, m.call(c, id))
				assert.Contains(t, err.Error(), "id")
				assert.Zero(t, n, "a request was sent")
			})
		}
	}
}
