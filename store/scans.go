package store

import (
	"encoding/json"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// The scans bucket keeps what this PC's virus scanner said about each blob. It is
// local: every PC scans what reaches it with its own scanner and signatures, so a
// verdict of another PC (older signatures, or no scanner at all) never clears a
// file here.

// SetScanVerdict records the verdict on the blob sha.
func (db *DB) SetScanVerdict(sha string, v model.ScanVerdict) error {
	if !validSHA(sha) {
		return fmt.Errorf("store: scan verdict of %q: %w", sha, ErrNotFound)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: scan verdict of %s: %w", sha, err)
	}
	return db.updateBucket(bucketScans, "scan verdict of "+sha, func(b *bolt.Bucket) error {
		return b.Put([]byte(sha), raw)
	})
}

// ScanVerdicts returns the verdicts recorded on the blobs shas; a blob never
// scanned is not in the map.
func (db *DB) ScanVerdicts(shas ...string) (map[string]model.ScanVerdict, error) {
	out := make(map[string]model.ScanVerdict, len(shas))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketScans)
		for _, sha := range shas {
			raw := b.Get([]byte(sha))
			if raw == nil {
				continue
			}
			var v model.ScanVerdict
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("decode scan verdict %s: %w", sha, err)
			}
			out[sha] = v
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: scan verdicts: %w", err)
	}
	return out, nil
}

// FlaggedScans returns the verdicts that are not clean (findings and failed
// scans), by blob.
func (db *DB) FlaggedScans() (map[string]model.ScanVerdict, error) {
	out := map[string]model.ScanVerdict{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketScans).ForEach(func(k, raw []byte) error {
			var v model.ScanVerdict
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("decode scan verdict %s: %w", k, err)
			}
			if v.State != model.ScanClean {
				out[string(k)] = v
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: flagged scans: %w", err)
	}
	return out, nil
}

// UnscannedBlobs returns the blobs on this PC that have no verdict yet or whose
// last scan failed (model.ScanUnchecked); with tooLarge false, not those that
// failed for their size.
func (db *DB) UnscannedBlobs(tooLarge bool) ([]string, error) {
	var shas []string
	dirs, err := os.ReadDir(db.blobDir())
	if err != nil {
		return nil, fmt.Errorf("store: unscanned blobs: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue // tmp
		}
		files, err := os.ReadDir(db.blobDir() + string(os.PathSeparator) + d.Name())
		if err != nil {
			return nil, fmt.Errorf("store: unscanned blobs: %w", err)
		}
		for _, f := range files {
			if validSHA(f.Name()) && f.Type().IsRegular() {
				shas = append(shas, f.Name())
			}
		}
	}
	got, err := db.ScanVerdicts(shas...)
	if err != nil {
		return nil, err
	}
	out := shas[:0]
	for _, sha := range shas {
		v, ok := got[sha]
		if !ok || (v.State == model.ScanUnchecked && (tooLarge || !v.TooLarge)) {
			out = append(out, sha)
		}
	}
	return out, nil
}
