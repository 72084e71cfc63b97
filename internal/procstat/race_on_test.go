//go:build race

package procstat_test

// raceEnabled: under the race detector a process keeps its shadow memory resident, so the
// parent's present resident set, Run's floor, is large.
const raceEnabled = true
