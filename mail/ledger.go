package mail

import (
	"fmt"
	"sync"

	"github.com/ozgcloud/desktop/store"
)

// Entry records that one mail became (part of) a case: folder, UIDVALIDITY, UID,
// hash of the raw message, case and time. It is the store's ledger record, so the
// store keeps what the importer decided without a copy of the type.
type Entry = store.MailEntry

// Ledger makes import idempotent: a mail is found by folder, UIDVALIDITY and UID
// first, and by the hash of its raw bytes second (after UIDVALIDITY changed, or
// when the same mail arrives twice). Recording an entry twice changes nothing.
type Ledger interface {
	ByUID(folder string, validity, uid uint32) (Entry, bool, error)
	ByHash(sha256 string) (Entry, bool, error)
	Record(e Entry) error
}

// MemLedger is a Ledger in memory, for tests and as the reference behaviour.
type MemLedger struct {
	mu     sync.Mutex
	byUID  map[uidKey]Entry
	byHash map[string]Entry
}

var _ Ledger = (*MemLedger)(nil)

type uidKey struct {
	folder        string
	validity, uid uint32
}

// NewMemLedger returns an empty ledger.
func NewMemLedger() *MemLedger {
	return &MemLedger{byUID: map[uidKey]Entry{}, byHash: map[string]Entry{}}
}

// ByUID returns the entry of the mail with that UID.
func (l *MemLedger) ByUID(folder string, validity, uid uint32) (Entry, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byUID[uidKey{folder, validity, uid}]
	return e, ok, nil
}

// ByHash returns the first entry of a mail with that content.
func (l *MemLedger) ByHash(sha256 string) (Entry, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byHash[sha256]
	return e, ok, nil
}

// Record adds e; the first entry of a hash stays the one ByHash returns.
func (l *MemLedger) Record(e Entry) error {
	if e.SHA256 == "" || e.Validity == 0 || e.UID == 0 {
		return fmt.Errorf("mail: ledger entry incomplete: %+v", e)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byUID[uidKey{e.Folder, e.Validity, e.UID}] = e
	if _, ok := l.byHash[e.SHA256]; !ok {
		l.byHash[e.SHA256] = e
	}
	return nil
}

// Len returns how many UIDs the ledger holds.
func (l *MemLedger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byUID)
}
