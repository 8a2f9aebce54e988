package limit

import "sync"

// Gate bounds how many holders of one key are inside at once, and how many in all.
// Keys leave the gate's memory when their last holder leaves, so it holds no more
// entries than holders.
type Gate struct {
	perKey, total int

	mu   sync.Mutex
	n    int
	keys map[string]int
}

// NewGate returns a Gate; a limit of zero or less does not limit.
func NewGate(perKey, total int) *Gate {
	return &Gate{perKey: perKey, total: total, keys: map[string]int{}}
}

// Enter lets a holder of key in and returns the func that lets it out again (safe to
// call more than once). ok is false, and nothing taken, when the key's or the gate's
// limit is reached.
func (g *Gate) Enter(key string) (leave func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.total > 0 && g.n >= g.total || g.perKey > 0 && g.keys[key] >= g.perKey {
		return nil, false
	}
	g.n++
	g.keys[key]++
	return sync.OnceFunc(func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.n--
		if g.keys[key]--; g.keys[key] <= 0 {
			delete(g.keys, key)
		}
	}), true
}

// Inside returns the number of holders in the gate.
func (g *Gate) Inside() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}
