package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/ldaccess/ldaccess/api"
)

// baseline is what a careful programmer writes with net/http and encoding/json alone: the
// headers LaunchDarkly wants, a status check, json.Decoder straight from the body, and
// pagination by `_links.next`. No retries, no typed errors, no pacing.
//
// Its structs are "minimal": the fields a script doing an access review reads. encoding/json
// still scans the rest of each object, but does not build it. The "baseline-full" variant
// decodes into the generated api types with the same code, to separate the cost of decoding
// every field from the wrapper's own overhead.
type baseline struct {
	hc    *http.Client
	base  string
	token string
}

type minLink struct {
	Href string `json:"href"`
}

type minMember struct {
	ID          string   `json:"_id"`
	Email       string   `json:"email"`
	Role        string   `json:"role"`
	FirstName   string   `json:"firstName"`
	LastName    string   `json:"lastName"`
	LastSeen    int64    `json:"_lastSeen"`
	CustomRoles []string `json:"customRoles"`
}

type minMembers struct {
	Items      []minMember        `json:"items"`
	Links      map[string]minLink `json:"_links"`
	TotalCount int                `json:"totalCount"`
}

type minToken struct {
	ID           string `json:"_id"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	MemberID     string `json:"memberId"`
	CreationDate int64  `json:"creationDate"`
	LastUsed     int64  `json:"lastUsed"`
	Token        string `json:"token"`
	ServiceToken bool   `json:"serviceToken"`
}

type minTokens struct {
	Items      []minToken         `json:"items"`
	Links      map[string]minLink `json:"_links"`
	TotalCount int                `json:"totalCount"`
}

type minTokenPost struct {
	Name              string `json:"name,omitempty"`
	Description       string `json:"description,omitempty"`
	Role              string `json:"role,omitempty"`
	ServiceToken      bool   `json:"serviceToken,omitempty"`
	DefaultAPIVersion int    `json:"defaultApiVersion,omitempty"`
}

func newBaseline(base string) *baseline {
	return &baseline{hc: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}, base: base, token: benchToken}
}

// do sends one request and decodes a 2xx JSON body into out.
func (b *baseline) do(ctx context.Context, method, pathQuery string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+pathQuery, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", b.token)
	req.Header.Set("LD-API-Version", "20240415")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("%s %s: %s", method, pathQuery, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (b *baseline) getMember(ctx context.Context, id string) (minMember, error) {
	var m minMember
	err := b.do(ctx, http.MethodGet, "/api/v2/members/"+url.PathEscape(id), nil, &m)
	return m, err
}

func (b *baseline) listMembers(ctx context.Context, limit, offset int) (minMembers, error) {
	var p minMembers
	err := b.do(ctx, http.MethodGet, fmt.Sprintf("/api/v2/members?limit=%d&offset=%d", limit, offset), nil, &p)
	return p, err
}

// eachMember calls f for every member, following `next` links.
func (b *baseline) eachMember(ctx context.Context, limit int, f func(*minMember)) error {
	next := fmt.Sprintf("/api/v2/members?limit=%d", limit)
	for next != "" {
		var p minMembers
		if err := b.do(ctx, http.MethodGet, next, nil, &p); err != nil {
			return err
		}
		for i := range p.Items {
			f(&p.Items[i])
		}
		next = p.Links["next"].Href
	}
	return nil
}

func (b *baseline) createToken(ctx context.Context, post minTokenPost) (minToken, error) {
	var t minToken
	err := b.do(ctx, http.MethodPost, "/api/v2/tokens", post, &t)
	return t, err
}

func (b *baseline) listTokens(ctx context.Context, limit int) (minTokens, error) {
	var p minTokens
	err := b.do(ctx, http.MethodGet, fmt.Sprintf("/api/v2/tokens?limit=%d", limit), nil, &p)
	return p, err
}

// The full-struct variant: the same code decoding into the generated types.

func (b *baseline) getMemberFull(ctx context.Context, id string) (api.Member, error) {
	var m api.Member
	err := b.do(ctx, http.MethodGet, "/api/v2/members/"+url.PathEscape(id), nil, &m)
	return m, err
}

func (b *baseline) listMembersFull(ctx context.Context, limit, offset int) (api.Members, error) {
	var p api.Members
	err := b.do(ctx, http.MethodGet, fmt.Sprintf("/api/v2/members?limit=%d&offset=%d", limit, offset), nil, &p)
	return p, err
}

func (b *baseline) eachMemberFull(ctx context.Context, limit int, f func(*api.Member)) error {
	next := fmt.Sprintf("/api/v2/members?limit=%d", limit)
	for next != "" {
		var p api.Members
		if err := b.do(ctx, http.MethodGet, next, nil, &p); err != nil {
			return err
		}
		for i := range p.Items {
			f(&p.Items[i])
		}
		next = p.Links["next"].Href
	}
	return nil
}

func (b *baseline) createTokenFull(ctx context.Context, post api.AccessTokenPost) (api.Token, error) {
	var t api.Token
	err := b.do(ctx, http.MethodPost, "/api/v2/tokens", post, &t)
	return t, err
}

func (b *baseline) listTokensFull(ctx context.Context, limit int) (api.Tokens, error) {
	var p api.Tokens
	err := b.do(ctx, http.MethodGet, fmt.Sprintf("/api/v2/tokens?limit=%d", limit), nil, &p)
	return p, err
}
