package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// querier is what tenantTx and registryTx need of a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	// Later queues a write whose only result is success: it is sent with the next
	// statement or with COMMIT, and its error (named what) comes back from there.
	Later(what, sql string, args ...any)
}

// lazyTx is a transaction that sends its statements in as few round trips as it
// can: BEGIN (and the advisory lock) travel with the first statement, and writes
// queued with Later travel with the next read or with COMMIT. Under load the round
// trips, not the statements, are what a push or pull costs: a push is a few reads
// and four writes, a pull a token lookup and a page read. A transaction that issues
// no statement never begins.
type lazyTx struct {
	conn    *pgxpool.Conn
	pending []stmt // BEGIN, lock and queued writes not sent yet
	started bool   // something beyond BEGIN and lock is (or was) pending
	sent    bool   // BEGIN reached the server: the transaction must be ended
}

type stmt struct {
	what string
	sql  string
	args []any
}

var _ querier = (*lazyTx)(nil)

func newLazyTx(conn *pgxpool.Conn, begin ...stmt) *lazyTx {
	return &lazyTx{conn: conn, pending: begin}
}

func (t *lazyTx) Later(what, sql string, args ...any) {
	t.pending = append(t.pending, stmt{what, sql, args})
	t.started = true
}

// flushWith sends the pending statements and q in one batch; the caller reads q's
// result from the returned BatchResults and closes them.
func (t *lazyTx) flushWith(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	for _, s := range t.pending {
		b.Queue(s.sql, s.args...)
	}
	b.Queue(sql, args...)
	pend := t.pending
	t.pending, t.started, t.sent = nil, true, true
	br := t.conn.SendBatch(ctx, b)
	for _, s := range pend {
		if _, err := br.Exec(); err != nil {
			br.Close()
			// A statement cancelled by ctx (typically the lock wait) says so.
			return nil, wrapCtx(ctx, "pgstore: "+s.what, err)
		}
	}
	return br, nil
}

func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if len(t.pending) == 0 {
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.flushWith(ctx, sql, args)
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
	if len(t.pending) == 0 {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.flushWith(ctx, sql, args)
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
	if len(t.pending) == 0 {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	br, err := t.flushWith(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return &batchRow{row: br.QueryRow(), br: br}
}

// commit sends what is pending with COMMIT. PostgreSQL answers COMMIT of a failed
// transaction with ROLLBACK; that is an error here, as in pgx.Tx. After an error the
// transaction may still be open (a failed statement in a pipeline skips the COMMIT
// behind it), so sent stays true and rollback ends it.
func (t *lazyTx) commit(ctx context.Context) error {
	if !t.started {
		return nil
	}
	tag, err := t.Exec(ctx, "COMMIT")
	if err != nil {
		return err
	}
	t.sent = false
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

func (t *lazyTx) rollback(ctx context.Context) error {
	t.pending = nil
	if !t.sent {
		return nil
	}
	t.sent = false
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
