package mail

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Status is what the status bar shows of the intake after each check.
type Status struct {
	At       time.Time  // when the check ended
	Imported int        // mails imported by this check
	Failed   []Failure  // mails that could not be imported; retried next time
	Skipped  []imap.UID // not tried in this check (Importer.Skip), still in the mailbox
	Err      error      // the mailbox is not usable now (an *Error); retried with backoff
}

// Watcher keeps importing from one mailbox while the app runs.
type Watcher struct {
	Config   Config
	Importer *Importer
	// Poll is how often a server without IDLE is asked (default one minute).
	Poll time.Duration
	// Status, when set, is called after every check and every failed connection.
	Status func(Status)
	Now    func() time.Time
	// Rand returns a number in [0, 1) for backoff jitter (default math/rand/v2).
	Rand func() float64
	Log  *slog.Logger
}

// idleMax restarts IDLE well before servers drop idle clients (RFC 9051: 30 min).
const idleMax = 20 * time.Minute

// Run connects, imports, waits for new mail (IDLE or polling) and imports again,
// until ctx ends; after any failure it reconnects with exponential backoff and
// jitter. It returns ctx's error.
func (w *Watcher) Run(ctx context.Context) error {
	attempt := 0
	for {
		connected, err := w.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if connected {
			attempt = 0
		}
		attempt++
		w.report(Status{Err: err})
		if w.Log != nil {
			w.Log.Warn("mail: mailbox unavailable, retrying", "err", err, "attempt", attempt)
		}
		t := time.NewTimer(w.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// session runs one connection until it fails; connected reports whether it got as
// far as a first check.
func (w *Watcher) session(ctx context.Context) (connected bool, err error) {
	m, err := Dial(ctx, w.Config)
	if err != nil {
		return false, err
	}
	defer m.Close()
	wait := w.Poll
	if wait <= 0 {
		wait = time.Minute
	}
	if m.CanIdle() {
		wait = idleMax
	}
	for {
		res, err := w.Importer.Run(ctx, m)
		if err != nil {
			return connected, err
		}
		connected = true
		w.report(Status{Imported: res.Imported, Failed: res.Failed, Skipped: res.Skipped})
		if err := m.WaitNew(ctx, wait); err != nil {
			return connected, err
		}
		if ctx.Err() != nil {
			return connected, ctx.Err()
		}
	}
}

func (w *Watcher) report(s Status) {
	if w.Status == nil {
		return
	}
	s.At = time.Now()
	if w.Now != nil {
		s.At = w.Now()
	}
	if s.Err != nil && errors.Is(s.Err, context.Canceled) {
		return
	}
	w.Status(s)
}

// backoff grows from 2 s to 5 min, with up to 50 % jitter so that the PCs of one
// town hall do not all knock at the same second.
func (w *Watcher) backoff(attempt int) time.Duration {
	d := 2 * time.Second << min(attempt-1, 8)
	d = min(d, 5*time.Minute)
	r := rand.Float64
	if w.Rand != nil {
		r = w.Rand
	}
	return d/2 + time.Duration(r()*float64(d/2))
}
