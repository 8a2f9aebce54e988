package limit

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Tally counts events by reason and logs them as one line per interval instead of
// one per event, so a flood of refused requests cannot fill the log: the first
// event of a quiet spell starts an interval, and when it ends a single line gives
// the count of each reason seen in it.
type Tally struct {
	log   *slog.Logger
	msg   string
	every time.Duration

	mu     sync.Mutex
	counts map[string]int
	timer  *time.Timer
}

// NewTally returns a Tally that logs msg at level WARN every interval that saw
// events.
func NewTally(log *slog.Logger, msg string, every time.Duration) *Tally {
	return &Tally{log: log, msg: msg, every: every, counts: map[string]int{}}
}

// Add counts one event of reason.
func (t *Tally) Add(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.counts) == 0 {
		t.timer = time.AfterFunc(t.every, t.Flush)
	}
	t.counts[reason]++
}

// Flush logs the counts so far, if any, and starts a new interval. The Tally calls it
// itself at the end of each interval; call it at shutdown so the last counts are
// not lost.
func (t *Tally) Flush() {
	t.mu.Lock()
	counts := t.counts
	t.counts = map[string]int{}
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.mu.Unlock()
	if len(counts) == 0 {
		return
	}
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	attrs := make([]slog.Attr, 0, len(counts)+1)
	attrs = append(attrs, slog.Duration("interval", t.every))
	for _, r := range reasons {
		attrs = append(attrs, slog.Int(r, counts[r]))
	}
	t.log.LogAttrs(context.Background(), slog.LevelWarn, t.msg, attrs...)
}
