//go:build !race

package pb

// raceOn: see race_on_test.go.
const raceOn = false
