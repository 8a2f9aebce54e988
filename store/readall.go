package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

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
