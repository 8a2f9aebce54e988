package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// querier is what tenantTx and registryTx need of a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// lazyTx is a transaction whose BEGIN (and advisory lock) travel in one pipeline
// with its first statement, instead of a round trip each. Under load the round trips,
// not the statements, are what a push or pull costs: a pull is a token lookup and a
// page read, each a transaction of one or two statements. A transaction that issues
// no statement never begins.
type lazyTx struct {
	conn  *pgxpool.Conn
	begin []stmt // sent before the first statement
	begun bool
}

type stmt struct {
	sql  string
	args []any
}

var _ querier = (*lazyTx)(nil)

// start sends the begin statements and q in one batch; the caller reads q's result
// from the returned BatchResults and closes them.
func (t *lazyTx) start(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	for _, s := range t.begin {
		b.Queue(s.sql, s.args...)
	}
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	t.begun = true
	for _, s := range t.begin {
		if _, err := br.Exec(); err != nil {
			br.Close()
			// A statement cancelled by ctx (typically the lock wait) says so.
			return nil, wrapCtx(ctx, fmt.Sprintf("%.40s", s.sql), err)
		}
	}
	return br, nil
}

func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.start(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.start(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	br, err := t.start(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return &batchRow{row: br.QueryRow(), br: br}
}

// commit ends a begun transaction. PostgreSQL answers COMMIT of a failed
// transaction with ROLLBACK; that is an error here, as in pgx.Tx.
func (t *lazyTx) commit(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	tag, err := t.conn.Exec(ctx, "COMMIT")
	t.begun = false
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

func (t *lazyTx) rollback(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	t.begun = false
	_, err := t.conn.Exec(ctx, "ROLLBACK")
	return err
}

// batchRows closes the batch with the rows, keeping the first error.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		if err := r.br.Close(); err != nil && r.err == nil {
			r.err = err
		}
		r.br = nil
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r *batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil && cerr != nil && !errors.Is(cerr, pgx.ErrNoRows) {
		err = cerr
	}
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
