package boltstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/storagetest"
	"github.com/ozgcloud/desktop/model"
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

// TestFileNumbersIndexedAtOpen: a database from before the file-number index gets
// it built when it is opened (in batches), so the service refuses a create with a
// number an older case holds and lists duplicates stored before.
func TestFileNumbersIndexedAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	defer func(b int) { migrateBatch = b }(migrateBatch)
	migrateBatch = 3
	n := 3*migrateBatch + 2
	err = s.Update(ctx, "a", func(tx cloud.TenantTx) error {
		for i := range n {
			fn := fmt.Sprintf("BAU-2026-%04d-AB", i)
			if i == n-1 {
				fn = "BAU-2026-0000-AB" // a duplicate of the first
			}
			c := model.Case{ID: fmt.Sprintf("case-%05d", i), Tenant: "a", FileNumber: fn}
			if err := tx.PutCaseHead(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// What an older version left: no index.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTenants).Bucket([]byte("a"))
		for _, name := range [][]byte{tFileNo, tCaseFileNo} {
			if err := b.DeleteBucket(name); err != nil {
				return err
			}
		}
		return b.Bucket(tMeta).Delete(metaFileNoIndex)
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
	err = s.View(ctx, "a", func(tx cloud.TenantTx) error {
		ids, err := tx.CasesByFileNumber(fmt.Sprintf("BAU-2026-%04d-AB", n-2))
		if err != nil || len(ids) != 1 || ids[0] != fmt.Sprintf("case-%05d", n-2) {
			t.Errorf("the last case of the last batch: %q, %v", ids, err)
		}
		dups, err := tx.FileNumberDuplicates()
		if err != nil || len(dups) != 1 || dups[0].FileNumber != "BAU-2026-0000-AB" || len(dups[0].Cases) != 2 {
			t.Errorf("duplicates %+v, %v", dups, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
