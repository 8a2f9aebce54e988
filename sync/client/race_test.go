//go:build race

package client

// raceEnabled: the race detector makes moving 50 MB through the fake take half a
// minute; the 50 MB test runs in the stage without it.
const raceEnabled = true
