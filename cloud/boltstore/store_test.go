package boltstore

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

func open(t *testing.T) cloud.Storage {
	s, err := Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storagetest.Run(t, open) }

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's flock belongs to the open file, so a second Open in this process
	// stands in for another process.
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
}

// TestStoredBytesCountedAtOpen: a database from before the stored-bytes counter gets
// it counted when it is opened, so quotas hold for what was already there.
func TestStoredBytesCountedAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sha := strings.Repeat("ab", 32)
	for tenant, n := range map[string]int{"a": 3000, "b": 70} {
		err := s.Update(ctx, tenant, func(tx cloud.TenantTx) error {
			if err := tx.PutChunk(sha, 0, make([]byte, n)); err != nil {
				return err
			}
			return tx.PutChunk(sha, math.MaxInt32, []byte("{}"))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// What an older version left: no counter.
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, tenant := range []string{"a", "b"} {
			if err := tx.Bucket(bucketTenants).Bucket([]byte(tenant)).Bucket(tMeta).Delete(metaStoredBytes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storagetest.CheckStoredBytes(t, s, map[string]int64{"a": 3002, "b": 72, "never": 0})
}
