package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// AckPush applies the server's answer to a push: outbox entries with seq <= LastSeq
// are removed; rejected ones move to the rejected list with the server's reason,
// conflicting ones to the conflicts; a case whose change was rejected or lost a
// conflict is rebuilt from the server's last state plus what is still pending, so it
// no longer shows what the server refused. Repeating an answer is harmless. The
// base of a case whose changes were applied stays until the change log shows them:
// the case here is not the server's state as of the cursor until then, and the
// next page's patches apply to that state. ErrBadPage for an inconsistent answer.
func (db *DB) AckPush(resp PushAck) error {
	if err := resp.check(); err != nil {
		return fmt.Errorf("store: ack push: %w", err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	var rows []index.Row
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		sb := tx.Bucket(bucketSync)
		now := db.now().UTC()
		results := make(map[uint64]PushOutcome, len(resp.Results))
		for _, r := range resp.Results {
			results[r.Seq] = r
			if r.Conflict != nil {
				if err := putConflict(tx.Bucket(bucketConflicts), *r.Conflict, now); err != nil {
					return err
				}
			}
		}
		undo := map[string]bool{}
		rejected := tx.Bucket(bucketRejected)
		unapplied := tx.Bucket(bucketUnapplied)
		c := w.outbox.Cursor()
		for k, v := c.First(); k != nil && readU64(k) <= resp.LastSeq; k, v = c.First() {
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode outbox %d: %w", readU64(k), err)
			}
			switch r := results[m.Seq]; r.Outcome {
			case OutcomeRejected:
				b, err := json.Marshal(Rejected{Mutation: m, Reason: r.Reason, Code: r.Code, At: now})
				if err != nil {
					return err
				}
				if err := rejected.Put(u64(m.Seq), b); err != nil {
					return err
				}
				if err := reopenConflict(tx.Bucket(bucketConflicts), m); err != nil {
					return err
				}
				if err := markNotAccepted(w, m, r.Reason, now); err != nil {
					return err
				}
				undo[m.CaseID] = true
			case OutcomeConflict:
				undo[m.CaseID] = true
			case OutcomeSkipped:
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
			if r := results[m.Seq]; r.Outcome != OutcomeRejected {
				if err := tx.Bucket(bucketSent).Put(bytes.Clone(k), bytes.Clone(v)); err != nil {
					return err
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			if err := unapplied.Delete(u64(m.Seq)); err != nil {
				return err
			}
		}
		if err := ackFence(w, resp.LastSeq, resp.Fenced); err != nil {
			return err
		}
		if err := pruneSent(tx.Bucket(bucketSent), resp.LastSeq); err != nil {
			return err
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
			if len(pending[id]) == 0 {
				// The case is the server's state again.
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
		w := db.newWriter(tx)
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
			if err := markNotAccepted(w, m, ReasonLost, now); err != nil {
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
		rows, err = w.undoSettled(undo)
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
