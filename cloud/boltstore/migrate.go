package boltstore

import (
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Buckets of format 1 (see keys.go).
var (
	v1Cases   = []byte("cases")
	v1Changes = []byte("changes")
)

// changeV1 is a log entry of format 1: the whole case and one mutation ID.
type changeV1 struct {
	Seq       uint64               `json:"seq"`
	CaseID    string               `json:"caseId"`
	Case      model.Case           `json:"case"`
	History   []model.HistoryEntry `json:"history,omitempty"`
	Mutation  string               `json:"mutation,omitempty"`
	Conflicts []wire.Conflict      `json:"conflicts,omitempty"`
	Tx        uint64               `json:"tx,omitempty"`
}

// migrateBatch is how many cases or log entries one migration transaction moves, so
// that a large tenant is not rewritten in one transaction held in memory.
var migrateBatch = 5000

// migrate moves every tenant of format 1 to the current layout. Each transaction
// moves a batch and deletes what it moved, so a crash in between resumes where it
// stopped. A format-1 log entry keeps its whole case (a whole case is a valid entry:
// the state at that point), so nothing is lost; only entries written from now on
// carry patches.
func migrate(db *bolt.DB) error {
	err := eachTenant(db, "migrate", func(b *bolt.Bucket) bool {
		return b.Bucket(v1Cases) != nil || b.Bucket(v1Changes) != nil
	}, migrateTenant)
	if err != nil {
		return err
	}
	return migrateFileNumbers(db)
}

// errBatchFull stops a migration's walk after a batch.
var errBatchFull = errors.New("boltstore: batch full")

var jsonUnmarshal = json.Unmarshal

// migrateFileNumbers builds the file-number index of every tenant whose cases were
// stored before the index existed, in batches (a crash resumes), and marks each
// tenant done.
func migrateFileNumbers(db *bolt.DB) error {
	return eachTenant(db, "index file numbers", func(b *bolt.Bucket) bool {
		meta := b.Bucket(tMeta)
		return meta == nil || meta.Get(metaFileNoIndex) == nil
	}, func(b *bolt.Bucket) (bool, error) {
		done, err := indexFileNumbers(b)
		if err != nil || !done {
			return false, err
		}
		return true, b.Bucket(tMeta).Put(metaFileNoIndex, []byte("1"))
	})
}

// eachTenant runs step over the bucket of every tenant that needs it, one
// transaction a call, until step reports the tenant done: a large tenant moves in
// batches, and a crash in between resumes where it stopped.
func eachTenant(db *bolt.DB, what string, needs func(*bolt.Bucket) bool, step func(*bolt.Bucket) (done bool, err error)) error {
	var todo []string
	err := db.View(func(tx *bolt.Tx) error {
		tenants := tx.Bucket(bucketTenants)
		return tenants.ForEachBucket(func(k []byte) error {
			if needs(tenants.Bucket(k)) {
				todo = append(todo, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("boltstore: %s: %w", what, err)
	}
	for _, tenant := range todo {
		for done := false; !done; {
			err := db.Update(func(tx *bolt.Tx) error {
				var err error
				done, err = step(tx.Bucket(bucketTenants).Bucket([]byte(tenant)))
				return err
			})
			if err != nil {
				return fmt.Errorf("boltstore: %s, tenant %s: %w", what, tenant, err)
			}
		}
	}
	return nil
}

// migrateTenant moves up to migrateBatch cases or log entries of format 1 and reports
// whether the tenant is done.
func migrateTenant(b *bolt.Bucket) (bool, error) {
	for _, name := range tenantBuckets {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return false, err
		}
	}
	heads, log, idx := b.Bucket(tHeads), b.Bucket(tLog), b.Bucket(tCaseLog)
	log.FillPercent, idx.FillPercent = appendFill, appendFill
	done, err := drain(b, v1Cases, func(k, v []byte) error {
		var cs model.Case
		if err := json.Unmarshal(v, &cs); err != nil {
			return fmt.Errorf("decode case %s: %w", k, err)
		}
		cs.Comments, cs.Messages = nil, nil
		return putJSON(heads, clone(k), cs)
	})
	if !done || err != nil {
		return false, err
	}
	return drain(b, v1Changes, func(k, v []byte) error {
		seq := readU64(k)
		if len(v) < 8 {
			return fmt.Errorf("change %d is cut short", seq)
		}
		var old changeV1
		if err := json.Unmarshal(v[8:], &old); err != nil {
			return fmt.Errorf("decode change %d: %w", seq, err)
		}
		ch := wire.Change{Seq: old.Seq, CaseID: old.CaseID, Case: &old.Case, History: old.History,
			Conflicts: old.Conflicts, Tx: old.Tx}
		if old.Mutation != "" {
			ch.Mutations = []string{old.Mutation}
		}
		data, err := json.Marshal(ch)
		if err != nil {
			return fmt.Errorf("encode change %d: %w", seq, err)
		}
		if err := log.Put(clone(k), logValue(readU64(v[:8]), ch.CaseID, data)); err != nil {
			return err
		}
		return idx.Put(historyKey(ch.CaseID, seq), nil)
	})
}

// drain hands up to migrateBatch entries of the sub-bucket name of b to move, deleting
// each, and deletes the bucket when it is empty; done reports that it is gone.
func drain(b *bolt.Bucket, name []byte, move func(k, v []byte) error) (done bool, err error) {
	old := b.Bucket(name)
	if old == nil {
		return true, nil
	}
	c := old.Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.First() {
		if n++; n > migrateBatch {
			return false, nil
		}
		if err := move(k, v); err != nil {
			return false, err
		}
		if err := c.Delete(); err != nil {
			return false, err
		}
	}
	return true, b.DeleteBucket(name)
}
