package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// view returns what read finds in one read transaction, and with an error of read
// that error wrapped with what names the read ("store: " + what).
func view[T any](db *DB, what string, read func(*bolt.Tx) (T, error)) (T, error) {
	var v T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		v, err = read(tx)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, nil
}

// readAll decodes every value of the bucket named name as a T, in key order. what
// names one value in the error of a value that does not decode.
func readAll[T any](db *DB, name []byte, what string) ([]T, error) {
	var out []T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(k, v []byte) error {
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return fmt.Errorf("decode %s %s: %w", what, k, err)
			}
			out = append(out, x)
			return nil
		})
	})
	return out, err
}
