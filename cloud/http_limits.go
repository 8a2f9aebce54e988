package cloud

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/ozgcloud/desktop/cloud/limit"
	"github.com/ozgcloud/desktop/sync/wire"
)

// ErrRateLimited is wrapped by refusals that ask the client to come back later
// (429 with Retry-After): too many requests, bodies or streams at once, or too many
// failed attempts.
var ErrRateLimited = errors.New("cloud: rate limited")

// RequestLimits bound what clients can hold of the server at once, so that no
// client, with a token or without, takes memory or time from the others: request
// bodies and their decompression, concurrent requests, event streams, and failed
// attempts at the endpoints without a token. Zero fields take
// DefaultRequestLimits; -1 turns a limit off.
type RequestLimits struct {
	EnrollBody int64 // bytes of an enrollment body
	// GzipRatio bounds inflated bytes per compressed byte of a gzip body, checked
	// once more than 1 MiB came out (JSON compresses about tenfold; a gzip bomb a
	// thousandfold).
	GzipRatio int
	// BodyMemory bounds the bytes all bodies decoded in memory may take together;
	// one tenant may take half of it.
	BodyMemory int64
	// Bodies bounds the bodies of devices and form servers being read at once;
	// one tenant may read a quarter of them. Bodies without a token (enrollment)
	// are a few KB each and bounded per address and by the connections instead: a
	// crowd of slow ones must not take the places of the tenants' bodies.
	Bodies int
	// TenantUploadRate (bytes per second, inflated) paces the bodies of one tenant,
	// after a burst of as many bytes: a tenant that sends more is slowed down, so
	// the CPU it costs cannot crowd out the others.
	TenantUploadRate int64
	// PerDevice bounds the requests of one device or intake credential at once
	// (event streams apart); the desktop sends one at a time.
	PerDevice int
	// PerAddr bounds the requests without a token (enrollment, verification) from
	// one address (limit.HostKey) at once.
	PerAddr          int
	Streams          int // event streams in all
	StreamsPerDevice int // event streams of one device; one more closes its oldest
	// EnrollFailures failed enrollments may come from one address per EnrollWindow
	// (at once, then evenly spread); successful ones do not count.
	EnrollFailures int
	EnrollWindow   time.Duration
	// VerifyMisses verifications of codes that do not exist may come from one
	// address per VerifyWindow.
	VerifyMisses int
	VerifyWindow time.Duration
	// SignInFailures failed sign-ins and activations may come from one device, and
	// SignInUserFailures failed sign-ins may name one user, per SignInWindow (at
	// once, then evenly spread); successful ones do not count. Each costs an
	// Argon2id verification, and the user's lockout counts wrong passwords besides.
	SignInFailures     int
	SignInUserFailures int
	SignInWindow       time.Duration
	// MinUploadRate (bytes per second) is the slowest a body may arrive on average
	// once BodyGrace has passed; a slower one is cut off (slowloris).
	MinUploadRate int64
	BodyGrace     time.Duration
	// LogEvery is the interval of the summary line that counts refusals instead of
	// logging each.
	LogEvery time.Duration
}

// DefaultRequestLimits are the limits a handler takes for zero fields. Their sum
// bounds the memory clients can make the server hold: BodyMemory plus Bodies times
// smallBody for bodies, plus a few tens of KB per connection and stream.
func DefaultRequestLimits() RequestLimits {
	return RequestLimits{
		EnrollBody:       4 << 10,
		GzipRatio:        100,
		BodyMemory:       128 << 20,
		Bodies:           256,
		TenantUploadRate: 8 << 20,
		PerDevice:        8,
		PerAddr:          8,
		Streams:          4000,
		StreamsPerDevice: 2,
		EnrollFailures:   10,
		EnrollWindow:     10 * time.Minute,
		VerifyMisses:     60,
		VerifyWindow:     10 * time.Minute,

		SignInFailures:     30,
		SignInUserFailures: 10,
		SignInWindow:       10 * time.Minute,
		MinUploadRate:      8 << 10,
		BodyGrace:          10 * time.Second,
		LogEvery:           time.Minute,
	}
}

// withDefaults fills the zero fields of l from DefaultRequestLimits and turns -1
// into no limit.
func (l RequestLimits) withDefaults() RequestLimits {
	d := DefaultRequestLimits()
	for _, f := range []struct{ v, d *int }{
		{&l.GzipRatio, &d.GzipRatio}, {&l.Bodies, &d.Bodies}, {&l.PerDevice, &d.PerDevice},
		{&l.PerAddr, &d.PerAddr}, {&l.Streams, &d.Streams}, {&l.StreamsPerDevice, &d.StreamsPerDevice},
		{&l.EnrollFailures, &d.EnrollFailures}, {&l.VerifyMisses, &d.VerifyMisses},
		{&l.SignInFailures, &d.SignInFailures}, {&l.SignInUserFailures, &d.SignInUserFailures},
	} {
		orDefault(f.v, *f.d)
	}
	for _, f := range []struct{ v, d *int64 }{{&l.EnrollBody, &d.EnrollBody}, {&l.BodyMemory, &d.BodyMemory}, {&l.MinUploadRate, &d.MinUploadRate}, {&l.TenantUploadRate, &d.TenantUploadRate}} {
		orDefault(f.v, *f.d)
	}
	for _, f := range []struct{ v, d *time.Duration }{{&l.EnrollWindow, &d.EnrollWindow}, {&l.VerifyWindow, &d.VerifyWindow}, {&l.SignInWindow, &d.SignInWindow}, {&l.BodyGrace, &d.BodyGrace}, {&l.LogEvery, &d.LogEvery}} {
		orDefault(f.v, *f.d)
	}
	// Where zero would mean "nothing allowed", no limit is the protocol's own.
	if l.EnrollBody == 0 {
		l.EnrollBody = wire.MaxBodySmall
	}
	if l.BodyMemory == 0 {
		l.BodyMemory = math.MaxInt64
	}
	return l
}

// orDefault sets *v to d when it is zero, and to zero (no limit, for the limit
// package) when it is negative. A negative duration takes the default too: there is
// no such thing as no grace time.
func orDefault[T int | int64 | time.Duration](v *T, d T) {
	switch {
	case *v == 0:
		*v = d
	case *v < 0:
		*v = 0
		if _, ok := any(v).(*time.Duration); ok {
			*v = d
		}
	}
}

// guard holds the handler's limits and their state.
type guard struct {
	lim      RequestLimits
	bodies   *limit.Gate     // tenants' bodies being read, per tenant and in all
	memory   *limit.Budget   // bytes of bodies held in memory, per tenant and in all
	upload   *limit.Throttle // bytes of bodies per tenant
	requests *limit.Gate     // per device or intake credential
	anon     *limit.Gate     // requests without a token, per address
	enroll   *limit.Rate     // failed enrollments per address
	verify   *limit.Rate     // verifications of unknown codes per address
	signIn   *limit.Rate     // failed sign-ins and activations per device
	signInU  *limit.Rate     // failed sign-ins per user
	streams  *streamSet
	refused  *limit.Tally // refusals, counted instead of logged one by one
}

func newGuard(l RequestLimits, h *handler) *guard {
	l = l.withDefaults()
	rate := func(n int, window time.Duration) *limit.Rate {
		if n <= 0 {
			return limit.NewRate(limit.RateOptions{})
		}
		return limit.NewRate(limit.RateOptions{Burst: n, Every: window / time.Duration(n)})
	}
	return &guard{
		lim:      l,
		bodies:   limit.NewGate(l.Bodies/4, l.Bodies),
		memory:   limit.NewBudget(l.BodyMemory, l.BodyMemory/2),
		upload:   limit.NewThrottle(l.TenantUploadRate, l.TenantUploadRate, nil),
		requests: limit.NewGate(l.PerDevice, 0),
		anon:     limit.NewGate(l.PerAddr, 0),
		enroll:   rate(l.EnrollFailures, l.EnrollWindow),
		verify:   rate(l.VerifyMisses, l.VerifyWindow),
		signIn:   rate(l.SignInFailures, l.SignInWindow),
		signInU:  rate(l.SignInUserFailures, l.SignInWindow),
		streams:  newStreamSet(l.StreamsPerDevice, l.Streams),
		refused:  limit.NewTally(h.log, "requests refused", l.LogEvery),
	}
}

// refusal is a request refused by a limit: a publicError with the machine-readable
// reason, the wait the client is told (Retry-After), and counted in the summary
// line instead of logged.
func refusal(kind error, reason string, retry time.Duration, msg string) error {
	return &publicError{kind: kind, msg: msg, reason: reason, retry: retry, count: reason}
}

// busy refuses a request because too much is going on at once; it may come back
// in a second.
func busy(reason, what string) error {
	return refusal(ErrRateLimited, reason, time.Second,
		fmt.Sprintf("Der Server ist gerade ausgelastet (%s). Bitte gleich erneut versuchen.", what))
}

// perDevice admits at most PerDevice requests of one device at once.
func (h *handler) perDevice(next func(http.ResponseWriter, *http.Request, Device)) func(http.ResponseWriter, *http.Request, Device) {
	return func(w http.ResponseWriter, r *http.Request, d Device) {
		leave, ok := h.g.requests.Enter("device:" + d.ID)
		if !ok {
			h.fail(w, r, busy("requests_per_device", "too many requests of this device at once"))
			return
		}
		defer leave()
		next(w, r, d)
	}
}

// anonymous admits at most PerAddr requests without a token from one address at
// once, so a single client cannot hold many slow enrollment bodies.
func (h *handler) anonymous(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		leave, ok := h.g.anon.Enter(limit.HostKey(r.RemoteAddr))
		if !ok {
			h.fail(w, r, busy("requests_per_addr", "too many requests from this address at once"))
			return
		}
		defer leave()
		next(w, r)
	}
}

// attempt takes one attempt of the address's allowance at rate, or returns the
// refusal with the wait.
func attempt(rate *limit.Rate, r *http.Request, reason, what string) (string, error) {
	key := limit.HostKey(r.RemoteAddr)
	return key, attemptKey(rate, key, reason, what)
}

// attemptKey takes one attempt of key's allowance at rate, or returns the refusal
// with the wait.
func attemptKey(rate *limit.Rate, key, reason, what string) error {
	wait, ok := rate.Take(key)
	if ok {
		return nil
	}
	return refusal(ErrRateLimited, reason, wait,
		fmt.Sprintf("Zu viele erfolglose Versuche (too many failed %s attempts). Bitte in %s erneut versuchen.", what, roundUp(wait)))
}

// roundUp is d in whole seconds, at least one, as Retry-After wants it.
func roundUp(d time.Duration) time.Duration {
	return max(time.Second, (d+time.Second-1)/time.Second*time.Second)
}
