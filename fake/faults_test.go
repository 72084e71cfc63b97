package fake

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawDo sends a request without the contract check and returns the status, or 0 and the error
// when the exchange broke.
func rawDo(srv *Server, method, path, body string) (int, http.Header, error) {
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", srv.AdminSecret())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	// A fresh connection per request: a dropped one must not be retried by the transport.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	if _, err := io.ReadAll(res.Body); err != nil {
		return res.StatusCode, res.Header, err
	}
	return res.StatusCode, res.Header, nil
}

func TestFaultsDeterministic(t *testing.T) {
	run := func(seed int64) []string {
		srv, _ := newServer(t, Options{Faults: &Faults{Seed: seed, Rate: 0.5,
			Kinds: []FaultKind{Fault500, Fault503, Fault429NoHeaders, Fault404}}})
		var out []string
		for range 40 {
			status, _, _ := rawDo(srv, "GET", "/api/v2/members", "")
			out = append(out, http.StatusText(status))
		}
		for _, r := range srv.Requests() {
			out = append(out, r.Fault.String())
		}
		return out
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.NotEqual(t, a, run(8), "another seed, other faults")
	assert.Contains(t, a, "OK")
	assert.Contains(t, a, "Service Unavailable")
}

func TestFaultScript(t *testing.T) {
	srv, _ := newServer(t, Options{Faults: &Faults{Script: []ScriptedFault{
		{OperationID: "getMembers", Nth: 3, Kind: Fault503},
		{OperationID: "GETTOKENS", Nth: 1, Kind: Fault429RetryAfter},
	}}})
	var statuses []int
	for range 4 {
		s, _, err := rawDo(srv, "GET", "/api/v2/members", "")
		require.NoError(t, err)
		statuses = append(statuses, s)
	}
	assert.Equal(t, []int{200, 200, 503, 200}, statuses)
	s, h, err := rawDo(srv, "GET", "/api/v2/tokens", "")
	require.NoError(t, err)
	assert.Equal(t, 429, s)
	assert.Equal(t, "1", h.Get("Retry-After"))
	log := srv.Requests()
	assert.Equal(t, Fault503, log[2].Fault)
	assert.Equal(t, 503, log[2].Status)
}

func TestFaultKinds(t *testing.T) {
	tests := []struct {
		kind    FaultKind
		status  int
		broken  bool // the exchange fails at the client
		applied int  // whether the write behind it happened
		check   func(t *testing.T, h http.Header)
	}{
		{Fault500, 500, false, 0, nil},
		{Fault502, 502, false, 0, nil},
		{Fault504, 504, false, 0, nil},
		{Fault403, 403, false, 0, nil},
		{Fault409, 409, false, 0, nil},
		{Fault429Reset, 429, false, 0, func(t *testing.T, h http.Header) {
			assert.NotEmpty(t, h.Get("X-Ratelimit-Reset"))
			assert.Equal(t, "0", h.Get("X-Ratelimit-Global-Remaining"))
		}},
		{Fault429NoHeaders, 429, false, 0, func(t *testing.T, h http.Header) {
			assert.Empty(t, h.Get("X-Ratelimit-Reset"))
			assert.Empty(t, h.Get("Retry-After"))
		}},
		{FaultDropBeforeHeaders, 0, true, 0, nil},
		{FaultDropAfterHeaders, 201, true, 1, nil},
		{FaultTruncatedBody, 201, true, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			srv, _ := newServer(t, Options{Faults: &Faults{Script: []ScriptedFault{{OperationID: "postToken", Nth: 1, Kind: tt.kind}}}})
			status, h, err := rawDo(srv, "POST", "/api/v2/tokens", `{"role":"reader"}`)
			if tt.broken {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.applied, srv.Applied("postToken"))
			if tt.check != nil {
				tt.check(t, h)
			}
			log := srv.Requests()
			require.Len(t, log, 1)
			assert.Equal(t, tt.kind, log[0].Fault)
			// The next request is served normally.
			status, _, err = rawDo(srv, "POST", "/api/v2/tokens", `{"role":"reader"}`)
			require.NoError(t, err)
			assert.Equal(t, 201, status)
		})
	}
}

func TestFaultLatencyHonoursContext(t *testing.T) {
	srv, _ := newServer(t, Options{Faults: &Faults{Latency: 10 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v2/members", nil)
	req.Header.Set("Authorization", srv.AdminSecret())
	start := time.Now()
	_, err := srv.Client().Do(req)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)

	// The handler gives up too, without answering.
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Zero(t, srv.Requests()[0].Status)
}

func TestFaultLatency(t *testing.T) {
	srv, _ := newServer(t, Options{Faults: &Faults{Latency: 50 * time.Millisecond, LatencyJitter: 20 * time.Millisecond}})
	start := time.Now()
	status, _, err := rawDo(srv, "GET", "/api/v2/members", "")
	require.NoError(t, err)
	assert.Equal(t, 200, status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
}
