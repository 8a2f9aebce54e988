package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud/storagetest"
)

// TestMigrateFormatOne: a file written by a server before sync protocol version 2
// (whole cases under "cases", log entries u64(tx) ++ JSON with the whole case under
// "changes") opens with the same data in the current layout, moved in several
// transactions.
func TestMigrateFormatOne(t *testing.T) {
	defer func(n int) { migrateBatch = n }(migrateBatch)
	migrateBatch = 1
	f := storagetest.NewFormatOne()
	path := filepath.Join(t.TempDir(), "cloud.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		tb, err := tx.CreateBucketIfNotExists(bucketTenants)
		if err != nil {
			return err
		}
		b, err := tb.CreateBucket([]byte(f.Tenant))
		if err != nil {
			return err
		}
		for _, name := range [][]byte{tMeta, v1Cases, tHistory, v1Changes, tDevSeq, tConflicts, tCaseConflicts, tIntakes, tChunks, tBlobs} {
			if _, err := b.CreateBucket(name); err != nil {
				return err
			}
		}
		for _, c := range f.Cases {
			v, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if err := b.Bucket(v1Cases).Put([]byte(c.ID), v); err != nil {
				return err
			}
		}
		for _, ch := range f.Changes {
			v := binary.BigEndian.AppendUint64(nil, ch.Tx)
			if err := b.Bucket(v1Changes).Put(u64(ch.Seq), append(v, ch.JSON...)); err != nil {
				return err
			}
		}
		return b.Bucket(tMeta).Put(metaLastChange, u64(uint64(len(f.Changes))))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTenants).Bucket([]byte(f.Tenant))
		if b.Bucket(v1Cases) != nil || b.Bucket(v1Changes) != nil {
			t.Error("the buckets of format 1 are still there")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	storagetest.CheckFormatOne(t, s, f)
}

// FuzzParseLog: a stored log value of any bytes (a damaged file) gives an error or
// its parts, never a panic; logValue's output parses back to what it was made of.
func FuzzParseLog(f *testing.F) {
	f.Add(uint64(7), "case-1", []byte(`{"seq":7}`))
	f.Add(uint64(0), "", []byte{})
	f.Add(uint64(1<<40), "ä/ö", []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, tx uint64, caseID string, data []byte) {
		if len(caseID) <= maxCaseID {
			rc, err := parseLog(3, logValue(tx, caseID, data))
			if err != nil || rc.Tx != tx || rc.CaseID != caseID || string(rc.JSON) != string(data) || rc.Seq != 3 {
				t.Fatalf("round trip: %+v, %v", rc, err)
			}
		}
		_, _ = parseLog(3, data) // any bytes: no panic
	})
}
