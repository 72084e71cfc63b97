package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ldaccess/ldaccess/api"
)

// The client's overhead, without a network. tests/bench compares the client with plain
// net/http over a loopback server, as issue 6 asks.

// cannedTransport answers every request at once with the same body: no network, so that the
// benchmarks below measure only what the client adds around a request.
type cannedTransport struct{ body string }

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(c.body)), Request: r}, nil
}

func BenchmarkOverheadGetMember(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{memberJSON}}
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			var m api.Member
			if err := rawGet(bg, hc, "https://app.launchdarkly.com/api/v2/members/569f183514f4432160000007", &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		c, _ := New(testToken, WithHTTPClient(hc))
		for b.Loop() {
			if _, err := c.GetMember(bg, "569f183514f4432160000007"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// rawGet is the plain net/http + encoding/json a caller would otherwise write.
func rawGet(ctx context.Context, hc *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", testToken)
	req.Header.Set("LD-API-Version", DefaultAPIVersion)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
