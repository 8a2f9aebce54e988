package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// ApplyPulled applies one page of the tenant's change log in one fsynced transaction
// and returns how many changes were new. For every case of the page the server's
// state replaces the local one: the case the change carries, or the server's
// previous state (the case here, or its base while local work is pending) with the
// change's patch applied. The history entries the page carries are stored by their
// seq and the whole chain is checked against the server's HistoryHead; then the
// mutations of this PC that the server has not consumed yet are applied again on top
// (rebase), so the clerk keeps seeing their unsent work. Indexes, conflicts, the
// attachments still to download, and the new cursor are written in the same
// transaction.
//
// Changes at or below the stored cursor are skipped, so a repeated page is harmless.
// A page whose history does not verify gives an error wrapping ErrChainBroken (and
// model.ErrHistoryBroken) and changes nothing; a patch for a state of a case this PC
// does not hold gives ErrStale (see ResetSyncCursor); an inconsistent page
// ErrBadPage.
func (db *DB) ApplyPulled(page PulledPage) (int, error) {
	if err := page.check(); err != nil {
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
		w.keepDuplicates = true
		sb := tx.Bucket(bucketSync)
		cursor := readU64(sb.Get(syncCursor))
		seen := readU64(sb.Get(syncSeen))
		now := db.now().UTC()
		var logged uint64 // the highest seq of this device the page names
		diverged := false
		var firstOut uint64 // the outbox's first seq, 0 when it is empty
		if k, _ := w.outbox.Cursor().First(); k != nil {
			firstOut = readU64(k)
		}

		groups := map[string]*pulledCase{}
		var order []string
		for i := range page.Changes {
			ch := &page.Changes[i]
			if ch.Seq <= cursor {
				continue
			}
			n++
			g := groups[ch.CaseID]
			if g == nil {
				g = &pulledCase{id: ch.CaseID, history: map[uint64]model.HistoryEntry{}, first: ch.Seq}
				groups[ch.CaseID] = g
				order = append(order, ch.CaseID)
			}
			g.changes = append(g.changes, ch)
			for _, h := range ch.History {
				g.history[h.Seq] = h
			}
			for i, id := range ch.Mutations {
				s, ok := ownSeq(id, db.deviceID)
				if !ok {
					continue
				}
				sum := ""
				if i < len(ch.Sums) {
					sum = ch.Sums[i]
				}
				own, held, err := w.ownSum(s, sum)
				if err != nil {
					return err
				}
				logged = max(logged, s)
				if !own || (!held && firstOut != 0 && s > firstOut) {
					// The service applied another mutation with this seq, or one
					// after the outbox's first that this store never made: this
					// data folder was restored or copied. The outbox's stay pending.
					diverged = true
					continue
				}
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
		if diverged {
			// Renumbered above every seq of this device the log named, so none of
			// the outbox's is taken for a mutation of the other store; the push
			// takes it from there (the service may have consumed more seqs).
			if _, err := db.renumber(w, max(seen, logged), false); err != nil {
				return err
			}
			if err := db.putNotice(sb, NoticeRestored, ""); err != nil {
				return err
			}
			seen = readU64(sb.Get(syncSeen))
		} else if readU64(w.meta.Get(metaOutboxSeq)) < seen {
			// A restored store with nothing pending: its next mutations are numbered
			// after what the service has of this device.
			if err := w.meta.Put(metaOutboxSeq, u64(seen)); err != nil {
				return err
			}
		}
		for _, id := range order {
			if err := w.serverState(groups[id]); err != nil {
				return err
			}
		}
		pending, err := w.localWork(seen)
		if err != nil {
			return err
		}
		// Cases new to this PC without local work on them (all of them in an initial
		// sync) are checked, encoded and indexed on every core first, like Import;
		// only the writes are serial.
		var fresh []*pulledCase
		for _, id := range order {
			if len(pending[id]) == 0 && w.cases.Get([]byte(id)) == nil {
				fresh = append(fresh, groups[id])
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
			row, ok, err := db.applyPulledCase(w, groups[id], pending[id])
			if err != nil {
				return err
			}
			if ok {
				rows = append(rows, row)
			}
		}
		if page.Cursor > cursor {
			if err := sb.Put(syncCursor, u64(page.Cursor)); err != nil {
				return err
			}
			if err := noteEpoch(sb, page.Epoch); err != nil {
				return err
			}
		}
		if err := sb.Put(syncSeen, u64(seen)); err != nil {
			return err
		}
		if len(w.duplicates) > 0 {
			db.log.Warn("sync: the service holds several cases with one file number", "fileNumbers", w.duplicates)
			if err := db.putNotice(sb, NoticeDuplicate, strings.Join(w.duplicates, ", ")); err != nil {
				return err
			}
		}
		return putLastSync(sb, now)
	})
	if err != nil {
		return 0, fmt.Errorf("store: apply changes: %w", err)
	}
	db.indexRows(rows, len(rows) > smallFlush)
	return n, nil
}

// pulledCase is what one page brings of one case.
type pulledCase struct {
	id      string
	changes []*PulledChange
	history map[uint64]model.HistoryEntry
	first   uint64 // the change that brought the case first, for errors

	server *model.Case // the server's state after the page
	raw    []byte      // server's JSON as received, when it is a case the page carried

	// Filled by prepare for a case new to this PC.
	hist    []kv
	caseVal []byte
	d       derived
	err     error
}

// serverState sets g.server: the case the page's last whole case says, with the
// patches after it applied, or the server's previous state (serverCase) with all
// the page's patches applied.
func (w *writer) serverState(g *pulledCase) error {
	var cur *model.Case
	for _, ch := range g.changes {
		if ch.Case != nil {
			c := *ch.Case
			cur, g.raw = &c, ch.CaseJSON
			continue
		}
		if cur == nil {
			var err error
			if cur, err = w.serverCase(g.id); err != nil {
				return fmt.Errorf("%w: change %d, case %s: %w", ErrStale, ch.Seq, g.id, err)
			}
		}
		next := *cur
		if err := model.ApplyPatch(&next, *ch.Patch); err != nil {
			return fmt.Errorf("%w: change %d, case %s: %w", ErrStale, ch.Seq, g.id, err)
		}
		cur, g.raw = &next, nil
	}
	g.server = cur
	return nil
}

// serverCase returns the server's state of the case as of the stored cursor: its
// base while this PC's changes to it are not all in the log yet, else the case as
// stored (see the base bucket in keys.go).
func (w *writer) serverCase(id string) (*model.Case, error) {
	if v := w.tx.Bucket(bucketBase).Get([]byte(id)); v != nil {
		if len(v) == 0 {
			return nil, errors.New("the server had no such case before")
		}
		var c model.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return nil, fmt.Errorf("decode base: %w", err)
		}
		return &c, nil
	}
	c, err := w.getCase(id)
	if errors.Is(err, ErrNotFound) {
		return nil, errors.New("no such case here")
	}
	return c, err
}

// applyPulledCase writes the server's state of a case this PC holds (or has local
// work on): history, chain check, base, the case rebuilt with what is pending, file
// number counter and wanted attachments.
func (db *DB) applyPulledCase(w *writer, g *pulledCase, pending []model.Mutation) (index.Row, bool, error) {
	id := g.id
	cur, err := w.getCase(id)
	if errors.Is(err, ErrNotFound) {
		cur = nil
	} else if err != nil {
		return index.Row{}, false, err
	}
	for seq, h := range g.history {
		b, err := json.Marshal(h)
		if err != nil {
			return index.Row{}, false, fmt.Errorf("encode history of %s: %w", id, err)
		}
		if err := w.history.Put(historyKey(id, seq), b); err != nil {
			return index.Row{}, false, fmt.Errorf("put history of %s: %w", id, err)
		}
	}
	if err := w.trimHistory(id, g.server.HistoryHead.Seq); err != nil {
		return index.Row{}, false, err
	}
	entries, err := readHistory(w.history, id)
	if err == nil {
		err = model.VerifyHistory(entries, g.server.HistoryHead)
	}
	if err != nil {
		return index.Row{}, false, fmt.Errorf("%w: change %d, case %s: %w", ErrChainBroken, g.first, id, err)
	}
	if err := w.setBase(id, g.server, len(pending) > 0); err != nil {
		return index.Row{}, false, err
	}
	// The service has the case after all: nothing is left to resubmit.
	if err := w.tx.Bucket(bucketNotAccepted).Delete([]byte(id)); err != nil {
		return index.Row{}, false, err
	}
	row, ok, err := w.rebuild(cur, g.server, pending)
	if err != nil {
		return index.Row{}, false, fmt.Errorf("case %s: %w", id, err)
	}
	if err := db.raiseCounter(w, g.server.FileNumber); err != nil {
		return index.Row{}, false, err
	}
	if err := db.want(w.tx.Bucket(bucketWanted), g.server); err != nil {
		return index.Row{}, false, err
	}
	return row, ok, nil
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
// it otherwise (the case stored is then the server's).
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

// madeHereOnly reports whether the case id was made on this PC and the service
// has not accepted it: its creation was refused (notaccepted), or is still in the
// outbox. A case the service pulls with that case's file number is then no
// duplicate at the service (a restored or copied data folder handed out a number
// the service had given to another case first): the service's case takes the
// number here, and the case made here stays listed with the service's reason, or
// gets it when its creation is refused. id must not be modified.
func (w *writer) madeHereOnly(id []byte) (bool, error) {
	if w.tx.Bucket(bucketNotAccepted).Get(id) != nil {
		return true, nil
	}
	found := false
	err := w.outbox.ForEach(func(k, v []byte) error {
		var m model.Mutation
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("decode mutation %d: %w", readU64(k), err)
		}
		found = found || m.Kind == model.KindCreate && m.CaseID == string(id)
		return nil
	})
	return found, err
}
