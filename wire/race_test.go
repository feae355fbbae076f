//go:build race

package wire

// raceEnabled is set when the tests run under the race detector, which
// makes sync.Pool drop items at random (so allocation counts vary).
const raceEnabled = true
