// Package boltstore is the central service's embedded storage: one bbolt file holding
// the registry and every tenant's cases, change log, conflicts and blob chunks.
// keys.go documents the layout.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/ozgcloud/desktop/cloud"
)

// ErrLocked reports a database file held open by another process.
var ErrLocked = errors.New("boltstore: database is in use by another process")

// lockTimeout is how long Open waits for another process to release the file.
const lockTimeout = time.Second

// Store is a cloud.Storage in one bbolt file.
type Store struct {
	db *bolt.DB
	// writer admits one read-write transaction at a time before bbolt's own lock,
	// so a caller waiting for it can give up when its context ends.
	writer chan struct{}
}

var _ cloud.Storage = (*Store)(nil)

// Open opens or creates the database at path. It fails with ErrLocked when another
// process has it open.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: lockTimeout,
		// The freelist is rebuilt on open instead of written on every commit: commits
		// of the change log are frequent and small.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		reg, err := tx.CreateBucketIfNotExists(bucketRegistry)
		if err != nil {
			return err
		}
		for _, name := range registryBuckets {
			if _, err := reg.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if _, err = tx.CreateBucketIfNotExists(bucketTenants); err != nil {
			return err
		}
		return countStoredBytes(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: create buckets in %s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return &Store{db: db, writer: make(chan struct{}, 1)}, nil
}

// Size returns the bytes the database needs: its high-water mark, pages in use and
// free ones within it (the file itself grows in larger steps ahead of it).
func (s *Store) Size() (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n, err
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Update runs fn in one read-write transaction bound to tenant; the tenant's bucket
// is made on first use. bbolt has one writer, so updates of all tenants are
// serialized, which the contract allows.
func (s *Store) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if tenant == "" {
		return fmt.Errorf("boltstore: update: %w: empty tenant", cloud.ErrNotFound)
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketTenants).CreateBucketIfNotExists([]byte(tenant))
		if err != nil {
			return fmt.Errorf("boltstore: tenant bucket: %w", err)
		}
		for _, name := range tenantBuckets {
			if b.Bucket(name) == nil {
				nb, err := b.CreateBucket(name)
				if err != nil {
					return fmt.Errorf("boltstore: tenant bucket %s: %w", name, err)
				}
				if bytes.Equal(name, tMeta) {
					// A new tenant: its file-number index is complete from the start.
					if err := nb.Put(metaFileNoIndex, []byte("1")); err != nil {
						return err
					}
				}
			}
		}
		return fn(newTenantTx(tenant, b, tx.Bucket(bucketRegistry).Bucket(regVerify)))
	})
}

// View runs fn in a read-only snapshot of tenant. A tenant without data reads as
// empty.
func (s *Store) View(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		var b *bolt.Bucket
		if tenant != "" {
			b = tx.Bucket(bucketTenants).Bucket([]byte(tenant))
		}
		return fn(newTenantTx(tenant, b, nil))
	})
}

// Registry runs fn in one read-write transaction over the registry.
func (s *Store) Registry(ctx context.Context, fn func(cloud.RegistryTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		return fn(&registryTx{tx: tx, b: tx.Bucket(bucketRegistry)})
	})
}

func (s *Store) lock(ctx context.Context) error {
	select {
	case s.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("boltstore: waiting for the writer: %w", ctx.Err())
	}
}

func (s *Store) unlock() { <-s.writer }

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// clone copies a value out of bbolt's mmap, which is valid only during the
// transaction.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// RegistryView runs fn in a read-only transaction over the registry (see
// cloud.RegistryViewer): token lookups on every request then take no write lock.
func (s *Store) RegistryView(ctx context.Context, fn func(cloud.RegistryTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		return fn(&registryTx{tx: tx, b: tx.Bucket(bucketRegistry)})
	})
}
