//go:build !race

package procstat_test

const raceEnabled = false
