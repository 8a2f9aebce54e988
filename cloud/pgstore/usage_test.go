package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

// TestMigrationCountsStoredBytes: a database at schema version 1 (before quotas)
// with chunks gets each tenant's stored bytes counted by the migration.
func TestMigrationCountsStoredBytes(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, sql := range []string{
		`CREATE TABLE schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`,
		migrations[0],
		`INSERT INTO schema_version (version) VALUES (1)`,
		`INSERT INTO chunks (tenant, sha, idx, data) VALUES
			('a', 'x', 0, decode(repeat('ab', 3000), 'hex')), ('a', 'x', 1, '\x0102'),
			('a', 'y', 2147483647, '\x7b7d'), ('b', 'x', 0, '\x01')`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, url)
	storagetest.CheckStoredBytes(t, s, map[string]int64{"a": 3004, "b": 1, "c": 0})
	// The counter goes on from there.
	if err := s.Update(ctx, "b", func(tx cloud.TenantTx) error { return tx.DeleteChunk("x", 0) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "c", func(tx cloud.TenantTx) error { return tx.PutChunk("x", 0, make([]byte, 9)) }); err != nil {
		t.Fatal(err)
	}
	storagetest.CheckStoredBytes(t, s, map[string]int64{"b": 0, "c": 9})
}
