package pgstore

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, url string) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clear deletes every row, so that one migrated schema serves many subtests:
// creating the tables takes most of a second on this machine, deleting a few rows
// milliseconds.
func clear(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.pool.Query(ctx, `SELECT table_name FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name <> 'schema_version'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, n := range tables {
		if _, err := s.pool.Exec(ctx, `DELETE FROM `+n); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConformance(t *testing.T) {
	// Durability is not what the suite checks; without the WAL flush per commit the
	// suite runs several times faster on slow disks.
	url := pgtest.URL(t) + "&synchronous_commit=off"
	storagetest.Run(t, func(t *testing.T) cloud.Storage {
		s := open(t, url)
		clear(t, s)
		return s
	})
}
