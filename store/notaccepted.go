package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// A case made on this PC whose creation the OZG-Cloud refused (a clerk who was not
// signed in on this PC at that time, say) exists nowhere else. It stays here, marked
// "not accepted" with the service's reason, so that no work is lost silently: the
// clerk sees it, cannot change it further (the service would refuse every change of
// a case it does not have), and either submits it again in their own name
// (ResubmitCase: a new creation by the clerk signed in now) or discards it
// (DiscardCase). Either way the desktop ends up holding what the service holds.

// Errors of cases the service did not accept.
var (
	// ErrNotAccepted: the case was not accepted by the OZG-Cloud; it can only be
	// submitted again or discarded.
	ErrNotAccepted = errors.New("store: the OZG-Cloud did not accept this case")
	// ErrPending: the case still has changes waiting to be sent or decided.
	ErrPending = errors.New("store: changes of the case are still waiting for the OZG-Cloud")
)

// NotAccepted is a case made here whose creation the OZG-Cloud refused.
type NotAccepted struct {
	CaseID string         `json:"caseId"`
	Create model.Mutation `json:"create"` // the refused creation
	Reason string         `json:"reason"` // the service's German reason
	At     time.Time      `json:"at"`     // when the refusal arrived
}

// markNotAccepted records that the service refused m, when m made a case that is
// still here. Call it in the transaction that lists m as rejected.
func markNotAccepted(w *writer, m model.Mutation, reason string, now time.Time) error {
	if m.Kind != model.KindCreate || w.cases.Get([]byte(m.CaseID)) == nil {
		return nil
	}
	return putJSON(w.tx.Bucket(bucketNotAccepted), m.CaseID, NotAccepted{CaseID: m.CaseID, Create: m, Reason: reason, At: now})
}

// notAccepted returns the mark of the case, or ErrNotFound.
func (w *writer) notAccepted(caseID string) (NotAccepted, error) {
	var n NotAccepted
	ok, err := getJSON(w.tx.Bucket(bucketNotAccepted), caseID, &n)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return n, err
}

// NotAcceptedCase returns the mark of a case the OZG-Cloud did not accept, or an
// error wrapping ErrNotFound for any other case.
func (db *DB) NotAcceptedCase(caseID string) (NotAccepted, error) {
	var n NotAccepted
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketNotAccepted), caseID, &n)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return NotAccepted{}, fmt.Errorf("store: not accepted %s: %w", caseID, err)
	}
	return n, nil
}

// NotAcceptedCases returns every case made here that the OZG-Cloud did not accept.
func (db *DB) NotAcceptedCases() ([]NotAccepted, error) {
	out, err := readAll[NotAccepted](db, bucketNotAccepted, "not accepted")
	if err != nil {
		return nil, fmt.Errorf("store: not accepted cases: %w", err)
	}
	return out, nil
}

// ResubmitCase submits a case the OZG-Cloud did not accept again, as a new creation
// by actor (the clerk signed in now, who answers for it) with the case's content as
// it was first made. The case here becomes that creation: what was done to it
// afterwards was refused with it and stays in the list of rejected changes, from
// where the clerk can do it again. Errors: ErrNotFound when the case is not marked.
func (db *DB) ResubmitCase(actor model.Clerk, caseID string) (model.Case, error) {
	out, err := db.writeCase(func(w *writer) (model.Case, index.Row, error) {
		n, err := w.notAccepted(caseID)
		if err != nil {
			return model.Case{}, index.Row{}, err
		}
		cur, err := w.getCase(caseID)
		if err != nil {
			return model.Case{}, index.Row{}, err
		}
		m := model.Mutation{CaseID: caseID, Kind: model.KindCreate, Payload: n.Create.Payload, At: db.now().UTC(), User: actor.ID}
		db.stamp(w, &m)
		if err := w.appendOutbox(m); err != nil {
			return model.Case{}, index.Row{}, err
		}
		if err := w.keepBase(nil, caseID); err != nil {
			return model.Case{}, index.Row{}, err
		}
		row, ok, err := w.rebuild(cur, nil, []model.Mutation{m})
		if err != nil {
			return model.Case{}, index.Row{}, err
		} else if !ok {
			return model.Case{}, index.Row{}, fmt.Errorf("case %s: the creation does not apply again", caseID)
		}
		c, err := w.getCase(caseID)
		if err != nil {
			return model.Case{}, index.Row{}, err
		}
		return *c, row, w.tx.Bucket(bucketNotAccepted).Delete([]byte(caseID))
	})
	if err != nil {
		return model.Case{}, fmt.Errorf("store: resubmit case %s: %w", caseID, err)
	}
	return out, nil
}

// DiscardCase removes a case the OZG-Cloud did not accept from this PC: the case,
// its history and its list entries. The refused changes stay in the list of rejected
// changes until the clerk dismisses them. Errors: ErrNotFound when the case is not
// marked; ErrPending while changes of it wait for the service (they would be sent
// for a case that is gone).
func (db *DB) DiscardCase(caseID string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		if _, err := w.notAccepted(caseID); err != nil {
			return err
		}
		if busy, err := w.hasLocalWork(caseID); err != nil || busy {
			if err == nil {
				err = ErrPending
			}
			return err
		}
		cur, err := w.getCase(caseID)
		if err != nil {
			return err
		}
		for k := range openFollowUps(cur) {
			if err := w.followups.Delete([]byte(k)); err != nil {
				return err
			}
		}
		if id := w.fileno.Get([]byte(cur.FileNumber)); bytes.Equal(id, []byte(caseID)) {
			if err := w.fileno.Delete([]byte(cur.FileNumber)); err != nil {
				return err
			}
		}
		if err := w.trimHistory(caseID, 0); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketCases, bucketRows, bucketBase, bucketNotAccepted} {
			if err := tx.Bucket(b).Delete([]byte(caseID)); err != nil {
				return err
			}
		}
		w.changes.add(caseID, model.HistoryHead{})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: discard case %s: %w", caseID, err)
	}
	db.index().Delete(caseID)
	return nil
}

// hasLocalWork reports whether a mutation of the case is still in the outbox or
// waits to be settled.
func (w *writer) hasLocalWork(caseID string) (bool, error) {
	for _, b := range []*bolt.Bucket{w.outbox, w.tx.Bucket(bucketUnsure)} {
		found := false
		err := b.ForEach(func(k, v []byte) error {
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode mutation %d: %w", readU64(k), err)
			}
			found = found || m.CaseID == caseID
			return nil
		})
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}
