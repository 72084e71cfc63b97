package wrapper

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ldaccess/ldaccess/api"
)

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
