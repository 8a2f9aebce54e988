//go:build race

package sim

// defaultSeeds is smaller under the race detector, which makes every seed about ten
// times slower; the stage without it runs the full 1,000.
const defaultSeeds = 50
