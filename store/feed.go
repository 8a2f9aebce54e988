package store

import (
	"context"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// The change feed: every committed write transaction that changed cases publishes
// their IDs to every subscriber, whoever wrote them: a clerk's action, a mail import,
// a pulled page, an import, a push answer that undid a refused change. The writer
// (newWriter) collects what it writes and publishes it from bbolt's Tx.OnCommit, so a
// new write path cannot forget it. The sync engine and the UI's event forwarder
// subscribe; nothing pokes them by hand.

// Change is what one committed transaction changed.
type Change struct {
	// Cases are the cases written, in the order first written. Do not modify: every
	// subscriber gets the same slice.
	Cases []ChangedCase
	// Outbox: the transaction queued mutations for the central service.
	Outbox bool
}

// IDs returns the IDs of the changed cases.
func (c Change) IDs() []string {
	ids := make([]string, len(c.Cases))
	for i, cc := range c.Cases {
		ids[i] = cc.ID
	}
	return ids
}

// ChangedCase is a case a transaction wrote and its history head after it. Every
// change of a case appends to its history, so the head tells one stored state of a
// case from another; it is zero when only the case's list row changed (a clerk's
// name, say).
type ChangedCase struct {
	ID   string
	Head model.HistoryHead
}

// changeSet collects what one write transaction changes.
type changeSet struct {
	tx     *bolt.Tx
	at     map[string]int // index in cases by ID
	cases  []ChangedCase
	outbox bool
}

func (cs *changeSet) add(id string, head model.HistoryHead) {
	if cs == nil {
		return
	}
	if i, ok := cs.at[id]; ok {
		cs.cases[i].Head = head
		return
	}
	if cs.at == nil {
		cs.at = map[string]int{}
	}
	cs.at[id] = len(cs.cases)
	cs.cases = append(cs.cases, ChangedCase{ID: id, Head: head})
}

// changeSet returns the collector of tx, the one write transaction running now (the
// caller holds db.mu), and has it published when tx commits. Every writer of tx
// shares it, so a transaction is one Change however many writers it used.
func (db *DB) changeSet(tx *bolt.Tx) *changeSet {
	if cs := db.txChanges; cs != nil && cs.tx == tx {
		return cs
	}
	cs := &changeSet{tx: tx}
	db.txChanges = cs
	tx.OnCommit(func() {
		db.txChanges = nil
		if len(cs.cases) > 0 {
			db.publish(Change{Cases: cs.cases, Outbox: cs.outbox})
		}
	})
	return cs
}

// feed holds the subscriptions.
type feed struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func (db *DB) publish(c Change) {
	db.feed.mu.Lock()
	defer db.feed.mu.Unlock()
	for s := range db.feed.subs {
		s.push(c)
	}
}

// Subscription receives every Change committed after Subscribe, in commit order,
// until Close. Nothing is dropped: changes wait until they are taken.
type Subscription struct {
	db    *DB
	mu    sync.Mutex
	queue []Change
	ready chan struct{}
}

// Subscribe starts a subscription to the change feed.
func (db *DB) Subscribe() *Subscription {
	s := &Subscription{db: db, ready: make(chan struct{}, 1)}
	db.feed.mu.Lock()
	defer db.feed.mu.Unlock()
	if db.feed.subs == nil {
		db.feed.subs = map[*Subscription]struct{}{}
	}
	db.feed.subs[s] = struct{}{}
	return s
}

func (s *Subscription) push(c Change) {
	s.mu.Lock()
	s.queue = append(s.queue, c)
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Ready receives when changes wait to be taken.
func (s *Subscription) Ready() <-chan struct{} { return s.ready }

// Take returns the changes waiting, oldest first, or nil. When it returns, the
// store's reads (List, Counts, Case) show them: a change is published from inside
// its commit, and Take waits for the writer to finish updating the index.
func (s *Subscription) Take() []Change {
	// An empty critical section: it waits for the writer publishing now.
	s.db.mu.Lock()
	s.db.mu.Unlock() //nolint:staticcheck // SA2001: the lock is the point
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.queue
	s.queue = nil
	return out
}

// Close ends the subscription; changes committed after it are not queued.
func (s *Subscription) Close() {
	s.db.feed.mu.Lock()
	defer s.db.feed.mu.Unlock()
	delete(s.db.feed.subs, s)
}

// Run calls fn with every change, in commit order, until ctx ends; then it closes
// the subscription and returns nil. fn runs on Run's goroutine; while it runs,
// further changes queue.
func (s *Subscription) Run(ctx context.Context, fn func(Change)) error {
	defer s.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.ready:
		}
		for _, c := range s.Take() {
			fn(c)
		}
	}
}
