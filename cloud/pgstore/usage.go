package pgstore

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud"
)

// DeleteChunk removes the slot and takes its length off the tenant's stored bytes
// in one statement. octet_length of an out-of-line value reads its TOAST pointer,
// not the chunk.
func (t *tenantTx) DeleteChunk(sha string, index int) error {
	t.tx.Later(fmt.Sprintf("delete chunk %s/%d", sha, index), `WITH d AS (
	DELETE FROM chunks WHERE tenant = $1 AND sha = $2 AND idx = $3 RETURNING octet_length(data) AS n
)
UPDATE tenant_usage SET stored_bytes = stored_bytes - (SELECT sum(n) FROM d)
WHERE tenant = $1 AND EXISTS (SELECT 1 FROM d)`, t.tenant, sha, index)
	return nil
}

func (t *tenantTx) StoredChunks(sha string) ([]int, error) {
	return queryAll(t.ctx, t.tx, "stored chunks of "+sha, pgx.RowTo[int], `SELECT idx FROM chunks WHERE tenant = $1 AND sha = $2 ORDER BY idx`, t.tenant, sha)
}

func (t *tenantTx) BlobsWithChunk(index int) ([]string, error) {
	return queryAll(t.ctx, t.tx, fmt.Sprintf("blobs with chunk %d", index), pgx.RowTo[string], `SELECT sha FROM chunks WHERE tenant = $1 AND idx = $2 ORDER BY sha`, t.tenant, index)
}

func (t *tenantTx) StoredBytes() (int64, error) {
	var n int64
	err := t.tx.QueryRow(t.ctx, `SELECT coalesce((SELECT stored_bytes FROM tenant_usage WHERE tenant = $1), 0)`, t.tenant).Scan(&n)
	return n, mapErr("stored bytes", err)
}

func (t *tenantTx) Quota() (cloud.Quota, error) {
	q, err := queryJSON[cloud.Quota](t.ctx, t.tx, "quota of "+t.tenant, `SELECT doc FROM tenant_quotas WHERE tenant = $1`, t.tenant)
	if errors.Is(err, cloud.ErrNotFound) {
		return cloud.Quota{}, nil // none set: the service's defaults
	}
	return q, err
}

func (t *tenantTx) SetQuota(q cloud.Quota) error {
	doc, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("pgstore: set quota of %s: encode: %w", t.tenant, err)
	}
	t.tx.Later("set quota", `INSERT INTO tenant_quotas (tenant, doc) VALUES ($1, $2)
ON CONFLICT (tenant) DO UPDATE SET doc = EXCLUDED.doc`, t.tenant, string(doc))
	return nil
}
