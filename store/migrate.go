package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// schemaVersion is the schema this version writes; see keys.go for what each added.
const schemaVersion = 2

// migrations[i] moves a store from schema i+1 to i+2.
var migrations = []func(tx *bolt.Tx) error{
	migrate1to2,
}

// migrate runs every migration from schema from up to schemaVersion in tx, so a
// failed migration leaves the file as it was.
func (db *DB) migrate(tx *bolt.Tx, from uint64) error {
	for v := from; v < schemaVersion; v++ {
		db.log.Info("store: migrating schema", "from", v, "to", v+1)
		if err := migrations[v-1](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
		if err := tx.Bucket(bucketMeta).Put(metaSchema, u64(v+1)); err != nil {
			return err
		}
	}
	return nil
}

// migrate1to2 builds the rows, fileno and followups buckets from the cases, and raises
// the file-number counters and the outbox counter to the highest number already used.
func migrate1to2(tx *bolt.Tx) error {
	if err := rebuildIndexes(tx, nil); err != nil {
		return err
	}
	meta := tx.Bucket(bucketMeta)
	if k, _ := tx.Bucket(bucketOutbox).Cursor().Last(); k != nil && readU64(k) > readU64(meta.Get(metaOutboxSeq)) {
		if err := meta.Put(metaOutboxSeq, u64(readU64(k))); err != nil {
			return err
		}
	}
	counters := tx.Bucket(bucketCounters)
	return tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c model.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("case %s: %w", k, err)
		}
		prefix, year, seq, device, ok := parseFileNumber(c.FileNumber)
		if !ok {
			return nil
		}
		key := counterKey(prefix, year, device)
		if readU64(counters.Get(key)) < seq {
			return counters.Put(key, u64(seq))
		}
		return nil
	})
}

// rebuildIndexes empties rows, fileno and followups and fills them from the cases.
// names caches clerk names and may be nil.
func rebuildIndexes(tx *bolt.Tx, names map[string]string) error {
	for _, name := range [][]byte{bucketRows, bucketFileNo, bucketFollowUps} {
		if tx.Bucket(name) != nil {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	w := newIndexWriter(tx)
	w.keepDuplicates = true // the service's duplicates a pull kept
	if names != nil {
		w.names = names
	}
	return tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c model.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("case %s: %w", k, err)
		}
		_, err := w.putIndexes(nil, &c)
		return err
	})
}
