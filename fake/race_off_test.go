//go:build !race

package fake

// raceEnabled: see race_on_test.go.
const raceEnabled = false
