package limit

import "sync"

// Budget is a number of bytes that holders take and give back, such as the memory
// all request bodies may occupy at once, with a cap for each key (a tenant), so that
// one key cannot spend it all. A nil Budget is unlimited.
type Budget struct {
	total, perKey int64

	mu    sync.Mutex
	taken int64
	byKey map[string]int64
}

// NewBudget returns a Budget of total bytes, at most perKey of them (zero or less:
// no cap) to one key.
func NewBudget(total, perKey int64) *Budget {
	return &Budget{total: total, perKey: perKey, byKey: map[string]int64{}}
}

// Take takes n bytes for key and reports true, or takes nothing and reports false
// when the budget or the key's cap would be exceeded.
func (b *Budget) Take(key string, n int64) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.taken+n > b.total || b.perKey > 0 && b.byKey[key]+n > b.perKey {
		return false
	}
	b.taken += n
	b.byKey[key] += n
	return true
}

// Give returns n bytes key took earlier.
func (b *Budget) Give(key string, n int64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.taken -= n
	if b.byKey[key] -= n; b.byKey[key] <= 0 {
		delete(b.byKey, key)
	}
}

// Left returns the bytes not taken (-1 for a nil Budget).
func (b *Budget) Left() int64 {
	if b == nil {
		return -1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total - b.taken
}
