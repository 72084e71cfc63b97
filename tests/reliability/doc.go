// Package reliability holds issue 6's reliability and security suite: chaos runs against the
// fake with injected faults, a table of hostile server behaviours, fuzz targets for every
// parser of server input reachable through the wrapper's exported API (seed corpora in
// testdata/fuzz), and checks that the access token never leaks into an error, a log record,
// a formatted client or a request to another host. All of it runs under `go test -race`
// within a bounded time; `make fuzz` runs the fuzz targets for longer.
package reliability
