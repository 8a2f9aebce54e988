package pgstore

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud"
)

// fences implements cloud.Fences and cloud.FileNumbers for a tenantTx, which
// embeds it. The file numbers come from an index on the case heads' documents
// (schema version 5), so PutCaseHead keeps them without a statement of its own.
type fences struct{ t *tenantTx }

func (f fences) DeviceHolder(deviceID string) (uint64, string, error) {
	t := f.t
	var seq int64
	var holder string
	err := t.tx.QueryRow(t.ctx, `SELECT coalesce(max(seq), 0), coalesce(max(holder), '')
FROM device_seqs WHERE tenant = $1 AND device_id = $2`, t.tenant, deviceID).Scan(&seq, &holder)
	if err != nil {
		return 0, "", mapErr("device holder of "+deviceID, err)
	}
	return uint64(seq), holder, nil
}

func (f fences) SetDeviceHolder(deviceID, incarnation string) error {
	t := f.t
	t.tx.Later("set device holder of "+deviceID, `INSERT INTO device_seqs (tenant, device_id, seq, holder) VALUES ($1, $2, 0, $3)
ON CONFLICT (tenant, device_id) DO UPDATE SET holder = EXCLUDED.holder`, t.tenant, deviceID, incarnation)
	return nil
}

func (f fences) MutationSums(deviceID string, first, last uint64) ([]string, error) {
	t := f.t
	if last < first {
		return nil, nil
	}
	if last-first >= 1<<16 {
		return nil, fmt.Errorf("pgstore: mutation sums %d..%d: too many", first, last)
	}
	lo, err := seqArg(first)
	if err != nil {
		return nil, err
	}
	hi, err := seqArg(last)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, `SELECT seq, sum FROM mutation_sums
WHERE tenant = $1 AND device_id = $2 AND seq BETWEEN $3 AND $4`, t.tenant, deviceID, lo, hi)
	if err != nil {
		return nil, mapErr("mutation sums of "+deviceID, err)
	}
	out := make([]string, last-first+1)
	var seq int64
	var sum string
	_, err = pgx.ForEachRow(rows, []any{&seq, &sum}, func() error {
		out[uint64(seq)-first] = sum
		return nil
	})
	return out, mapErr("mutation sums of "+deviceID, err)
}

func (f fences) PutMutationSum(deviceID string, seq uint64, sum string) error {
	t := f.t
	s, err := seqArg(seq)
	if err != nil {
		return err
	}
	t.tx.Later("put mutation sum of "+deviceID, `INSERT INTO mutation_sums (tenant, device_id, seq, sum) VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant, device_id, seq) DO UPDATE SET sum = EXCLUDED.sum`, t.tenant, deviceID, s, sum)
	return nil
}

func (f fences) AppendEpoch(epoch string) { f.t.epoch = epoch }

func (f fences) CasesByFileNumber(fileNumber string) ([]string, error) {
	t := f.t
	rows, err := t.tx.Query(t.ctx, `SELECT id FROM cases WHERE tenant = $1 AND (doc->>'fileNumber') COLLATE "C" = $2 ORDER BY id`,
		t.tenant, fileNumber)
	if err != nil {
		return nil, mapErr("cases by file number", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, mapErr("cases by file number", err)
}

func (f fences) FileNumberDuplicates() ([]cloud.FileNumberCases, error) {
	t := f.t
	rows, err := t.tx.Query(t.ctx, `SELECT (doc->>'fileNumber') COLLATE "C" AS fn, array_agg(id ORDER BY id)
FROM cases WHERE tenant = $1 GROUP BY fn HAVING count(*) > 1 ORDER BY fn`, t.tenant)
	if err != nil {
		return nil, mapErr("file number duplicates", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (cloud.FileNumberCases, error) {
		var d cloud.FileNumberCases
		err := row.Scan(&d.FileNumber, &d.Cases)
		return d, err
	})
	return out, mapErr("file number duplicates", err)
}
