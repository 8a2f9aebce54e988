package pgstore

import (
	"context"
	"testing"

	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

// TestCommentGrowth is the regression test of issue 11, finding 1, on PostgreSQL:
// 1,000 comments of 1 KB on one case added about 500 MB (every log entry held the
// whole case). The size is that of every table of the test's schema with its
// indexes and TOAST data, dead rows included (autovacuum may not have run).
func TestCommentGrowth(t *testing.T) {
	s := open(t, pgtest.URL(t))
	size := func() int64 {
		var n int64
		err := s.pool.QueryRow(context.Background(), `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	grew := storagetest.CommentGrowth(t, s, size)
	t.Logf("1,000 comments of 1 KB on one case: the tables grew by %.2f MB", float64(grew)/(1<<20))
}
