package limit

import (
	"math"
	"sync"
)

// Gate bounds how many holders of one key are inside at once, and how many in all:
// a Budget of holders instead of bytes. Keys leave the gate's memory when their last
// holder leaves, so it holds no more entries than holders.
type Gate struct {
	b *Budget
}

// NewGate returns a Gate; a limit of zero or less does not limit.
func NewGate(perKey, total int) *Gate {
	if total <= 0 {
		total = math.MaxInt
	}
	return &Gate{b: NewBudget(int64(total), int64(perKey))}
}

// Enter lets a holder of key in and returns the func that lets it out again (safe to
// call more than once). ok is false, and nothing taken, when the key's or the gate's
// limit is reached.
func (g *Gate) Enter(key string) (leave func(), ok bool) {
	if !g.b.Take(key, 1) {
		return nil, false
	}
	return sync.OnceFunc(func() { g.b.Give(key, 1) }), true
}

// Inside returns the number of holders in the gate.
func (g *Gate) Inside() int { return int(g.b.total - g.b.Left()) }
