package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
	"github.com/ozgcloud/desktop/sync/wire"
)

// ApplyChanges applies one page of the tenant's change log in one fsynced
// transaction and returns how many changes were new. For every case of the page the
// server's case replaces the local one, the history entries the page carries are
// stored by their seq and the whole chain is checked against the server's
// HistoryHead; then the mutations of this PC that the server has not consumed yet
// are applied again on top (rebase), so the clerk keeps seeing their unsent work.
// Indexes, conflicts, the attachments still to download, and the new cursor are
// written in the same transaction.
//
// Changes at or below the stored cursor are skipped, so a repeated page is harmless.
// A page whose history does not verify gives an error wrapping ErrChainBroken (and
// model.ErrHistoryBroken) and changes nothing; so does an invalid page.
func (db *DB) ApplyChanges(page wire.ChangesResponse) (int, error) {
	return db.ApplyPulled(page, nil)
}

// ApplyPulled is ApplyChanges for a page as it arrived: caseJSON[i], when not nil,
// is the JSON of page.Changes[i].Case exactly as received, which must decode to that
// case. A case new to this PC is stored as those bytes instead of being encoded
// again, which was a large part of the store's work in an initial sync. caseJSON may
// be nil or shorter than the page.
func (db *DB) ApplyPulled(page wire.ChangesResponse, caseJSON [][]byte) (int, error) {
	if err := page.Validate(); err != nil {
		return 0, fmt.Errorf("store: apply changes: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	var (
		rows []index.Row
		n    int
	)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		sb := tx.Bucket(bucketSync)
		cursor := readU64(sb.Get(syncCursor))
		seen := readU64(sb.Get(syncSeen))
		now := db.now().UTC()

		type group struct {
			server  *model.Case
			raw     []byte // server's JSON as received, or nil
			history map[uint64]model.HistoryEntry
			first   uint64 // the change that brought the case first, for errors
		}
		groups := map[string]*group{}
		var order []string
		for i := range page.Changes {
			ch := &page.Changes[i]
			if ch.Seq <= cursor {
				continue
			}
			n++
			g := groups[ch.CaseID]
			if g == nil {
				g = &group{history: map[uint64]model.HistoryEntry{}, first: ch.Seq}
				groups[ch.CaseID] = g
				order = append(order, ch.CaseID)
			}
			g.server, g.raw = &ch.Case, nil
			if i < len(caseJSON) {
				g.raw = caseJSON[i]
			}
			for _, h := range ch.History {
				g.history[h.Seq] = h
			}
			if s, ok := ownSeq(ch.Mutation, db.deviceID); ok {
				seen = max(seen, s)
				if err := w.consumed(s); err != nil {
					return err
				}
			}
			for _, cf := range ch.Conflicts {
				if err := putConflict(tx.Bucket(bucketConflicts), cf, now); err != nil {
					return err
				}
			}
		}
		if n == 0 {
			return nil
		}
		pending, err := w.localWork(seen)
		if err != nil {
			return err
		}
		// Cases new to this PC without local work on them (all of them in an initial
		// sync) are checked, encoded and indexed on every core first, like Import;
		// only the writes are serial.
		var fresh []*freshCase
		for _, id := range order {
			g := groups[id]
			if len(pending[id]) == 0 && w.cases.Get([]byte(id)) == nil {
				fresh = append(fresh, &freshCase{id: id, server: g.server, raw: g.raw, history: g.history, first: g.first})
			}
		}
		if len(fresh) > 0 {
			if len(fresh) > smallFlush {
				w.cases.FillPercent, w.history.FillPercent, w.rows.FillPercent = 0.95, 0.95, 0.95
			}
			rs, err := db.writeFresh(w, fresh)
			if err != nil {
				return err
			}
			rows = append(rows, rs...)
		}
		done := make(map[string]bool, len(fresh))
		for _, f := range fresh {
			done[f.id] = true
		}
		for _, id := range order {
			if done[id] {
				continue
			}
			g := groups[id]
			cur, err := w.getCase(id)
			if errors.Is(err, ErrNotFound) {
				cur = nil
			} else if err != nil {
				return err
			}
			for seq, h := range g.history {
				b, err := json.Marshal(h)
				if err != nil {
					return fmt.Errorf("encode history of %s: %w", id, err)
				}
				if err := w.history.Put(historyKey(id, seq), b); err != nil {
					return fmt.Errorf("put history of %s: %w", id, err)
				}
			}
			if err := w.trimHistory(id, g.server.HistoryHead.Seq); err != nil {
				return err
			}
			entries, err := readHistory(w.history, id)
			if err == nil {
				err = model.VerifyHistory(entries, g.server.HistoryHead)
			}
			if err != nil {
				return fmt.Errorf("%w: change %d, case %s: %w", ErrChainBroken, g.first, id, err)
			}
			if err := w.setBase(id, g.server, len(pending[id]) > 0); err != nil {
				return err
			}
			row, ok, err := w.rebuild(cur, g.server, pending[id])
			if err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			if ok {
				rows = append(rows, row)
			}
			if err := db.raiseCounter(w, g.server.FileNumber); err != nil {
				return err
			}
			if err := db.want(tx.Bucket(bucketWanted), g.server); err != nil {
				return err
			}
		}
		if page.Cursor > cursor {
			if err := sb.Put(syncCursor, u64(page.Cursor)); err != nil {
				return err
			}
		}
		if err := sb.Put(syncSeen, u64(seen)); err != nil {
			return err
		}
		return putLastSync(sb, now)
	})
	if err != nil {
		return 0, fmt.Errorf("store: apply changes: %w", err)
	}
	db.indexRows(rows, len(rows) > smallFlush)
	return n, nil
}

// AckPush applies the server's answer to a push: outbox entries with seq <= LastSeq
// are removed; rejected ones move to the rejected list with the server's reason,
// conflicting ones to the conflicts; a case whose change was rejected or lost a
// conflict is rebuilt from the server's last state plus what is still pending, so it
// no longer shows what the server refused. Repeating an answer is harmless.
func (db *DB) AckPush(resp wire.PushResponse) error {
	if err := resp.Validate(); err != nil {
		return fmt.Errorf("store: ack push: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	var rows []index.Row
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		sb := tx.Bucket(bucketSync)
		now := db.now().UTC()
		results := make(map[uint64]wire.PushResult, len(resp.Results))
		for _, r := range resp.Results {
			results[r.Seq] = r
			if r.Conflict != nil {
				if err := putConflict(tx.Bucket(bucketConflicts), *r.Conflict, now); err != nil {
					return err
				}
			}
		}
		undo := map[string]bool{}
		acked := map[string]bool{}
		rejected := tx.Bucket(bucketRejected)
		unapplied := tx.Bucket(bucketUnapplied)
		c := w.outbox.Cursor()
		for k, v := c.First(); k != nil && readU64(k) <= resp.LastSeq; k, v = c.First() {
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode outbox %d: %w", readU64(k), err)
			}
			acked[m.CaseID] = true
			switch r := results[m.Seq]; r.Status {
			case wire.StatusRejected:
				b, err := json.Marshal(Rejected{Mutation: m, Reason: r.Reason, At: now})
				if err != nil {
					return err
				}
				if err := rejected.Put(u64(m.Seq), b); err != nil {
					return err
				}
				if err := reopenConflict(tx.Bucket(bucketConflicts), m); err != nil {
					return err
				}
				undo[m.CaseID] = true
			case wire.StatusConflict:
				undo[m.CaseID] = true
			case wire.StatusSkipped:
				// The service decided this mutation in an answer that never arrived
				// (found by sync/sim): most likely applied (the server died between
				// its commit and its answer), perhaps rejected. Unless the change log
				// showed it already, it stays unsure and the case keeps showing it
				// (see localWork) until a complete pull settles it: the change log
				// names it, or SettleUnsure lists it as rejected and undoes it.
				if tx.Bucket(bucketConsumed).Get(k) == nil {
					if err := tx.Bucket(bucketUnsure).Put(u64(m.Seq), bytes.Clone(v)); err != nil {
						return err
					}
				}
			}
			if err := tx.Bucket(bucketConsumed).Delete(k); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			if err := unapplied.Delete(u64(m.Seq)); err != nil {
				return err
			}
		}
		if seen := readU64(sb.Get(syncSeen)); resp.LastSeq > seen {
			if err := sb.Put(syncSeen, u64(resp.LastSeq)); err != nil {
				return err
			}
		}
		pending, err := w.localWork(resp.LastSeq)
		if err != nil {
			return err
		}
		for id := range undo {
			cur, err := w.getCase(id)
			if err != nil {
				return err
			}
			server, err := w.base(id)
			if err != nil {
				return err
			}
			row, ok, err := w.rebuild(cur, server, pending[id])
			if err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			if ok {
				rows = append(rows, row)
			}
		}
		for id := range acked {
			if len(pending[id]) == 0 {
				if err := tx.Bucket(bucketBase).Delete([]byte(id)); err != nil {
					return err
				}
			}
		}
		return putLastSync(sb, now)
	})
	if err != nil {
		return fmt.Errorf("store: ack push: %w", err)
	}
	db.indexRows(rows, false)
	return nil
}

// consumed notes that the change log showed this PC's mutation seq: a pending one
// was decided by the server, whatever the push answer will say; a lost-answer one is
// no longer unsure.
func (w *writer) consumed(seq uint64) error {
	if err := w.tx.Bucket(bucketUnsure).Delete(u64(seq)); err != nil {
		return err
	}
	if w.outbox.Get(u64(seq)) == nil {
		// An unsure one that rebasing could not re-apply is decided now.
		return w.tx.Bucket(bucketUnapplied).Delete(u64(seq))
	}
	return w.tx.Bucket(bucketConsumed).Put(u64(seq), []byte{})
}

// ReasonLost is the reason recorded for a mutation the server decided in an answer
// that was lost, when the change log shows no change for it.
const ReasonLost = "Die OZG-Cloud hat diese Änderung nicht übernommen. Ihre Begründung ist auf dem Weg verloren gegangen; bitte prüfen Sie den Vorgang."

// SettleUnsure lists as rejected (with ReasonLost) every mutation the server answered
// "skipped" whose change the change log has not shown. Call it only after a pull
// that started after that push answer and went to the end of the log: the server
// commits a mutation's change with its decision, so if the change is not there, the
// server rejected it. The cases they changed are rebuilt from the server's state
// plus what is still pending. It returns how many it listed.
func (db *DB) SettleUnsure() (int, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	n := 0
	var rows []index.Row
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		unsure := tx.Bucket(bucketUnsure)
		if unsure.Stats().KeyN == 0 {
			return nil
		}
		now := db.now().UTC()
		rejected := tx.Bucket(bucketRejected)
		undo := map[string]bool{}
		c := unsure.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode unsure %d: %w", readU64(k), err)
			}
			b, err := json.Marshal(Rejected{Mutation: m, Reason: ReasonLost, At: now})
			if err != nil {
				return err
			}
			if err := rejected.Put(k, b); err != nil {
				return err
			}
			if err := reopenConflict(tx.Bucket(bucketConflicts), m); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
			if err := tx.Bucket(bucketUnapplied).Delete(u64(m.Seq)); err != nil {
				return err
			}
			undo[m.CaseID] = true
			n++
		}
		var err error
		rows, err = db.newWriter(tx).undoSettled(undo)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: settle unsure: %w", err)
	}
	db.indexRows(rows, false)
	return n, nil
}

// reopenConflict opens again the conflict that m, a conflict.resolve the server
// refused, had marked resolved here: the server kept it open (or holds another
// clerk's resolution, which then arrives with the change log and replaces this
// copy), so the clerk has to decide again. Found by sync/sim. A conflict whose
// resolution here is not m's is left alone.
func reopenConflict(b *bolt.Bucket, m model.Mutation) error {
	if m.Kind != model.KindConflictResolve {
		return nil
	}
	var p model.ConflictResolvePayload
	if json.Unmarshal(m.Payload, &p) != nil || p.ConflictID == "" {
		return nil
	}
	v := b.Get([]byte(p.ConflictID))
	if v == nil {
		return nil
	}
	var c Conflict
	if err := json.Unmarshal(v, &c); err != nil {
		return fmt.Errorf("decode conflict %s: %w", p.ConflictID, err)
	}
	if c.Open() || c.ResolvedBy != m.User || !c.ResolvedAt.Equal(m.At) {
		return nil
	}
	c.ResolvedAt, c.ResolvedBy, c.Resolution = nil, "", ""
	nv, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode conflict %s: %w", p.ConflictID, err)
	}
	return b.Put([]byte(p.ConflictID), nv)
}

// pendingByCase returns the outbox mutations with seq > after, by case, in seq order.
func (w *writer) pendingByCase(after uint64) (map[string][]model.Mutation, error) {
	out := map[string][]model.Mutation{}
	c := w.outbox.Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
		var m model.Mutation
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("decode outbox %d: %w", readU64(k), err)
		}
		out[m.CaseID] = append(out[m.CaseID], m)
	}
	return out, nil
}

// base returns the server's last state of the case kept in the base bucket, or nil
// when the server has not confirmed the case (or nothing was kept).
func (w *writer) base(id string) (*model.Case, error) {
	v := w.tx.Bucket(bucketBase).Get([]byte(id))
	if len(v) == 0 {
		return nil, nil
	}
	var c model.Case
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("decode base of %s: %w", id, err)
	}
	return &c, nil
}

// setBase keeps the server's case while local changes to it are pending, and drops
// it otherwise.
func (w *writer) setBase(id string, server *model.Case, keep bool) error {
	b := w.tx.Bucket(bucketBase)
	if !keep {
		if b.Get([]byte(id)) == nil {
			return nil
		}
		return b.Delete([]byte(id))
	}
	v, err := json.Marshal(server)
	if err != nil {
		return fmt.Errorf("encode base of %s: %w", id, err)
	}
	return b.Put([]byte(id), v)
}

// trimHistory deletes the case's history entries after seq: local entries of pending
// mutations, which rebuild seals again on top of the server's chain.
func (w *writer) trimHistory(id string, seq uint64) error {
	prefix := historyPrefix(id)
	c := w.history.Cursor()
	for k, _ := c.Seek(historyKey(id, seq+1)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(historyKey(id, seq+1)) {
		if len(k) != len(prefix)+8 {
			break
		}
		if err := c.Delete(); err != nil {
			return fmt.Errorf("trim history of %s: %w", id, err)
		}
	}
	return nil
}

// rebuild makes the local case server (nil when the server has not confirmed it)
// plus the pending mutations, and writes it with its indexes over cur (the case as
// stored now, nil when new). A pending mutation that no longer applies is recorded in
// the unapplied bucket and left to the server. A case made here whose creation is no
// longer pending (it was rejected) is left as it is, for the clerk to see; ok is
// false then.
func (w *writer) rebuild(cur, server *model.Case, pending []model.Mutation) (index.Row, bool, error) {
	if server == nil && (len(pending) == 0 || pending[0].Kind != model.KindCreate) {
		return index.Row{}, false, nil
	}
	var (
		next *model.Case
		head model.HistoryHead
		id   = pending0(server, pending)
	)
	if server != nil {
		s := *server
		next, head = &s, server.HistoryHead
	}
	if err := w.trimHistory(id, head.Seq); err != nil {
		return index.Row{}, false, err
	}
	unapplied := w.tx.Bucket(bucketUnapplied)
	for _, m := range pending {
		var (
			n   model.Case
			h   kv
			err error
		)
		if m.Kind == model.KindCreate && next != nil {
			err = fmt.Errorf("%w: case %s exists on the server", ErrExists, m.CaseID)
		} else {
			n, h, err = applyStep(next, m, w.actor(m.User), w.clerkName)
		}
		if err != nil {
			if err := unapplied.Put(u64(m.Seq), []byte(err.Error())); err != nil {
				return index.Row{}, false, err
			}
			continue
		}
		if err := unapplied.Delete(u64(m.Seq)); err != nil {
			return index.Row{}, false, err
		}
		if err := w.history.Put(h.k, h.v); err != nil {
			return index.Row{}, false, fmt.Errorf("put history entry: %w", err)
		}
		next = &n
	}
	if next == nil {
		return index.Row{}, false, nil
	}
	row, err := w.finish(cur, next)
	return row, err == nil, err
}

func pending0(server *model.Case, pending []model.Mutation) string {
	if server != nil {
		return server.ID
	}
	return pending[0].CaseID
}

// actor returns the clerk who made a pending mutation, as far as this PC knows them.
// Rebasing only shows the clerk their own unsent work on the newer case; the server
// checks roles for real, so an unknown clerk is given a role that lets it show.
func (w *writer) actor(id string) model.Clerk {
	if v := w.clerks.Get([]byte(id)); v != nil {
		var c model.Clerk
		if json.Unmarshal(v, &c) == nil {
			return c
		}
	}
	return model.Clerk{ID: id, Name: id, Role: model.RoleLeitung}
}

// raiseCounter makes sure a pulled file number of this device's code is never handed
// out again here (a case of this PC that came back through the server, or a restored
// PC).
func (db *DB) raiseCounter(w *writer, fileNumber string) error {
	prefix, year, seq, device, ok := parseFileNumber(fileNumber)
	if !ok || device != db.device {
		return nil
	}
	key := counterKey(prefix, year, device)
	if readU64(w.counters.Get(key)) >= seq {
		return nil
	}
	return w.counters.Put(key, u64(seq))
}

// attachments returns every file a case refers to.
func attachments(c *model.Case) []model.Attachment {
	var out []model.Attachment
	if c.Representation != nil {
		out = append(out, *c.Representation)
	}
	out = append(out, c.Attachments...)
	for _, m := range c.Messages {
		out = append(out, m.Attachments...)
	}
	for _, d := range c.Decisions {
		if d.Document != nil {
			out = append(out, *d.Document)
		}
	}
	return out
}

// want records the case's attachments that are not on this PC yet.
func (db *DB) want(b *bolt.Bucket, c *model.Case) error {
	for _, a := range attachments(c) {
		if !validSHA(a.SHA256) || b.Get([]byte(a.SHA256)) != nil {
			continue
		}
		if _, err := os.Stat(db.blobPath(a.SHA256)); err == nil {
			continue
		}
		if err := b.Put([]byte(a.SHA256), u64(uint64(max(a.Size, 0)))); err != nil {
			return err
		}
	}
	return nil
}

// WantedBlob is an attachment of a pulled case that is not on this PC yet.
type WantedBlob struct {
	SHA256 string
	Size   int64
}

// WantedBlobs returns up to limit (<= 0: all) attachments to download, by hash.
func (db *DB) WantedBlobs(limit int) ([]WantedBlob, error) {
	var out []WantedBlob
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketWanted).Cursor()
		for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			out = append(out, WantedBlob{SHA256: string(k), Size: int64(readU64(v))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: wanted blobs: %w", err)
	}
	return out, nil
}

// ErrBlobMismatch: content handed to PlaceBlob does not hash to the expected value.
var ErrBlobMismatch = errors.New("store: blob content does not match its hash")

// PlaceBlob stores a downloaded attachment like PutBlob, checks that it hashes to
// sha (ErrBlobMismatch otherwise) and takes it off the wanted list.
func (db *DB) PlaceBlob(sha string, r io.Reader) error {
	got, _, err := db.PutBlob(r)
	if err != nil {
		return err
	}
	if got != sha {
		return fmt.Errorf("store: place blob %s: %w (got %s)", sha, ErrBlobMismatch, got)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWanted).Delete([]byte(sha))
	}); err != nil {
		return fmt.Errorf("store: place blob %s: %w", sha, err)
	}
	return nil
}

// freshCase is a pulled case new to this PC, on its way into the file.
type freshCase struct {
	id      string
	server  *model.Case
	raw     []byte // server's JSON of the case as received, or nil
	history map[uint64]model.HistoryEntry
	first   uint64

	hist    []kv
	caseVal []byte
	d       derived
	err     error
}

// writeFresh checks, encodes and indexes new cases on every core, then writes them in
// order. The whole chain must be in the page, since there is none here yet.
func (db *DB) writeFresh(w *writer, fresh []*freshCase) ([]index.Row, error) {
	names, err := allClerkNames(w.clerks)
	if err != nil {
		return nil, err
	}
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for g := 0; g < workers; g++ {
		wg.Go(func() {
			for i := g; i < len(fresh); i += workers {
				fresh[i].err = fresh[i].prepare(name)
			}
		})
	}
	wg.Wait()
	rows := make([]index.Row, 0, len(fresh))
	for _, f := range fresh {
		if f.err != nil {
			return nil, fmt.Errorf("%w: change %d, case %s: %w", ErrChainBroken, f.first, f.id, f.err)
		}
		for _, h := range f.hist {
			if err := w.history.Put(h.k, h.v); err != nil {
				return nil, fmt.Errorf("put history of %s: %w", f.id, err)
			}
		}
		if err := w.cases.Put([]byte(f.id), f.caseVal); err != nil {
			return nil, fmt.Errorf("put case %s: %w", f.id, err)
		}
		if err := w.putDerived(nil, f.server, f.d); err != nil {
			return nil, fmt.Errorf("case %s: %w", f.id, err)
		}
		if err := w.setBase(f.id, f.server, false); err != nil {
			return nil, err
		}
		if err := db.raiseCounter(w, f.server.FileNumber); err != nil {
			return nil, err
		}
		if err := db.want(w.tx.Bucket(bucketWanted), f.server); err != nil {
			return nil, err
		}
		rows = append(rows, f.d.row)
	}
	return rows, nil
}

// prepare verifies the chain and encodes the case, its history and its index entries;
// it touches no shared state.
func (f *freshCase) prepare(name func(string) string) error {
	entries := make([]model.HistoryEntry, 0, len(f.history))
	for _, e := range f.history {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b model.HistoryEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	if err := model.VerifyHistory(entries, f.server.HistoryHead); err != nil {
		return err
	}
	f.hist = make([]kv, len(entries))
	for i, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode history entry: %w", err)
		}
		f.hist[i] = kv{historyKey(f.id, e.Seq), b}
	}
	var err error
	if f.caseVal = f.raw; f.caseVal == nil {
		if f.caseVal, err = json.Marshal(f.server); err != nil {
			return fmt.Errorf("encode case: %w", err)
		}
	}
	f.d, err = derive(f.server, nameOf(f.server.Assignee, name))
	return err
}
