package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Case returns the case with id, or an error wrapping ErrNotFound.
func (db *DB) Case(id string) (model.Case, error) {
	c, err := view(db, "case "+id, func(tx *bolt.Tx) (*model.Case, error) { return getCase(tx.Bucket(bucketCases), id) })
	if err != nil {
		return model.Case{}, err
	}
	return *c, nil
}

// CaseByFileNumber returns the case with the file number, or an error wrapping
// ErrNotFound.
func (db *DB) CaseByFileNumber(fileNumber string) (model.Case, error) {
	var c *model.Case
	err := db.bolt.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketFileNo).Get([]byte(fileNumber))
		if id == nil {
			return fmt.Errorf("%w: file number %s", ErrNotFound, fileNumber)
		}
		var err error
		c, err = getCase(tx.Bucket(bucketCases), string(id))
		return err
	})
	if err != nil {
		return model.Case{}, fmt.Errorf("store: case by file number: %w", err)
	}
	return *c, nil
}

// History returns the case's history entries, oldest first, or an error wrapping
// ErrNotFound.
func (db *DB) History(id string) ([]model.HistoryEntry, error) {
	var entries []model.HistoryEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketCases).Get([]byte(id)) == nil {
			return fmt.Errorf("%w: case %s", ErrNotFound, id)
		}
		var err error
		entries, err = readHistory(tx.Bucket(bucketHistory), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: history of %s: %w", id, err)
	}
	return entries, nil
}

// readHistory decodes the case's history entries in key order. An entry that does not
// decode, or whose key does not match its content, breaks the chain.
func readHistory(b *bolt.Bucket, id string) ([]model.HistoryEntry, error) {
	var entries []model.HistoryEntry
	prefix := historyPrefix(id)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		_, seq, ok := parseHistoryKey(k)
		if !ok || len(k) != len(prefix)+8 {
			continue
		}
		var e model.HistoryEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("%w: entry %d unreadable: %v", model.ErrHistoryBroken, seq, err)
		}
		if e.Seq != seq || e.CaseID != id {
			return nil, fmt.Errorf("%w: entry stored as %d claims to be %s/%d", model.ErrHistoryBroken, seq, e.CaseID, e.Seq)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// VerifyHistory checks the case's history chain against the head the case holds and
// returns the number of entries. An edited, inserted or removed entry gives an error
// wrapping model.ErrHistoryBroken; ErrNotFound when there is no such case.
func (db *DB) VerifyHistory(id string) (int, error) {
	return view(db, "verify history of "+id, func(tx *bolt.Tx) (int, error) { return verifyCase(tx, id, nil) })
}

// verifyCase verifies one case's chain; c is the decoded case or nil.
func verifyCase(tx *bolt.Tx, id string, c *model.Case) (int, error) {
	if c == nil {
		var err error
		if c, err = getCase(tx.Bucket(bucketCases), id); err != nil {
			return 0, err
		}
	}
	entries, err := readHistory(tx.Bucket(bucketHistory), id)
	if err != nil {
		return len(entries), err
	}
	return len(entries), model.VerifyHistory(entries, c.HistoryHead)
}

// List returns one page of the case list from the in-memory index.
func (db *DB) List(q index.Query) index.Page { return db.index().Query(q) }

// Counts returns the numbers beside the list's quick filters.
func (db *DB) Counts(assignee string, today int32) index.Counts {
	return db.index().Counts(assignee, today)
}

// DueFollowUp is an open follow-up that is due, with what the list shows of its case.
type DueFollowUp struct {
	CaseID, FileNumber, Applicant, Assignee string
	FollowUp                                model.FollowUp
	// Finished: the case needs no more work (closed, decided, discarded ...).
	Finished bool
}

// DueFollowUps returns the open follow-ups due on or before today's calendar date (in
// Location), oldest first.
func (db *DB) DueFollowUps(today time.Time) ([]DueFollowUp, error) {
	limit := dayKey(index.DayNumber(model.Day(today, db.loc)) + 1)
	var out []DueFollowUp
	err := db.bolt.View(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bucketRows)
		c := tx.Bucket(bucketFollowUps).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, v = c.Next() {
			_, caseID, _, ok := parseFollowUpKey(k)
			if !ok {
				return fmt.Errorf("bad follow-up key %x", k)
			}
			d := DueFollowUp{CaseID: caseID}
			if err := json.Unmarshal(v, &d.FollowUp); err != nil {
				return fmt.Errorf("decode follow-up of %s: %w", caseID, err)
			}
			var r index.Row
			if err := r.UnmarshalBinary(rows.Get([]byte(caseID))); err != nil {
				return fmt.Errorf("row of %s: %w", caseID, err)
			}
			d.FileNumber, d.Applicant, d.Assignee, d.Finished = r.FileNumber, r.Applicant, r.Assignee, r.Finished
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: due follow-ups: %w", err)
	}
	return out, nil
}

// Outbox returns up to limit mutations with seq > afterSeq in seq order (the order they
// were committed); limit <= 0 means all.
func (db *DB) Outbox(afterSeq uint64, limit int) ([]model.Mutation, error) {
	var out []model.Mutation
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(u64(afterSeq + 1)); k != nil; k, v = c.Next() {
			if limit > 0 && len(out) >= limit {
				break
			}
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode outbox %d: %w", readU64(k), err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// PendingCount returns the number of mutations in the outbox.
func (db *DB) PendingCount() (int, error) {
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: pending count: %w", err)
	}
	return n, nil
}

// AckOutbox removes the outbox entries with seq <= throughSeq, once the server has
// applied (or permanently rejected) them, and returns how many it removed. Seqs are
// never reused: the next mutation still gets the next number.
func (db *DB) AckOutbox(throughSeq uint64) (int, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, _ := c.First(); k != nil && readU64(k) <= throughSeq; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: ack outbox through %d: %w", throughSeq, err)
	}
	return n, nil
}
