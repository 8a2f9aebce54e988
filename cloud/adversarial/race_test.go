//go:build race

package adversarial

// raceEnabled: the race detector makes everything several times slower, so the
// latency goal is reported, not checked.
const raceEnabled = true
