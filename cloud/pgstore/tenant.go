package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// tenantTx is bound to one tenant: every statement passes t.tenant as $1 and every
// WHERE clause names it. Writes whose only result is success are queued (Later) and
// travel with the next read or the COMMIT; a failure among them fails that read or
// the commit, and so the whole transaction.
type tenantTx struct {
	ctx    context.Context
	tx     querier
	tenant string

	// The tenant's change counter as of this transaction (Updates hold the tenant's
	// lock, Views see one snapshot, so it cannot move under us), and the marks of
	// the changes this transaction appends.
	last     uint64
	haveLast bool
	marks    cloud.ChangeMarks
	epoch    string // AppendEpoch's
	fences
}

func newTenantTx(ctx context.Context, tx querier, tenant string) *tenantTx {
	t := &tenantTx{ctx: ctx, tx: tx, tenant: tenant}
	t.fences = fences{t}
	return t
}

var (
	_ cloud.TenantTx      = (*tenantTx)(nil)
	_ cloud.ChunkReplacer = (*tenantTx)(nil)
)

func (t *tenantTx) Tenant() string { return t.tenant }

// seqArg refuses sequence numbers that do not fit PostgreSQL's bigint instead of
// letting them wrap negative.
func seqArg(seq uint64) (int64, error) {
	if seq > math.MaxInt64 {
		return 0, fmt.Errorf("pgstore: sequence number %d out of range", seq)
	}
	return int64(seq), nil
}

// CaseHead reads the cases table, which holds heads since schema version 2.
func (t *tenantTx) CaseHead(id string) (model.Case, error) {
	return queryJSON[model.Case](t.ctx, t.tx, "case "+id, `SELECT doc FROM cases WHERE tenant = $1 AND id = $2`, t.tenant, id)
}

func (t *tenantTx) PutCaseHead(c model.Case) error {
	if err := cloud.CheckHead(c); err != nil {
		return fmt.Errorf("pgstore: put case: %w", err)
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("pgstore: put case %s: encode: %w", c.ID, err)
	}
	t.tx.Later("put case "+c.ID, `INSERT INTO cases (tenant, id, doc) VALUES ($1, $2, $3)
ON CONFLICT (tenant, id) DO UPDATE SET doc = EXCLUDED.doc`, t.tenant, c.ID, string(doc))
	return nil
}

func (t *tenantTx) History(caseID string) ([]model.HistoryEntry, error) {
	return queryAll(t.ctx, t.tx, "history of "+caseID, rowTo(scanJSON[model.HistoryEntry]),
		`SELECT doc FROM history WHERE tenant = $1 AND case_id = $2 ORDER BY seq`, t.tenant, caseID)
}

// AppendHistory inserts all entries in one statement; an existing seq is left as it
// is (the contract says a re-append carries the same bytes).
func (t *tenantTx) AppendHistory(caseID string, entries []model.HistoryEntry) error {
	if len(entries) == 0 {
		return nil
	}
	seqs := make([]int64, len(entries))
	docs := make([]string, len(entries))
	for i, e := range entries {
		var err error
		if seqs[i], err = seqArg(e.Seq); err != nil {
			return fmt.Errorf("pgstore: append history of %s: %w", caseID, err)
		}
		doc, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("pgstore: append history of %s: encode: %w", caseID, err)
		}
		docs[i] = string(doc)
	}
	t.tx.Later("append history of "+caseID, `INSERT INTO history (tenant, case_id, seq, doc)
SELECT $1, $2, s, d::json FROM unnest($3::bigint[], $4::text[]) AS x(s, d)
ON CONFLICT (tenant, case_id, seq) DO NOTHING`, t.tenant, caseID, seqs, docs)
	return nil
}

// AppendChange stores the change with its seq in the JSON, so EachChange can serve
// the bytes as they are. The tenant's lock is held, so the counter read once per
// transaction stays true, and each further change costs one statement.
func (t *tenantTx) AppendChange(ch wire.Change) (uint64, error) {
	last, err := t.LastChange()
	if err != nil {
		return 0, err
	}
	seq, mark := t.marks.Next(&ch, last)
	s, err := seqArg(seq)
	if err != nil {
		return 0, err
	}
	m, err := seqArg(mark)
	if err != nil {
		return 0, err
	}
	doc, err := json.Marshal(ch)
	if err != nil {
		return 0, fmt.Errorf("pgstore: append change of %s: encode: %w", ch.CaseID, err)
	}
	// Queued: if it fails, the transaction fails with it, so the counter copy
	// cannot outlive a change that was not stored.
	t.tx.Later("append change of "+ch.CaseID, `WITH n AS (
	INSERT INTO change_counters (tenant, last) VALUES ($1, $2)
	ON CONFLICT (tenant) DO UPDATE SET last = EXCLUDED.last
)
INSERT INTO changes (tenant, seq, tx, case_id, doc, epoch) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.tenant, s, m, ch.CaseID, string(doc), t.epoch)
	t.last = seq
	return seq, nil
}

// EachChange streams the stored JSON row by row (JSON points into pgx's read buffer,
// valid until the next row). The tenant's counter comes along in the same statement
// (the service asks for LastChange right after a page), so a pull costs one round
// trip less. Stopping early reads the rest of the answer off the connection, so
// callers ask for little more than they take.
func (t *tenantTx) EachChange(after uint64, limit int, fn func(cloud.RawChange) (bool, error)) error {
	if limit <= 0 || after > math.MaxInt64 {
		return nil // no seq is that large: nothing comes after it
	}
	rows, err := t.tx.Query(t.ctx, `SELECT n.last, c.seq, c.tx, c.case_id, c.epoch, c.doc
FROM (SELECT coalesce((SELECT last FROM change_counters WHERE tenant = $1), 0) AS last) n
LEFT JOIN LATERAL (SELECT seq, tx, case_id, epoch, doc FROM changes WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3) c ON true
ORDER BY c.seq`, t.tenant, int64(after), limit)
	if err != nil {
		return mapErr("changes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var last int64
		var seq, mark *int64
		var caseID, epoch *string
		if err := rows.Scan(&last, &seq, &mark, &caseID, &epoch, nil); err != nil {
			return mapErr("changes", err)
		}
		if !t.haveLast {
			t.last, t.haveLast = uint64(last), true
		}
		if seq == nil {
			continue // no change after the cursor: the one row only carries the counter
		}
		more, err := fn(cloud.RawChange{Seq: uint64(*seq), Tx: uint64(*mark), CaseID: *caseID, Epoch: *epoch, JSON: rows.RawValues()[5]})
		if err != nil || !more {
			return err
		}
	}
	return mapErr("changes", rows.Err())
}

func (t *tenantTx) CaseChanges(caseID string) ([]wire.Change, error) {
	return queryAll(t.ctx, t.tx, "changes of "+caseID, rowTo(scanJSON[wire.Change]), `SELECT doc FROM changes WHERE tenant = $1 AND case_id = $2 ORDER BY seq`, t.tenant, caseID)
}

// LastChange reads the counter once per transaction; AppendChange keeps the copy.
func (t *tenantTx) LastChange() (uint64, error) {
	if t.haveLast {
		return t.last, nil
	}
	var last int64
	err := t.tx.QueryRow(t.ctx, `SELECT coalesce((SELECT last FROM change_counters WHERE tenant = $1), 0)`, t.tenant).Scan(&last)
	if err != nil {
		return 0, mapErr("last change", err)
	}
	t.last, t.haveLast = uint64(last), true
	return t.last, nil
}

func (t *tenantTx) DeviceSeq(deviceID string) (uint64, error) {
	var seq int64
	err := t.tx.QueryRow(t.ctx, `SELECT coalesce((SELECT seq FROM device_seqs WHERE tenant = $1 AND device_id = $2), 0)`,
		t.tenant, deviceID).Scan(&seq)
	if err != nil {
		return 0, mapErr("device seq of "+deviceID, err)
	}
	return uint64(seq), nil
}

func (t *tenantTx) SetDeviceSeq(deviceID string, seq uint64) error {
	s, err := seqArg(seq)
	if err != nil {
		return err
	}
	t.tx.Later("set device seq of "+deviceID, `INSERT INTO device_seqs (tenant, device_id, seq) VALUES ($1, $2, $3)
ON CONFLICT (tenant, device_id) DO UPDATE SET seq = EXCLUDED.seq`, t.tenant, deviceID, s)
	return nil
}

func (t *tenantTx) PutConflict(c wire.Conflict) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("pgstore: put conflict %s: encode: %w", c.ID, err)
	}
	t.tx.Later("put conflict "+c.ID, `INSERT INTO conflicts (tenant, id, case_id, doc) VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant, id) DO UPDATE SET case_id = EXCLUDED.case_id, doc = EXCLUDED.doc`, t.tenant, c.ID, c.CaseID, string(doc))
	return nil
}

func (t *tenantTx) Conflict(id string) (wire.Conflict, error) {
	return queryJSON[wire.Conflict](t.ctx, t.tx, "conflict "+id, `SELECT doc FROM conflicts WHERE tenant = $1 AND id = $2`, t.tenant, id)
}

func (t *tenantTx) Conflicts(caseID string) ([]wire.Conflict, error) {
	scan := rowTo(scanJSON[wire.Conflict])
	if caseID == "" {
		return queryAll(t.ctx, t.tx, "conflicts", scan, `SELECT doc FROM conflicts WHERE tenant = $1 ORDER BY id`, t.tenant)
	}
	return queryAll(t.ctx, t.tx, "conflicts", scan, `SELECT doc FROM conflicts WHERE tenant = $1 AND case_id = $2 ORDER BY id`, t.tenant, caseID)
}

func (t *tenantTx) IntakeCase(transactionID string) (string, error) {
	var id string
	err := t.tx.QueryRow(t.ctx, `SELECT case_id FROM intakes WHERE tenant = $1 AND transaction_id = $2`,
		t.tenant, transactionID).Scan(&id)
	return id, mapErr("intake "+transactionID, err)
}

func (t *tenantTx) PutIntake(transactionID, caseID string) error {
	t.tx.Later("put intake "+transactionID, `INSERT INTO intakes (tenant, transaction_id, case_id) VALUES ($1, $2, $3)
ON CONFLICT (tenant, transaction_id) DO UPDATE SET case_id = EXCLUDED.case_id`, t.tenant, transactionID, caseID)
	return nil
}

// PutChunk rewrites a stored chunk only when the bytes differ, so a resumed upload
// costs a comparison, not a 1 MiB write. The tenant's stored bytes move in the same
// statement by the difference in length, and only when the row was written.
func (t *tenantTx) PutChunk(sha string, index int, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	_, err := t.tx.Exec(t.ctx, `WITH old AS (
	SELECT octet_length(data) AS n FROM chunks WHERE tenant = $1 AND sha = $2 AND idx = $3
), put AS (
	INSERT INTO chunks (tenant, sha, idx, data) VALUES ($1, $2, $3, $4)
	ON CONFLICT (tenant, sha, idx) DO UPDATE SET data = EXCLUDED.data WHERE chunks.data <> EXCLUDED.data
	RETURNING octet_length(data) AS n
)
INSERT INTO tenant_usage (tenant, stored_bytes)
SELECT $1, put.n - coalesce((SELECT n FROM old), 0) FROM put
ON CONFLICT (tenant) DO UPDATE SET stored_bytes = tenant_usage.stored_bytes + EXCLUDED.stored_bytes`,
		t.tenant, sha, index, data)
	return mapErr(fmt.Sprintf("put chunk %s/%d", sha, index), err)
}

// ReplaceChunk overwrites a chunk slot (cloud.ChunkReplacer). PutChunk already
// rewrites differing bytes; this says so in the type.
func (t *tenantTx) ReplaceChunk(sha string, index int, data []byte) error {
	return t.PutChunk(sha, index, data)
}

func (t *tenantTx) Chunk(sha string, index int) ([]byte, error) {
	var data []byte
	err := t.tx.QueryRow(t.ctx, `SELECT data FROM chunks WHERE tenant = $1 AND sha = $2 AND idx = $3`,
		t.tenant, sha, index).Scan(&data)
	if err != nil {
		return nil, mapErr(fmt.Sprintf("chunk %s/%d", sha, index), err)
	}
	return data, nil
}

func (t *tenantTx) HasChunk(sha string, index int) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(t.ctx, `SELECT EXISTS (SELECT 1 FROM chunks WHERE tenant = $1 AND sha = $2 AND idx = $3)`,
		t.tenant, sha, index).Scan(&ok)
	return ok, mapErr(fmt.Sprintf("has chunk %s/%d", sha, index), err)
}

func (t *tenantTx) PutBlob(sha string, size int64, chunks int) error {
	t.tx.Later("put blob "+sha, `INSERT INTO blobs (tenant, sha, size, chunks) VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant, sha) DO UPDATE SET size = EXCLUDED.size, chunks = EXCLUDED.chunks`, t.tenant, sha, size, chunks)
	return nil
}

func (t *tenantTx) Blob(sha string) (int64, int, error) {
	var size int64
	var chunks int
	err := t.tx.QueryRow(t.ctx, `SELECT size, chunks FROM blobs WHERE tenant = $1 AND sha = $2`, t.tenant, sha).Scan(&size, &chunks)
	if err != nil {
		return 0, 0, mapErr("blob "+sha, err)
	}
	return size, chunks, nil
}

// PutVerification stamps the transaction's tenant and never takes over a code of
// another tenant: the upsert updates only a row of the same tenant, so no row comes
// back when the code is someone else's. ON CONFLICT also waits for a concurrent
// insert of the same code by another tenant instead of failing the transaction.
func (t *tenantTx) PutVerification(v cloud.Verification) error {
	return upsertOwn(t.ctx, t.tx, "put verification "+v.Code, `INSERT INTO verifications (code, tenant, file_number, signed_at, hash)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET file_number = EXCLUDED.file_number, signed_at = EXCLUDED.signed_at, hash = EXCLUDED.hash
WHERE verifications.tenant = EXCLUDED.tenant
RETURNING code`, v.Code, t.tenant, v.FileNumber, v.SignedAt, v.Hash)
}

// queryAll runs sql and turns every row into a T with scan; errors name what.
func queryAll[T any](ctx context.Context, q querier, what string, scan pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(what, err)
	}
	out, err := pgx.CollectRows(rows, scan)
	return out, mapErr(what, err)
}

// queryJSON decodes the json column of the one row sql selects (cloud.ErrNotFound
// when there is none).
func queryJSON[T any](ctx context.Context, q querier, what, sql string, args ...any) (T, error) {
	v, err := scanJSON[T](q.QueryRow(ctx, sql, args...))
	return v, mapErr(what, err)
}

// scanJSON decodes a row of one json column.
func scanJSON[T any](row pgx.Row) (T, error) {
	var v T
	var doc []byte
	if err := row.Scan(&doc); err != nil {
		return v, err
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return v, fmt.Errorf("decode: %w", err)
	}
	return v, nil
}

// rowTo adapts the scan of one row for pgx.CollectRows.
func rowTo[T any](scan func(pgx.Row) (T, error)) pgx.RowToFunc[T] {
	return func(row pgx.CollectableRow) (T, error) { return scan(row) }
}
