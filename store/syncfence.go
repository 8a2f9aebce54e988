package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// A data folder may be restored from a backup, copied to another PC or carried
// along by a roaming profile, and the central service may be restored too. The
// store keeps what lets the sync client tell (see sync/wire/fence.go): a random
// incarnation of this store, the one it replaced when it renumbered its outbox, the
// LastSeq of the last push answer it saved (in the transaction that removed those
// mutations), and the epoch of the change at its cursor. When it finds out, it
// renumbers its outbox so nothing is lost, and keeps one note for the clerk.

// Fence is what a push carries besides the outbox.
type Fence struct {
	Incarnation string // this store's, made at first use and at every renumbering
	Replaces    string // the incarnation the service accepted before the renumbering
	Acked       uint64 // LastSeq of the last push answer saved
	// Probe says that the service's change log was restored (Resync) and it has
	// not yet been asked whether it lost acknowledged mutations too (ProbeDone).
	Probe bool
}

// NoticeKind names the one note the clerk sees after the store noticed a restored
// or copied data folder, a restored central service or a duplicate file number.
// The store keeps the kind; the app says it in German.
type NoticeKind string

// Kinds of SyncNotice.
const (
	NoticeRestored        NoticeKind = "restored"        // the outbox reused seqs the service had consumed
	NoticeServiceRestored NoticeKind = "serviceRestored" // the central service lost what it had acknowledged
	NoticeCopied          NoticeKind = "copied"          // another PC pushes under this PC's identity
	NoticeDuplicate       NoticeKind = "duplicate"       // the service holds several cases with one file number
)

// ErrNoticeKind: a note of a kind the store does not know.
var ErrNoticeKind = errors.New("store: unknown sync notice kind")

func (k NoticeKind) known() bool {
	switch k {
	case NoticeRestored, NoticeServiceRestored, NoticeCopied, NoticeDuplicate:
		return true
	}
	return false
}

// SyncNotice is the clerk's note: what happened (Kind) and, for NoticeDuplicate,
// the file numbers concerned (Detail). It stays until the clerk dismisses it; a
// later note replaces it. Stores written before the app worded the notes also hold
// the German text under "text", which is ignored.
type SyncNotice struct {
	Kind   NoticeKind `json:"kind"`
	Detail string     `json:"detail,omitempty"`
	At     time.Time  `json:"at"`
}

// SyncFence returns what the next push carries. Enroll makes the store's
// incarnation; for a store enrolled before, the first call does.
func (db *DB) SyncFence() (Fence, error) {
	var f Fence
	err := db.bolt.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSync)
		f = readFence(sb)
		if sb.Get(syncAcked) == nil {
			// A store from before fences, or one that has pushed nothing: its outbox
			// continues from the last answer it saved.
			if k, _ := tx.Bucket(bucketOutbox).Cursor().First(); k != nil {
				f.Acked = readU64(k) - 1
			}
		}
		return nil
	})
	if err == nil && f.Incarnation == "" {
		db.mu.Lock()
		err = db.bolt.Update(func(tx *bolt.Tx) error {
			sb := tx.Bucket(bucketSync)
			if err := db.ensureIncarnation(sb); err != nil {
				return err
			}
			f.Incarnation = string(sb.Get(syncIncarnation))
			return nil
		})
		db.mu.Unlock()
	}
	if err != nil {
		return Fence{}, fmt.Errorf("store: sync fence: %w", err)
	}
	return f, nil
}

// ensureIncarnation makes the store's incarnation unless it has one (a store
// enrolled before fences makes it at its first push). The caller holds db.mu.
func (db *DB) ensureIncarnation(sb *bolt.Bucket) error {
	if sb.Get(syncIncarnation) != nil {
		return nil
	}
	inc, err := newIncarnation(db.rand)
	if err != nil {
		return err
	}
	return sb.Put(syncIncarnation, []byte(inc))
}

func readFence(sb *bolt.Bucket) Fence {
	return Fence{
		Incarnation: string(sb.Get(syncIncarnation)),
		Replaces:    string(sb.Get(syncReplaces)),
		Acked:       readU64(sb.Get(syncAcked)),
		Probe:       sb.Get(syncProbe) != nil,
	}
}

// ProbeDone records that the service answered the probe after a Resync.
func (db *DB) ProbeDone() error { return db.deleteSyncKey(syncProbe, "probe done") }

// deleteSyncKey removes a key of the sync bucket; what names the operation.
func (db *DB) deleteSyncKey(key []byte, what string) error {
	return db.updateBucket(bucketSync, what, func(sb *bolt.Bucket) error { return sb.Delete(key) })
}

// newIncarnation returns 16 random hex digits.
func newIncarnation(r io.Reader) (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("incarnation: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// RenumberOutbox gives the outbox's mutations new seqs right after above (the
// service's lastSeq for this device) under a new incarnation that replaces the one
// the service accepted, and records above as acknowledged: the service fenced a push
// because this store's outbox does not continue where the service left it (a
// restored or copied data folder, kind NoticeRestored; or the service lost
// mutations it had acknowledged, NoticeServiceRestored, when the acknowledged ones
// it kept with seqs above go back into the outbox first). The history entries naming
// the mutations are renamed and resealed; the seq counter never goes below above.
// The clerk's note is set. It returns how many mutations were renumbered.
func (db *DB) RenumberOutbox(above uint64, kind NoticeKind) (int, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		if kind == NoticeServiceRestored {
			if _, err := w.requeueSent(above); err != nil {
				return err
			}
		}
		var err error
		n, err = db.renumber(w, above, true)
		if err != nil {
			return err
		}
		return db.putNotice(tx.Bucket(bucketSync), kind, "")
	})
	if err != nil {
		return 0, fmt.Errorf("store: renumber outbox above %d: %w", above, err)
	}
	db.log.Warn("sync: outbox renumbered", "above", above, "mutations", n, "why", kind)
	return n, nil
}

// maxSent bounds the sent bucket by seq: the mutations of a few weeks of one PC's
// work, which a restore of the service from last night's backup may have lost.
const maxSent = 5000

// pruneSent drops the kept mutations more than maxSent seqs below lastSeq.
func pruneSent(b *bolt.Bucket, lastSeq uint64) error {
	if lastSeq <= maxSent {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.First(); k != nil && readU64(k) <= lastSeq-maxSent; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// requeueSent moves the kept mutations with seq > above back into the outbox: the
// service was restored from a backup and no longer has them. Their seqs are below
// the outbox's, which renumber then moves above the service's.
func (w *writer) requeueSent(above uint64) (int, error) {
	sent := w.tx.Bucket(bucketSent)
	n := 0
	c := sent.Cursor()
	for k, v := c.Seek(u64(above + 1)); k != nil; k, v = c.Seek(u64(above + 1)) {
		if err := w.outbox.Put(bytes.Clone(k), bytes.Clone(v)); err != nil {
			return 0, err
		}
		if err := c.Delete(); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// renumber is RenumberOutbox inside a write transaction (ApplyPulled calls it too,
// before any push). admitted says that the service accepted the current
// incarnation (it answered a push of it with a fence other than "replaced"), so
// the new one replaces it; otherwise it replaces the one the service holds, which
// is the one an earlier renumbering replaced, if any.
func (db *DB) renumber(w *writer, above uint64, admitted bool) (int, error) {
	sb := w.tx.Bucket(bucketSync)
	old := readFence(sb)
	inc, err := newIncarnation(db.rand)
	if err != nil {
		return 0, err
	}
	if old.Incarnation != "" && (admitted || old.Replaces == "") {
		if err := sb.Put(syncReplaces, []byte(old.Incarnation)); err != nil {
			return 0, err
		}
	}
	if err := sb.Put(syncIncarnation, []byte(inc)); err != nil {
		return 0, err
	}
	if err := w.retireConsumed(); err != nil {
		return 0, err
	}
	next := above
	n, err := w.renameOutbox(func(m *model.Mutation) {
		next++
		m.Seq = next
		m.ID = model.MutationID(m.Device, next)
	})
	if err != nil {
		return 0, err
	}
	if readU64(w.meta.Get(metaOutboxSeq)) < next {
		if err := w.meta.Put(metaOutboxSeq, u64(next)); err != nil {
			return 0, err
		}
	}
	// What the old seqs meant is gone: the service decides the renumbered ones anew.
	for _, b := range [][]byte{bucketConsumed, bucketUnapplied} {
		if err := w.tx.DeleteBucket(b); err != nil {
			return 0, err
		}
		if _, err := w.tx.CreateBucket(b); err != nil {
			return 0, err
		}
	}
	if err := sb.Put(syncAcked, u64(above)); err != nil {
		return 0, err
	}
	return n, sb.Put(syncSeen, u64(above))
}

// retireConsumed moves the outbox's mutations that the change log showed the
// service applied (consumed, with their sums) to the sent ones, as an answer
// would: renumbered, they would be applied a second time.
func (w *writer) retireConsumed() error {
	c := w.tx.Bucket(bucketConsumed).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		v := w.outbox.Get(k)
		if v == nil {
			continue
		}
		if err := w.tx.Bucket(bucketSent).Put(bytes.Clone(k), bytes.Clone(v)); err != nil {
			return err
		}
		if err := w.outbox.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// renameOutbox rewrites every outbox mutation with rename (in seq order; it may
// change Device, Seq and ID) under its new seq, and the history entries that name
// the renamed mutations, sealing each touched chain again from the first renamed
// entry.
func (w *writer) renameOutbox(rename func(*model.Mutation)) (int, error) {
	var ms []model.Mutation
	c := w.outbox.Cursor()
	for k, v := c.First(); k != nil; k, v = c.First() {
		var m model.Mutation
		if err := json.Unmarshal(v, &m); err != nil {
			return 0, fmt.Errorf("decode outbox %d: %w", readU64(k), err)
		}
		ms = append(ms, m)
		if err := c.Delete(); err != nil {
			return 0, err
		}
	}
	ids := map[string]string{}
	touched := map[string]bool{}
	for _, m := range ms {
		old := m.ID
		rename(&m)
		ids[old] = m.ID
		b, err := json.Marshal(m)
		if err != nil {
			return 0, err
		}
		if err := w.outbox.Put(u64(m.Seq), b); err != nil {
			return 0, err
		}
		touched[m.CaseID] = true
	}
	for caseID := range touched {
		if err := w.renameHistory(caseID, ids); err != nil {
			return 0, fmt.Errorf("case %s: %w", caseID, err)
		}
	}
	return len(ms), nil
}

// renameHistory renames the mutations ids names in the case's history entries and
// seals the chain again from the first renamed one.
func (w *writer) renameHistory(caseID string, ids map[string]string) error {
	cs, err := w.getCase(caseID)
	if err != nil {
		return err
	}
	entries, err := readHistory(w.history, caseID)
	if err != nil {
		return err
	}
	head := model.HistoryHead{}
	resealing := false
	for _, e := range entries {
		if to, ok := ids[e.Mutation]; ok {
			e.Mutation = to
			resealing = true
		}
		if !resealing {
			head = model.HistoryHead{Seq: e.Seq, Hash: e.Hash}
			continue
		}
		head = e.Seal(head)
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := w.history.Put(historyKey(caseID, e.Seq), b); err != nil {
			return err
		}
	}
	if cs.HistoryHead == head {
		return nil
	}
	cs.HistoryHead = head
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	return w.cases.Put([]byte(caseID), b)
}

// ackFence records a push answer's LastSeq as acknowledged (never lower than an
// earlier answer's: a repeated old answer is harmless), keeps the seq counter at
// least there, and, for an answer the service gave without a fence, forgets the
// incarnation this store replaced (the service accepted this one).
func ackFence(w *writer, lastSeq uint64, fenced bool) error {
	sb := w.tx.Bucket(bucketSync)
	if readU64(sb.Get(syncAcked)) < lastSeq {
		if err := sb.Put(syncAcked, u64(lastSeq)); err != nil {
			return err
		}
	}
	if readU64(w.meta.Get(metaOutboxSeq)) < lastSeq {
		if err := w.meta.Put(metaOutboxSeq, u64(lastSeq)); err != nil {
			return err
		}
	}
	if fenced {
		return nil
	}
	return sb.Delete(syncReplaces)
}

// putNotice sets the clerk's note of kind; detail names what it concerns, if anything.
func (db *DB) putNotice(sb *bolt.Bucket, kind NoticeKind, detail string) error {
	if !kind.known() {
		return fmt.Errorf("%w: %q", ErrNoticeKind, kind)
	}
	b, err := json.Marshal(SyncNotice{Kind: kind, Detail: detail, At: db.now().UTC()})
	if err != nil {
		return err
	}
	return sb.Put(syncNotice, b)
}

// Notice returns the clerk's note about a restored or copied data folder or a
// restored service; ok is false when there is none.
func (db *DB) Notice() (n SyncNotice, ok bool, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSync).Get(syncNotice)
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &n)
	})
	if err != nil {
		return SyncNotice{}, false, fmt.Errorf("store: sync notice: %w", err)
	}
	return n, ok, nil
}

// DismissNotice removes the clerk's note once they have read it.
func (db *DB) DismissNotice() error { return db.deleteSyncKey(syncNotice, "dismiss sync notice") }

// maxEpochs is how many epochs of the service a store remembers: several instances
// of the service (PostgreSQL) each append under their own.
const maxEpochs = 16

// noteEpoch stores the epoch of the change at the new cursor. An epoch this store
// has not seen means a new run of the service appended it: it restarted, or was
// restored from a backup behind this PC's cursor, which the next push asks
// (Fence.Probe).
func noteEpoch(sb *bolt.Bucket, epoch string) error {
	if err := sb.Put(syncEpoch, []byte(epoch)); err != nil || epoch == "" {
		return err
	}
	seen := strings.Fields(string(sb.Get(syncEpochs)))
	if slices.Contains(seen, epoch) {
		return nil
	}
	seen = append(seen, epoch)
	if len(seen) > maxEpochs {
		seen = seen[len(seen)-maxEpochs:]
	}
	if err := sb.Put(syncEpochs, []byte(strings.Join(seen, " "))); err != nil {
		return err
	}
	return sb.Put(syncProbe, []byte{1})
}

// SyncEpoch returns the epoch of the change at the cursor ("" when the page that
// ended there named none).
func (db *DB) SyncEpoch() (string, error) {
	var e string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		e = string(tx.Bucket(bucketSync).Get(syncEpoch))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: sync epoch: %w", err)
	}
	return e, nil
}

// Resync starts the change log over after the central service was restored from a
// backup (its log no longer holds the change at the cursor): the cursor and its
// epoch go back to the start, so the next pull brings every case whole and
// replaces what this PC holds of the service's state (pending work is rebased on
// top as always), the service is to be probed for lost acknowledged mutations
// (Fence.Probe), and the clerk's note is set.
func (db *DB) Resync() error {
	return db.updateBucket(bucketSync, "resync", func(sb *bolt.Bucket) error {
		if err := sb.Delete(syncCursor); err != nil {
			return err
		}
		if err := sb.Delete(syncEpoch); err != nil {
			return err
		}
		if err := sb.Put(syncProbe, []byte{1}); err != nil {
			return err
		}
		return db.putNotice(sb, NoticeServiceRestored, "")
	})
}

// ownSum says whether a mutation the change log names as this device's, with sum
// (empty from a service before sums), is the one the outbox holds under its seq;
// held reports whether the outbox holds that seq at all.
func (w *writer) ownSum(seq uint64, sum string) (own, held bool, err error) {
	v := w.outbox.Get(u64(seq))
	if v == nil {
		return true, false, nil
	}
	if sum == "" {
		return true, true, nil
	}
	var m model.Mutation
	if err := json.Unmarshal(v, &m); err != nil {
		return false, true, fmt.Errorf("decode outbox %d: %w", seq, err)
	}
	return m.Sum() == sum, true, nil
}

// Reenroll stores the identity the central service gave this PC after another PC
// with a copy of its data folder took over its device identity (the sync client
// saw wire.FenceReplaced): a new device ID, token and device code. In one
// transaction the outbox is renamed to the new device and numbered from 1 (the
// service has consumed nothing of the new device), under a new incarnation, the
// history entries naming the mutations are resealed, and the clerk's note is set.
// Mutations of the old identity the service answered "skipped" are no longer
// unsure: the service consumed them under that identity. ErrBadIdentity for an
// incomplete identity or the device ID this PC already has; ErrNotEnrolled before
// a first enrollment.
func (db *DB) Reenroll(id SyncIdentity) error {
	b, err := db.encodeIdentity(&id)
	if err != nil {
		return fmt.Errorf("store: re-enroll: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSync)
		old, err := readIdentity(sb)
		if err != nil {
			return err
		}
		if old.DeviceID == id.DeviceID {
			return fmt.Errorf("%w: device ID %s is this PC's already", ErrBadIdentity, id.DeviceID)
		}
		w := db.newWriter(tx)
		if err := w.restamp(id.DeviceID); err != nil {
			return err
		}
		if err := sb.Delete(syncReplaces); err != nil {
			return err
		}
		// The new device has no incarnation at the service to replace.
		if err := sb.Delete(syncIncarnation); err != nil {
			return err
		}
		if _, err := db.renumber(w, 0, false); err != nil {
			return err
		}
		if err := moveRejections(tx); err != nil {
			return err
		}
		if err := w.meta.Put(metaOutboxSeq, u64(uint64(w.outbox.Stats().KeyN))); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketUnsure); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketUnsure); err != nil {
			return err
		}
		if err := w.meta.Put(metaDeviceID, []byte(id.DeviceID)); err != nil {
			return err
		}
		if err := w.meta.Put(metaDevice, []byte(id.DeviceCode)); err != nil {
			return err
		}
		if err := db.putNotice(sb, NoticeCopied, ""); err != nil {
			return err
		}
		return sb.Put(syncIdentity, b)
	})
	if err != nil {
		return fmt.Errorf("store: re-enroll: %w", err)
	}
	db.log.Warn("sync: re-enrolled as a new device after a copy of the data folder took over the old one", "device", id.DeviceID)
	db.deviceID, db.device = id.DeviceID, id.DeviceCode
	return nil
}
