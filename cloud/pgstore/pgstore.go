// Package pgstore is the PostgreSQL implementation of cloud.Storage (pgx v5). It
// passes cloud/storagetest.
//
// Serialization. Updates of one tenant take a transaction-scoped advisory lock on a
// hash of the tenant (pg_advisory_xact_lock) as their first statement, and run in READ
// COMMITTED, so every statement after the lock sees everything committed before it.
// (REPEATABLE READ would be wrong here: its snapshot is taken when the lock statement
// starts, before the wait, so fn would read what the previous holder overwrote.)
// Registry transactions take one global advisory lock the same way; RegistryView,
// which the service uses for token lookups, takes none.
//
// Round trips, not statements, are what a transaction costs under load, so BEGIN and
// the lock travel in one pipeline with the first statement, and writes that return
// nothing but success travel with the next read or the COMMIT (lazyTx): a push is four
// round trips and one WAL flush.
//
// Advisory lock rather than SELECT ... FOR UPDATE on the tenant's row: a row lock
// writes the locker's transaction ID into the tuple (a heap page write and WAL on every
// push), blocks registry writes to the tenants row (renaming a tenant would wait behind
// pushes), and needs the row to exist. An advisory lock lives in shared memory only.
// Hash collisions merely make two tenants wait for each other; the key also hashes the
// schema, so two deployments in one database do not.
//
// Before taking a pooled connection, an Update waits for an in-process per-tenant
// lock (a Registry for an in-process registry lock). Otherwise a burst of pushes of one tenant would park every pooled connection in
// a lock wait, and anything else (another tenant, a View, a nested Registry) would wait
// for a connection. Cross-process correctness still comes from the advisory lock.
//
// View runs in REPEATABLE READ, READ ONLY: one snapshot, no locks, never waits for
// writers.
//
// fn must not start another transaction on the same Store (as with bbolt): it would
// need a second pooled connection, and for the same tenant it would wait for itself.
//
// Contexts: a cancelled context cancels the statement on the server with a cancel
// request, so a transaction waiting for a tenant's lock leaves the lock queue at once,
// and the connection stays usable instead of being torn down (pgx's default).
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ozgcloud/desktop/cloud"
)

// lockNamespace is the first key of every advisory lock this package takes ("OZG\x01"),
// so that they do not collide with other users of advisory locks in the database.
const lockNamespace int32 = 0x4f5a4701

// DefaultMaxConns is the pool size when the URL does not set pool_max_conns. pgx's own
// default (4 on a 2-core machine) starves Views while Updates hold connections.
const DefaultMaxConns = 16

// Store is a cloud.Storage on PostgreSQL.
type Store struct {
	pool   *pgxpool.Pool
	schema string

	mu      sync.Mutex
	tenants map[string]*tenantLock
	regLock chan struct{}
}

var (
	_ cloud.Storage        = (*Store)(nil)
	_ cloud.RegistryViewer = (*Store)(nil)
)

type tenantLock struct {
	ch   chan struct{}
	refs int
}

// Open connects to the database at url (postgres://user:pass@host:port/db?...; pool
// settings such as pool_max_conns and runtime parameters such as search_path may be
// given as query parameters), and creates or migrates the schema in the current
// schema (search_path).
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: parse database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		// Ask the server to cancel the statement and keep the connection; close the
		// socket only if the server does not answer within a second.
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "ozgcloud-server"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	s := &Store{pool: pool, tenants: map[string]*tenantLock{}, regLock: make(chan struct{}, 1)}
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&s.schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if err := migrate(ctx, pool, s.lockKey("migrate")); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool; it waits for connections in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// lockKey is the second advisory lock key for name: an FNV hash of the schema and the
// name, so that two deployments sharing a database have separate locks.
func (s *Store) lockKey(name string) int32 {
	h := fnv.New32a()
	h.Write([]byte(s.schema))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return int32(h.Sum32())
}

// lockTenant waits for the in-process lock of tenant or ctx, and returns its release.
func (s *Store) lockTenant(ctx context.Context, tenant string) (func(), error) {
	s.mu.Lock()
	l := s.tenants[tenant]
	if l == nil {
		l = &tenantLock{ch: make(chan struct{}, 1)}
		s.tenants[tenant] = l
	}
	l.refs++
	s.mu.Unlock()
	drop := func() {
		s.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(s.tenants, tenant)
		}
		s.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}

// Update runs fn in a READ COMMITTED transaction holding tenant's lock.
func (s *Store) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: update %s: %w", tenant, err)
	}
	unlock, err := s.lockTenant(ctx, tenant)
	if err != nil {
		return fmt.Errorf("pgstore: update %s: wait for the tenant: %w", tenant, err)
	}
	defer unlock()
	return s.run(ctx, "update "+tenant, beginWrite, s.lockKey("tenant\x00"+tenant),
		func(tx querier) error { return fn(newTenantTx(ctx, tx, tenant)) })
}

// View runs fn in a REPEATABLE READ, READ ONLY transaction.
func (s *Store) View(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	return s.run(ctx, "view "+tenant, beginRead, 0,
		func(tx querier) error { return fn(newTenantTx(ctx, tx, tenant)) })
}

// Registry runs fn in a READ COMMITTED transaction holding the registry's lock.
func (s *Store) Registry(ctx context.Context, fn func(cloud.RegistryTx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: registry: %w", err)
	}
	select {
	case s.regLock <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("pgstore: registry: wait for the lock: %w", ctx.Err())
	}
	defer func() { <-s.regLock }()
	return s.run(ctx, "registry", beginWrite, s.lockKey("registry"),
		func(tx querier) error { return fn(&registryTx{ctx: ctx, tx: tx}) })
}

// RegistryView runs fn in a REPEATABLE READ, READ ONLY transaction over the registry
// without the registry's lock (cloud.RegistryViewer): the token lookup of every
// request neither waits for nor blocks an enrollment.
func (s *Store) RegistryView(ctx context.Context, fn func(cloud.RegistryTx) error) error {
	return s.run(ctx, "registry view", beginRead, 0,
		func(tx querier) error { return fn(&registryTx{ctx: ctx, tx: tx}) })
}

// run runs fn in a transaction with the given BEGIN and, unless lockKey is 0, the
// advisory lock lockKey, both sent with fn's first statement (lazyTx), and commits.
// The lock is taken before any of fn's statements runs, so nothing fn reads can be
// stale.
// fn's error is returned unchanged; a panic in fn rolls back and goes on.
func (s *Store) run(ctx context.Context, what, begin string, lockKey int32, fn func(querier) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: %s: %w", what, err)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return wrapCtx(ctx, "pgstore: "+what+": connection", err)
	}
	// Release hands a connection still inside a transaction (a failed rollback) to
	// the pool's destroyer, not to the next caller.
	defer conn.Release()
	tx := newLazyTx(conn, stmt{what: what + ": begin", sql: begin})
	if lockKey != 0 {
		tx.pending = append(tx.pending, stmt{what + ": lock", `SELECT pg_advisory_xact_lock($1, $2)`, []any{lockNamespace, lockKey}})
	}
	defer func() {
		if tx.sent {
			// The caller's ctx may be what ended the transaction; rollback must still
			// reach the server so the connection returns clean to the pool.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = tx.rollback(rctx)
			cancel()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.commit(ctx); err != nil {
		return wrapCtx(ctx, "pgstore: "+what+": commit", err)
	}
	return nil
}

const (
	beginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED"
	beginRead  = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
)

// wrapCtx wraps err, and ctx's error when ctx is done, so that callers can test for
// context.Canceled or DeadlineExceeded whatever pgx made of the cancellation.
func wrapCtx(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%s: %w (%w)", what, cerr, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// mapErr wraps err with what, as ErrNotFound when no row matched and as ErrExists for
// a unique violation.
func mapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgstore: %s: %w", what, cloud.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("pgstore: %s: %w (%s)", what, cloud.ErrExists, pgErr.ConstraintName)
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}
