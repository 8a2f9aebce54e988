package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Check verifies the whole store: every case decodes and its history chain verifies;
// rows, fileno and followups hold exactly what the cases imply; the in-memory index
// holds exactly the stored rows; every case marked not accepted is here; the outbox
// is in order with well-formed IDs; and no
// file-number counter lags behind a number this device already gave out. It returns a
// descriptive error for the first mismatch. Writers wait while it runs.
func (db *DB) Check() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.index()
	if err := db.bolt.View(db.check); err != nil {
		return fmt.Errorf("store: check %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) check(tx *bolt.Tx) error {
	var (
		cases     = tx.Bucket(bucketCases)
		rows      = tx.Bucket(bucketRows)
		fileno    = tx.Bucket(bucketFileNo)
		followups = tx.Bucket(bucketFollowUps)
		counters  = tx.Bucket(bucketCounters)
		clerks    = tx.Bucket(bucketClerks)
		names     = map[string]string{}
		mutations = map[string]bool{} // mutation IDs named by history entries

		nCases, nHistory, nFollowUps, nDuplicates int
	)
	err := cases.ForEach(func(k, v []byte) error {
		var c model.Case
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("case %s does not decode: %w", k, err)
		}
		if c.ID != string(k) {
			return fmt.Errorf("case stored under %s has ID %s", k, c.ID)
		}
		nCases++
		want := index.RowOf(&c, clerkNameCached(clerks, names, c.Assignee))
		var stored index.Row
		rv := rows.Get(k)
		if rv == nil {
			return fmt.Errorf("case %s has no row", k)
		}
		if err := stored.UnmarshalBinary(rv); err != nil {
			return fmt.Errorf("row of case %s: %w", k, err)
		}
		if !want.Equal(stored) {
			return fmt.Errorf("stored row of case %s differs from the case", k)
		}
		if mem, ok := db.idx.Get(c.ID); !ok {
			return fmt.Errorf("case %s is missing from the in-memory index", k)
		} else if !want.Equal(mem) {
			return fmt.Errorf("in-memory row of case %s differs from the case", k)
		}
		if id := fileno.Get([]byte(c.FileNumber)); string(id) != c.ID {
			// Another case with the same number is a duplicate of the service's,
			// which a pull keeps (the first one found by the number).
			if !sameFileNumber(cases, id, c.FileNumber) {
				return fmt.Errorf("file number %s of case %s maps to %q", c.FileNumber, k, id)
			}
			nDuplicates++
		}
		for key, f := range openFollowUps(&c) {
			b, err := json.Marshal(f)
			if err != nil {
				return err
			}
			if got := followups.Get([]byte(key)); !bytes.Equal(got, b) {
				return fmt.Errorf("open follow-up %s of case %s is not indexed as it is", f.ID, k)
			}
			nFollowUps++
		}
		if prefix, year, seq, device, ok := parseFileNumber(c.FileNumber); ok && device == db.device {
			if readU64(counters.Get(counterKey(prefix, year, device))) < seq {
				return fmt.Errorf("counter of %s-%d lags behind file number %s", prefix, year, c.FileNumber)
			}
		}
		entries, err := readHistory(tx.Bucket(bucketHistory), c.ID)
		if err == nil {
			err = model.VerifyHistory(entries, c.HistoryHead)
		}
		if err != nil {
			return fmt.Errorf("case %s: %w", k, err)
		}
		nHistory += len(entries)
		for _, e := range entries {
			if e.Mutation != "" {
				mutations[e.Mutation] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, b := range []struct {
		name string
		got  int
		want int
	}{
		{"rows", rows.Stats().KeyN, nCases},
		{"fileno", fileno.Stats().KeyN, nCases - nDuplicates},
		{"followups", followups.Stats().KeyN, nFollowUps},
		{"history", tx.Bucket(bucketHistory).Stats().KeyN, nHistory},
		{"in-memory index", db.idx.Len(), nCases},
	} {
		if b.got != b.want {
			return fmt.Errorf("%s holds %d entries, the cases imply %d", b.name, b.got, b.want)
		}
	}
	if err := tx.Bucket(bucketNotAccepted).ForEach(func(k, _ []byte) error {
		if cases.Get(k) == nil {
			return fmt.Errorf("case %s is marked not accepted but is not here", k)
		}
		return nil
	}); err != nil {
		return err
	}
	return db.checkOutbox(tx, mutations)
}

// checkOutbox verifies that outbox entries decode, match their keys, belong to cases
// whose history records them (both are written in one transaction), and that the
// counter is not behind them.
func (db *DB) checkOutbox(tx *bolt.Tx, inHistory map[string]bool) error {
	last := readU64(tx.Bucket(bucketMeta).Get(metaOutboxSeq))
	seen := readU64(tx.Bucket(bucketSync).Get(syncSeen))
	cases := tx.Bucket(bucketCases)
	return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		seq := readU64(k)
		var m model.Mutation
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("outbox entry %d does not decode: %w", seq, err)
		}
		if m.Seq != seq || m.Device != db.deviceID || m.ID != fmt.Sprintf("%s:%d", db.deviceID, seq) {
			return fmt.Errorf("outbox entry %d is %s (seq %d, device %s)", seq, m.ID, m.Seq, m.Device)
		}
		if seq > last {
			return fmt.Errorf("outbox entry %d is beyond the counter %d", seq, last)
		}
		if cases.Get([]byte(m.CaseID)) == nil {
			return fmt.Errorf("outbox entry %d names missing case %s", seq, m.CaseID)
		}
		// A pending mutation that rebasing could not re-apply to the server's newer
		// case is in no history until the server decides (the unapplied bucket says
		// so), and one the server consumed already is in the server's history or in
		// none (rejected), whatever the answer to the push will say.
		if !inHistory[m.ID] && tx.Bucket(bucketUnapplied).Get(k) == nil && seq > seen {
			return fmt.Errorf("outbox entry %d (%s) is in no history", seq, m.ID)
		}
		return nil
	})
}

// sameFileNumber reports whether the case id holds fileNumber too.
func sameFileNumber(cases *bolt.Bucket, id []byte, fileNumber string) bool {
	v := cases.Get(id)
	if v == nil {
		return false
	}
	var c struct {
		FileNumber string `json:"fileNumber"`
	}
	return json.Unmarshal(v, &c) == nil && c.FileNumber == fileNumber
}
