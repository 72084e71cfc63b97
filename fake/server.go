package fake

import (
	"net/http"
	"net/http/httptest"
)

// Server is a fake LaunchDarkly listening on a loopback address, like httptest.Server. Its
// embedded Handler holds the state and promotes its accessors: srv.AdminSecret(),
// srv.Members(), srv.Token(id), srv.Requests() and the rest.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234, with no trailing slash.
	URL string
	// Handler serves the API; mount it elsewhere to serve the same state on another listener.
	*Handler

	srv *httptest.Server
}

// NewServer starts a fake on 127.0.0.1 with the given options. Close it when done.
func NewServer(opts Options) *Server {
	h := NewHandler(opts)
	srv := httptest.NewServer(h)
	return &Server{URL: srv.URL, Handler: h, srv: srv}
}

// Close shuts the server down, blocking until all outstanding requests have completed.
func (s *Server) Close() { s.srv.Close() }

// Client returns an *http.Client configured for the server, whose connections Close shuts.
func (s *Server) Client() *http.Client { return s.srv.Client() }
