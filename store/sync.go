package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Errors of the sync additions.
var (
	// ErrNotEnrolled: the PC has no sync identity yet.
	ErrNotEnrolled = errors.New("store: not enrolled with a central service")
	// ErrEnrolled: the PC is already enrolled as another device.
	ErrEnrolled = errors.New("store: already enrolled as another device")
	// ErrBadIdentity: the identity to enroll with is incomplete.
	ErrBadIdentity = errors.New("store: incomplete sync identity")
	// ErrChainBroken: a pulled page does not continue the case's history chain; the
	// page was not applied. It wraps model.ErrHistoryBroken too.
	ErrChainBroken = errors.New("store: pulled history does not verify")
	// ErrStale: a pulled change patches a state of a case that this PC does not
	// hold; the page was not applied. Pulling again from the start (ResetSyncCursor)
	// brings every case whole and repairs it.
	ErrStale = errors.New("store: pulled change does not fit the case held here")
	// ErrBadPage: a pulled page or push answer contradicts itself (seqs out of order,
	// a change naming another case); nothing was applied.
	ErrBadPage = errors.New("store: inconsistent page or push answer")
)

// SyncIdentity is what enrollment at the central service made of this PC. Token is
// the device's bearer token; it never leaves this PC except towards Server.
type SyncIdentity struct {
	Server     string `json:"server"` // base URL, e.g. https://ozg.example:8443
	DeviceID   string `json:"deviceId"`
	Token      string `json:"token"`
	Tenant     string `json:"tenant"`
	DeviceCode string `json:"deviceCode"`
	// Fingerprint is the hex SHA-256 of the server certificate the clerk confirmed
	// (pinned); empty when CAFile vouches for the server instead.
	Fingerprint string    `json:"fingerprint,omitempty"`
	CAFile      string    `json:"caFile,omitempty"`
	EnrolledAt  time.Time `json:"enrolledAt"`
	// GrantKey is the service's public key for grants (base64; users.go).
	GrantKey string `json:"grantKey,omitempty"`
}

// SyncIdentity returns the PC's sync identity, or an error wrapping ErrNotEnrolled.
func (db *DB) SyncIdentity() (SyncIdentity, error) {
	var id SyncIdentity
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		id, err = readIdentity(tx.Bucket(bucketSync))
		return err
	})
	if err != nil {
		return SyncIdentity{}, fmt.Errorf("store: sync identity: %w", err)
	}
	return id, nil
}

func readIdentity(b *bolt.Bucket) (SyncIdentity, error) {
	var id SyncIdentity
	v := b.Get(syncIdentity)
	if v == nil {
		return id, ErrNotEnrolled
	}
	if err := json.Unmarshal(v, &id); err != nil {
		return id, fmt.Errorf("decode identity: %w", err)
	}
	return id, nil
}

// Enroll stores the identity the central service gave this PC (plus the server
// address and the confirmed certificate), in one transaction with
// what changes with it:
//
//   - The device ID becomes the server's. Mutation IDs are "deviceID:seq", and until
//     now the outbox used the UUID made at first open; nothing was pushed before
//     enrollment, so every pending mutation (and the history entry naming it, whose
//     chain is sealed again from there) is re-stamped with the server's ID. Seqs stay.
//   - New file numbers use the server's device code, which is unique in the tenant.
//     File numbers made before enrollment keep the code they were made with (the
//     first hex digits of the local UUID, or the code given at first open): they
//     are printed on letters already and are never renumbered. They stay unique on
//     this PC; in the tenant they could only collide with another PC that used the
//     same code before its own enrollment, and a pulled case whose number is taken
//     here fails ApplyPulled with ErrDuplicateFileNumber rather than hiding either.
//
// Enrolling again with the same device ID only updates the identity (a new token or
// certificate); another device ID gives ErrEnrolled.
func (db *DB) Enroll(id SyncIdentity) error {
	b, err := db.encodeIdentity(&id)
	if err != nil {
		return fmt.Errorf("store: enroll: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSync)
		if old, err := readIdentity(sb); err == nil {
			if old.DeviceID != id.DeviceID {
				return fmt.Errorf("%w: %s", ErrEnrolled, old.DeviceID)
			}
			return sb.Put(syncIdentity, b)
		}
		w := db.newWriter(tx)
		if err := w.restamp(id.DeviceID); err != nil {
			return err
		}
		if err := w.meta.Put(metaDeviceID, []byte(id.DeviceID)); err != nil {
			return err
		}
		if err := w.meta.Put(metaDevice, []byte(id.DeviceCode)); err != nil {
			return err
		}
		// The incarnation from the start, so that every backup of this data
		// folder holds the one the service will know (syncfence.go).
		if err := db.ensureIncarnation(sb); err != nil {
			return err
		}
		return sb.Put(syncIdentity, b)
	})
	if err != nil {
		return fmt.Errorf("store: enroll: %w", err)
	}
	db.deviceID, db.device = id.DeviceID, id.DeviceCode
	return nil
}

// encodeIdentity checks id, stamps its enrollment time when it has none, and
// returns its JSON.
func (db *DB) encodeIdentity(id *SyncIdentity) ([]byte, error) {
	if err := id.check(); err != nil {
		return nil, err
	}
	if id.EnrolledAt.IsZero() {
		id.EnrolledAt = db.now().UTC()
	}
	return json.Marshal(id)
}

// check refuses an incomplete identity with ErrBadIdentity.
func (id SyncIdentity) check() error {
	switch {
	case id.DeviceID == "" || strings.Contains(id.DeviceID, ":"):
		return fmt.Errorf("%w: device ID %q", ErrBadIdentity, id.DeviceID)
	case id.Token == "" || id.Tenant == "" || id.Server == "":
		return fmt.Errorf("%w: token, tenant and server address are needed", ErrBadIdentity)
	case !model.ValidDeviceCode(id.DeviceCode):
		return fmt.Errorf("%w: device code %q", ErrBadIdentity, id.DeviceCode)
	}
	return nil
}

// restamp renames the outbox's mutations to device to, and the
// history entries that name them, sealing each touched chain again from the first
// renamed entry.
func (w *writer) restamp(to string) error {
	_, err := w.renameOutbox(func(m *model.Mutation) {
		m.Device = to
		m.ID = model.MutationID(to, m.Seq)
	})
	return err
}

// enrolled reports whether the PC has a sync identity; used inside write
// transactions.
func (w *writer) enrolled() bool {
	return w.tx.Bucket(bucketSync).Get(syncIdentity) != nil
}

// keepBase records the case as the server has it before the first pending local
// change to it (old is nil for a case made here), so a rejected change can be undone.
// Stores never enrolled keep nothing: they have no server to disagree with.
func (w *writer) keepBase(old *model.Case, caseID string) error {
	base := w.tx.Bucket(bucketBase)
	if !w.enrolled() || base.Get([]byte(caseID)) != nil {
		return nil
	}
	v := []byte{}
	if old != nil {
		var err error
		if v, err = json.Marshal(old); err != nil {
			return fmt.Errorf("encode base of %s: %w", caseID, err)
		}
	}
	return base.Put([]byte(caseID), v)
}

// SyncCursor returns the change-log cursor of the last page applied (0 before the
// first pull).
func (db *DB) SyncCursor() (uint64, error) {
	var n uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = readU64(tx.Bucket(bucketSync).Get(syncCursor))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: sync cursor: %w", err)
	}
	return n, nil
}

// ResetSyncCursor sets the change-log cursor back to the start, so that the next pull
// brings every case whole and replaces what this PC holds of the server's state
// (pending local work is rebased on top as always). The sync client does it when a
// page does not fit the cases here (ErrStale).
func (db *DB) ResetSyncCursor() error {
	return db.deleteSyncKey(syncCursor, "reset sync cursor")
}

// SyncState is what the status bar shows about sync from the store's side.
type SyncState struct {
	Enrolled      bool
	Server        string
	Tenant        string
	DeviceCode    string
	Cursor        uint64
	Pending       int       // mutations not yet consumed by the server
	Rejected      int       // rejected mutations the clerk has not dismissed
	OpenConflicts int       // conflicts the clerk has not resolved
	WantedBlobs   int       // attachments of pulled cases still to download
	LastSync      time.Time // zero before the first successful push or pull
	// Notice is the kind of the clerk's note about a restored or copied data
	// folder, a restored service or a duplicate file number, "" when there is
	// none (DismissNotice); NoticeDetail is its SyncNotice.Detail.
	Notice       NoticeKind
	NoticeDetail string
}

// SyncState returns the store's sync counters.
func (db *DB) SyncState() (SyncState, error) {
	var s SyncState
	err := db.bolt.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSync)
		if id, err := readIdentity(sb); err == nil {
			s.Enrolled, s.Server, s.Tenant, s.DeviceCode = true, id.Server, id.Tenant, id.DeviceCode
		}
		s.Cursor = readU64(sb.Get(syncCursor))
		if v := sb.Get(syncLastSync); v != nil {
			t, err := time.Parse(time.RFC3339Nano, string(v))
			if err != nil {
				return fmt.Errorf("decode last sync: %w", err)
			}
			s.LastSync = t
		}
		if v := sb.Get(syncNotice); v != nil {
			var n SyncNotice
			if err := json.Unmarshal(v, &n); err != nil {
				return fmt.Errorf("decode notice: %w", err)
			}
			s.Notice, s.NoticeDetail = n.Kind, n.Detail
		}
		s.Pending = tx.Bucket(bucketOutbox).Stats().KeyN
		s.Rejected = tx.Bucket(bucketRejected).Stats().KeyN
		s.WantedBlobs = tx.Bucket(bucketWanted).Stats().KeyN
		return tx.Bucket(bucketConflicts).ForEach(func(k, v []byte) error {
			var c Conflict
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("decode conflict %s: %w", k, err)
			}
			if c.Open() {
				s.OpenConflicts++
			}
			return nil
		})
	})
	if err != nil {
		return SyncState{}, fmt.Errorf("store: sync state: %w", err)
	}
	return s, nil
}

func putLastSync(sb *bolt.Bucket, t time.Time) error {
	return sb.Put(syncLastSync, []byte(t.UTC().Format(time.RFC3339Nano)))
}

// Conflict is a conflict the server recorded on a scalar field (see model.Conflict,
// whose ResolvedAt, ResolvedBy and Resolution say whether and how a clerk settled
// it), with when it reached this PC.
type Conflict struct {
	model.Conflict
	ReceivedAt time.Time `json:"receivedAt"`
}

// putConflict records c. A conflict arrives both in the push answer and in the change
// log, and again resolved once a clerk settled it: a known one is only replaced by a
// resolved one, so a resolution is never undone by an older copy. A resolved copy
// replaces a resolution made here too: the server's first resolution is the one that
// holds, and this PC's, if it came second, is refused (found by sync/sim).
func putConflict(b *bolt.Bucket, c model.Conflict, now time.Time) error {
	if c.ID == "" {
		return nil
	}
	if v := b.Get([]byte(c.ID)); v != nil {
		var old Conflict
		if err := json.Unmarshal(v, &old); err != nil {
			return fmt.Errorf("decode conflict %s: %w", c.ID, err)
		}
		if c.Open() {
			return nil
		}
		now = old.ReceivedAt
	}
	v, err := json.Marshal(Conflict{Conflict: c, ReceivedAt: now})
	if err != nil {
		return fmt.Errorf("encode conflict %s: %w", c.ID, err)
	}
	return b.Put([]byte(c.ID), v)
}

// Conflicts returns the conflicts; with open, only those not resolved yet. They are
// ordered by the server's time, oldest first.
func (db *DB) Conflicts(open bool) ([]Conflict, error) {
	all, err := readAll[Conflict](db, bucketConflicts, "conflict")
	if err != nil {
		return nil, fmt.Errorf("store: conflicts: %w", err)
	}
	var out []Conflict
	for _, c := range all {
		if !open || c.Open() {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ServerAt.Equal(out[j].ServerAt) {
			return out[i].ServerAt.Before(out[j].ServerAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ResolveConflict settles a conflict as the clerk chose: keep is model.KeepServer,
// KeepClient or KeepMerged, value the field's JSON for KeepMerged (for KeepClient the
// recorded client value is used). In one transaction it applies a
// model.KindConflictResolve mutation to the case like Do (history, indexes, outbox,
// so it travels to the server) and marks the conflict resolved here. It returns the
// changed case; ErrNotFound for an unknown conflict, model errors for a value the
// case cannot take now. Resolving a resolved conflict again changes nothing.
func (db *DB) ResolveConflict(actor model.Clerk, id, keep string, value json.RawMessage) (model.Case, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var (
		out model.Case
		row *index.Row
	)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConflicts)
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: conflict %s", ErrNotFound, id)
		}
		var c Conflict
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode conflict %s: %w", id, err)
		}
		w := db.newWriter(tx)
		old, err := w.getCase(c.CaseID)
		if err != nil {
			return err
		}
		if !c.Open() {
			out = *old
			return nil
		}
		switch keep {
		case model.KeepClient:
			value = c.ClientValue
		case model.KeepServer:
			value = nil
		}
		m, err := model.NewMutation(c.CaseID, model.KindConflictResolve, model.ConflictResolvePayload{
			ConflictID: id, Field: c.Field, Keep: keep, Value: value,
		})
		if err != nil {
			return err
		}
		at := db.now().UTC()
		m.At, m.User = at, actor.ID
		db.stamp(w, &m)
		next, err := w.step(old, m, actor)
		if err != nil {
			return err
		}
		r, err := w.finish(old, &next)
		if err != nil {
			return err
		}
		row, out = &r, next
		if err := w.appendOutbox(m); err != nil {
			return err
		}
		c.ResolvedAt, c.ResolvedBy, c.Resolution = &at, actor.ID, keep
		nv, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return b.Put([]byte(id), nv)
	})
	if err != nil {
		return model.Case{}, fmt.Errorf("store: resolve conflict %s: %w", id, err)
	}
	if row != nil {
		db.indexRows([]index.Row{*row}, false)
	}
	return out, nil
}

// Rejected is a mutation of this PC that the server refused for good, with its German
// reason; it stays listed until the clerk dismisses it.
type Rejected struct {
	// Seq names the rejection for DismissRejected and RecreateRejected: the
	// mutation's seq, or a number above every seq for a mutation of an identity
	// this PC had before it re-enrolled (moveRejections).
	Seq      uint64         `json:"-"`
	Mutation model.Mutation `json:"mutation"`
	Reason   string         `json:"reason"`
	Code     string         `json:"code,omitempty"` // PushOutcome.Code
	At       time.Time      `json:"at"`             // when the answer arrived
}

// Rejections returns the rejected mutations not dismissed yet, oldest first.
func (db *DB) Rejections() ([]Rejected, error) {
	var out []Rejected
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRejected).ForEach(func(k, v []byte) error {
			var r Rejected
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode rejection %d: %w", readU64(k), err)
			}
			r.Seq = readU64(k)
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: rejections: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Rejected) int { return a.At.Compare(b.At) })
	return out, nil
}

// earlierIdentity is where moveRejections puts the rejections of identities this PC
// left: the top half of the key space, which no seq reaches.
const earlierIdentity = uint64(1) << 63

// moveRejections moves the rejections of the identity this PC leaves when it
// re-enrolls to keys above every seq, so that the rejection of the new identity's
// seq 1, 2 ... does not overwrite one the clerk has not read yet (found by sync/sim
// with a cloned desktop: a refused create vanished from the list).
func moveRejections(tx *bolt.Tx) error {
	b := tx.Bucket(bucketRejected)
	next := earlierIdentity
	if k, _ := b.Cursor().Last(); k != nil && readU64(k) >= earlierIdentity {
		next = readU64(k) + 1
	}
	var keys, vals [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && readU64(k) < earlierIdentity; k, v = c.Next() {
		keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
	}
	for i, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
		if err := b.Put(u64(next), vals[i]); err != nil {
			return err
		}
		next++
	}
	return nil
}

// DismissRejected removes a rejected mutation (by its seq) from the list once the
// clerk has seen it. ErrNotFound when there is none.
func (db *DB) DismissRejected(seq uint64) error {
	return db.updateBucket(bucketRejected, "dismiss rejection", func(b *bolt.Bucket) error {
		if b.Get(u64(seq)) == nil {
			return fmt.Errorf("%w: rejection %d", ErrNotFound, seq)
		}
		return b.Delete(u64(seq))
	})
}

// RecreateRejected enters the case of a rejected case.create again, as a new case
// with a new file number, and removes the rejection, in one transaction: the way
// out for a case the central service refused because another case holds its file
// number (a copied or restored data folder numbered it; the reason says so). The
// clerk acting is actor. ErrNotFound when there is no such rejection or it is no
// case.create.
func (db *DB) RecreateRejected(actor model.Clerk, seq uint64) (model.Case, error) {
	out, err := db.writeCase(func(w *writer) (model.Case, index.Row, error) {
		b := w.tx.Bucket(bucketRejected)
		var r Rejected
		if v := b.Get(u64(seq)); v == nil {
			return model.Case{}, index.Row{}, fmt.Errorf("%w: rejection %d", ErrNotFound, seq)
		} else if err := json.Unmarshal(v, &r); err != nil {
			return model.Case{}, index.Row{}, fmt.Errorf("decode rejection %d: %w", seq, err)
		}
		var p model.CreatePayload
		if r.Mutation.Kind != model.KindCreate || json.Unmarshal(r.Mutation.Payload, &p) != nil {
			return model.Case{}, index.Row{}, fmt.Errorf("%w: rejection %d is no case.create", ErrNotFound, seq)
		}
		c := p.Case
		c.ID, c.FileNumber = "", ""
		out, row, err := db.create(w, actor, c)
		if err != nil {
			return model.Case{}, index.Row{}, err
		}
		return out, row, b.Delete(u64(seq))
	})
	if err != nil {
		return model.Case{}, fmt.Errorf("store: enter rejected case %d again: %w", seq, err)
	}
	return out, nil
}

// ownSeq returns the seq of a mutation ID of device, or false for another device's.
func ownSeq(mutationID, device string) (uint64, bool) {
	rest, ok := strings.CutPrefix(mutationID, device+":")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil
}
