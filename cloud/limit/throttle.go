package limit

import (
	"sync"
	"time"
)

// Throttle paces bytes per key (a tenant's uploads): each key may move Rate bytes a
// second, and Burst at once after a quiet spell. Unlike Rate it does not refuse: it
// tells the caller how long to wait, so a client that sends too fast is slowed to
// its share and the others keep theirs.
type Throttle struct {
	rate  float64 // bytes per second
	burst time.Duration
	now   func() time.Time

	mu  sync.Mutex
	tat map[string]time.Time // as in Rate; keys whose tat passed are forgotten
}

// NewThrottle returns a Throttle of rate bytes per second with a burst of burst
// bytes; with rate zero or less it never waits. now defaults to time.Now.
func NewThrottle(rate, burst int64, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	t := &Throttle{rate: float64(rate), now: now, tat: map[string]time.Time{}}
	if rate > 0 {
		t.burst = time.Duration(float64(burst) / t.rate * float64(time.Second))
	}
	return t
}

// Take accounts n bytes of key and returns how long the caller should wait before
// it goes on.
func (t *Throttle) Take(key string, n int) time.Duration {
	if t.rate <= 0 || n <= 0 {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	tat, ok := t.tat[key]
	if !ok || tat.Before(now) {
		tat = now
		if len(t.tat) > 1000 {
			t.forget(now)
		}
	}
	tat = tat.Add(time.Duration(float64(n) / t.rate * float64(time.Second)))
	t.tat[key] = tat
	return max(0, tat.Sub(now)-t.burst)
}

func (t *Throttle) forget(now time.Time) {
	for k, tat := range t.tat {
		if tat.Before(now) {
			delete(t.tat, k)
		}
	}
}
