//go:build windows || !(amd64 || arm64 || ppc64le || riscv64 || s390x || loong64)

package store

// initialMmapSize 0 keeps bbolt's default mapping (see mmap_64.go).
const initialMmapSize = 0

// allocSize is unused where initialMmapSize is 0.
const allocSize = 0
