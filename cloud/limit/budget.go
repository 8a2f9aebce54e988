package limit

import "sync/atomic"

// Budget is a number of bytes that holders take and give back, such as the memory
// all request bodies may occupy at once. A nil Budget is unlimited.
type Budget struct{ left atomic.Int64 }

// NewBudget returns a Budget of n bytes.
func NewBudget(n int64) *Budget {
	b := &Budget{}
	b.left.Store(n)
	return b
}

// Take takes n bytes and reports true, or takes nothing and reports false when
// fewer than n are left.
func (b *Budget) Take(n int64) bool {
	if b == nil {
		return true
	}
	for {
		left := b.left.Load()
		if left < n {
			return false
		}
		if b.left.CompareAndSwap(left, left-n) {
			return true
		}
	}
}

// Give returns n bytes taken earlier.
func (b *Budget) Give(n int64) {
	if b != nil {
		b.left.Add(n)
	}
}

// Left returns the bytes not taken.
func (b *Budget) Left() int64 {
	if b == nil {
		return -1
	}
	return b.left.Load()
}
