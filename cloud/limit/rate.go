package limit

import (
	"sync"
	"time"
)

// Rate limits attempts per key (a client's address): a key may make Burst attempts
// at once, and one more every Every after that (a token bucket, kept as the
// generic cell rate algorithm: one time per key). An attempt that turns out well
// can be given back, so only failures use the allowance: an office that enrolls
// twenty PCs in a row is not slowed down, a guesser is.
type Rate struct {
	burst   int
	every   time.Duration
	maxKeys int
	now     func() time.Time

	mu sync.Mutex
	// tat is each key's theoretical arrival time: when its bucket would be full
	// again. A key whose tat has passed is the same as an unknown one and is
	// forgotten when room is needed.
	tat map[string]time.Time
}

// RateOptions configure NewRate; MaxKeys (default 100,000) bounds the keys
// remembered, and Now (default time.Now) is the clock.
type RateOptions struct {
	Burst   int
	Every   time.Duration
	MaxKeys int
	Now     func() time.Time
}

// NewRate returns a Rate; with Burst or Every zero or less it never limits.
func NewRate(o RateOptions) *Rate {
	if o.MaxKeys <= 0 {
		o.MaxKeys = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Rate{burst: o.Burst, every: o.Every, maxKeys: o.MaxKeys, now: o.Now, tat: map[string]time.Time{}}
}

// Take takes one attempt of key's allowance. When none is left it takes nothing and
// returns how long key must wait for the next one. When the table of keys is full
// of keys still waiting, a new key waits too (Every): the limit fails closed
// rather than grow without bound.
func (r *Rate) Take(key string) (wait time.Duration, ok bool) {
	if r.burst <= 0 || r.every <= 0 {
		return 0, true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	tat, known := r.tat[key]
	if !known && len(r.tat) >= r.maxKeys {
		r.forget(now)
		if len(r.tat) >= r.maxKeys {
			return r.every, false
		}
	}
	if tat.Before(now) {
		tat = now
	}
	tolerance := time.Duration(r.burst-1) * r.every
	if d := tat.Sub(now); d > tolerance {
		return d - tolerance, false
	}
	r.tat[key] = tat.Add(r.every)
	return 0, true
}

// Give returns an attempt taken with Take, for an attempt that turned out well.
func (r *Rate) Give(key string) {
	if r.burst <= 0 || r.every <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	tat, ok := r.tat[key]
	if !ok {
		return
	}
	if tat = tat.Add(-r.every); !tat.After(r.now()) {
		delete(r.tat, key)
		return
	}
	r.tat[key] = tat
}

// forget drops the keys whose allowance is whole again.
func (r *Rate) forget(now time.Time) {
	for k, tat := range r.tat {
		if !tat.After(now) {
			delete(r.tat, k)
		}
	}
}
