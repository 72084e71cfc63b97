package fake

import (
	"net/http"
	"net/http/httptest"
)

// Server is a fake LaunchDarkly listening on a loopback address, like httptest.Server. Its
// embedded Handler holds the state and promotes the accessors (Members, Tokens, Requests, …),
// all but Handler.Token(id), which the Token field shadows: call srv.Handler.Token(id).
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234, with no trailing slash.
	URL string
	// Token is the admin token: Options.Token, or DefaultToken.
	Token string
	// Handler serves the API; mount it elsewhere to serve the same state on another listener.
	*Handler

	srv *httptest.Server
}

// NewServer starts a fake on 127.0.0.1 with the given options. Close it when done.
func NewServer(opts Options) *Server {
	h := NewHandler(opts)
	srv := httptest.NewServer(h)
	return &Server{URL: srv.URL, Token: h.AdminToken(), Handler: h, srv: srv}
}

// Close shuts the server down, blocking until all outstanding requests have completed.
func (s *Server) Close() { s.srv.Close() }

// Client returns an *http.Client configured for the server, whose connections Close shuts.
func (s *Server) Client() *http.Client { return s.srv.Client() }
