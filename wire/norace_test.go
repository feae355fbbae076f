//go:build !race

package wire

// raceEnabled is set when the tests run under the race detector.
const raceEnabled = false
