//go:build race

package cloud_test

// raceEnabled: under the race detector bbolt's writes slow down many times, hashing
// (assembly) does not, so timing bounds relative to hashing do not hold; such tests
// run in the stage without it.
const raceEnabled = true
