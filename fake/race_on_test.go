//go:build race

package fake

// raceEnabled: the race detector slows everything down several times, so timing budgets are
// checked only without it.
const raceEnabled = true
