package pgstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

// TestMigrateFormatOne: a schema of version 1 with data as servers before sync
// protocol version 2 wrote it (whole cases, log entries with the whole case and one
// mutation ID) is migrated by Open and holds the same data in the current form.
func TestMigrateFormatOne(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	f := storagetest.NewFormatOne()
	type stmt struct {
		sql  string
		args []any
	}
	stmts := []stmt{
		{`CREATE TABLE schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`, nil},
		{migrations[0], nil},
		{`INSERT INTO schema_version (version) VALUES (1)`, nil},
		{`INSERT INTO change_counters (tenant, last) VALUES ($1, $2)`, []any{f.Tenant, len(f.Changes)}},
	}
	for _, c := range f.Cases {
		doc, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, stmt{`INSERT INTO cases (tenant, id, doc) VALUES ($1, $2, $3)`, []any{f.Tenant, c.ID, string(doc)}})
	}
	for _, ch := range f.Changes {
		stmts = append(stmts, stmt{`INSERT INTO changes (tenant, seq, tx, case_id, doc) VALUES ($1, $2, $3, $4, $5)`, []any{f.Tenant, int64(ch.Seq), int64(ch.Tx), ch.CaseID, string(ch.JSON)}})
	}
	for _, st := range stmts {
		if _, err := conn.Exec(ctx, st.sql, st.args...); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
	}
	conn.Close(ctx)
	storagetest.CheckFormatOne(t, open(t, url), f)
}
