package index

import "math/bits"

// bitset is a set of slots; words past its end count as zero, so sets that grew at
// different times combine without resizing.
type bitset []uint64

func (b *bitset) set(i uint32) {
	w := int(i >> 6)
	if w >= len(*b) {
		n := max(w+1, 2*len(*b))
		nb := make(bitset, n)
		copy(nb, *b)
		*b = nb
	}
	(*b)[w] |= 1 << (i & 63)
}

func (b bitset) unset(i uint32) {
	if w := int(i >> 6); w < len(b) {
		b[w] &^= 1 << (i & 63)
	}
}

func (b bitset) has(i uint32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(i&63)) != 0
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// and keeps in b only what is also in o.
func (b bitset) and(o bitset) {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		b[i] &= o[i]
	}
	clear(b[n:])
}

// or adds o to b, up to b's length.
func (b bitset) or(o bitset) {
	n := min(len(b), len(o))
	for i := 0; i < n; i++ {
		b[i] |= o[i]
	}
}

// copyOf returns a bitset of n words holding o.
func copyOf(o bitset, n int) bitset {
	b := make(bitset, n)
	copy(b, o)
	return b
}

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}
