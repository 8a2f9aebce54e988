package store

import (
	"errors"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// want records the case's attachments that are not on this PC yet.
func (db *DB) want(b *bolt.Bucket, c *model.Case) error {
	for _, a := range c.Files() {
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
	return db.updateBucket(bucketWanted, "place blob "+sha, func(b *bolt.Bucket) error {
		return b.Delete([]byte(sha))
	})
}
