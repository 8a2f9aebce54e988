//go:build !windows && (amd64 || arm64 || ppc64le || riscv64 || s390x || loong64)

package store

// initialMmapSize is the address space bbolt maps at Open. Without it bbolt remaps
// each time the file doubles, and every remap inside a write copies every node the
// transaction touched out of the old mapping (about 0.5 s of a 100,000-case initial
// sync). 1 GB is only address space on 64-bit Unix: the file still grows only as
// written, by allocSize beyond the last page (openBolt sets it). On Windows bbolt makes the file as large as the mapping, and on
// 32-bit systems 1 GB of address space is too much, so both keep the default there.
const initialMmapSize = 1 << 30

// allocSize is how far bbolt grows the file past its last page, so that a growing
// commit truncates and syncs the file once per MB written, not at every commit.
const allocSize = 1 << 20
