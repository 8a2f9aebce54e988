package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations are applied in order; migrations[i] brings the schema to version i+1.
// Never edit a released entry: append a new one.
//
// Every tenant table has the tenant in its primary key and every query names it, so an
// index always leads with the tenant and a missing tenant in a WHERE clause would not
// find rows by accident. Identifiers are COLLATE "C" so that ORDER BY is byte order,
// as in bbolt, whatever the database's locale. Documents (cases, changes, history,
// conflicts) are json (not jsonb): json keeps the exact bytes, and nothing queries
// inside them.
var migrations = []string{
	`
CREATE TABLE tenants (
	id      text COLLATE "C" PRIMARY KEY,
	name    text NOT NULL,
	created timestamptz NOT NULL
);
CREATE TABLE org_units (
	id     text COLLATE "C" PRIMARY KEY,
	tenant text COLLATE "C" NOT NULL,
	name   text NOT NULL
);
CREATE INDEX org_units_tenant ON org_units (tenant, id);
CREATE TABLE users (
	id     text COLLATE "C" PRIMARY KEY,
	tenant text COLLATE "C" NOT NULL,
	name   text NOT NULL,
	role   text NOT NULL
);
CREATE INDEX users_tenant ON users (tenant, id);
CREATE TABLE enrollments (
	code_hash text COLLATE "C" PRIMARY KEY,
	tenant    text COLLATE "C" NOT NULL,
	expires   timestamptz NOT NULL,
	used_at   timestamptz,
	used_by   text NOT NULL DEFAULT ''
);
CREATE TABLE devices (
	id         text COLLATE "C" PRIMARY KEY,
	tenant     text COLLATE "C" NOT NULL,
	code       text COLLATE "C" NOT NULL,
	token_hash text COLLATE "C" NOT NULL UNIQUE,
	enrolled   timestamptz NOT NULL,
	revoked_at timestamptz,
	UNIQUE (tenant, code)
);
CREATE TABLE intake_credentials (
	id         text COLLATE "C" PRIMARY KEY,
	tenant     text COLLATE "C" NOT NULL,
	token_hash text COLLATE "C" NOT NULL UNIQUE,
	created    timestamptz NOT NULL,
	revoked_at timestamptz
);
-- Global by design: GET /v1/verify/{code} does not know the tenant.
CREATE TABLE verifications (
	code        text COLLATE "C" PRIMARY KEY,
	tenant      text COLLATE "C" NOT NULL,
	file_number text NOT NULL,
	signed_at   timestamptz NOT NULL,
	hash        text NOT NULL
);

CREATE TABLE cases (
	tenant text COLLATE "C" NOT NULL,
	id     text COLLATE "C" NOT NULL,
	doc    json NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE TABLE history (
	tenant  text COLLATE "C" NOT NULL,
	case_id text COLLATE "C" NOT NULL,
	seq     bigint NOT NULL,
	doc     json NOT NULL,
	PRIMARY KEY (tenant, case_id, seq)
);
-- last is the tenant's highest change number; a row per tenant, written under the
-- tenant's lock, so numbers are dense (a rolled-back number is handed out again,
-- which is fine: it was never visible).
CREATE TABLE change_counters (
	tenant text COLLATE "C" PRIMARY KEY,
	last   bigint NOT NULL
);
-- doc is the change's JSON with its seq, served as stored (cloud.RawChanger); tx is
-- wire.Change.Tx, the mark of the server transaction that appended it.
CREATE TABLE changes (
	tenant  text COLLATE "C" NOT NULL,
	seq     bigint NOT NULL,
	tx      bigint NOT NULL,
	case_id text COLLATE "C" NOT NULL,
	doc     json NOT NULL,
	PRIMARY KEY (tenant, seq)
);
CREATE TABLE device_seqs (
	tenant    text COLLATE "C" NOT NULL,
	device_id text COLLATE "C" NOT NULL,
	seq       bigint NOT NULL,
	PRIMARY KEY (tenant, device_id)
);
CREATE TABLE conflicts (
	tenant  text COLLATE "C" NOT NULL,
	id      text COLLATE "C" NOT NULL,
	case_id text COLLATE "C" NOT NULL,
	doc     json NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE INDEX conflicts_case ON conflicts (tenant, case_id, id);
CREATE TABLE intakes (
	tenant         text COLLATE "C" NOT NULL,
	transaction_id text COLLATE "C" NOT NULL,
	case_id        text COLLATE "C" NOT NULL,
	PRIMARY KEY (tenant, transaction_id)
);
-- Chunks are up to 1 MiB; TOAST stores them out of line, compression would only burn
-- CPU on PDFs and images.
CREATE TABLE chunks (
	tenant text COLLATE "C" NOT NULL,
	sha    text COLLATE "C" NOT NULL,
	idx    integer NOT NULL,
	data   bytea NOT NULL,
	PRIMARY KEY (tenant, sha, idx)
);
ALTER TABLE chunks ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE blobs (
	tenant text COLLATE "C" NOT NULL,
	sha    text COLLATE "C" NOT NULL,
	size   bigint NOT NULL,
	chunks integer NOT NULL,
	PRIMARY KEY (tenant, sha)
);
`,
	// Quotas (cloud.Quota as JSON, so a new field needs no migration) and the bytes
	// each tenant's chunks take, written with every chunk write under the tenant's
	// lock and counted once here for what is already stored.
	`
CREATE TABLE tenant_quotas (
	tenant text COLLATE "C" PRIMARY KEY,
	doc    json NOT NULL
);
CREATE TABLE tenant_usage (
	tenant       text COLLATE "C" PRIMARY KEY,
	stored_bytes bigint NOT NULL
);
INSERT INTO tenant_usage (tenant, stored_bytes)
SELECT tenant, sum(octet_length(data)) FROM chunks GROUP BY tenant;
`,
	// Version 3, the change log of sync protocol version 2: an entry carries the
	// whole case only when it made the case, else what changed (wire.Change.Patch),
	// and a list of mutations instead of one; comments and messages live only in the
	// log, and cases holds the rest of each case (cloud.TenantTx.CaseHead). Entries
	// written before keep their whole case, which is a valid entry: the state at that
	// point. json keeps the bytes written from now on; the rewritten rows come back
	// in jsonb's spelling (key order, spaces), which decodes the same.
	`
CREATE INDEX changes_case ON changes (tenant, case_id, seq);
UPDATE changes SET doc = ((doc::jsonb - 'mutation')
	|| jsonb_build_object('mutations', jsonb_build_array(doc::jsonb -> 'mutation')))::json
WHERE (doc::jsonb) ? 'mutation';
UPDATE cases SET doc = (doc::jsonb - 'comments' - 'messages')::json
WHERE (doc::jsonb) ?| array['comments', 'messages'];
`,
	// Version 4, sign-in (issue 10): a tenant's offline period; a user's sign-in
	// state (verifier, invitation, lockout, deactivation) as one json document, with
	// the hash of the current invitation beside it to find the user by the code; the
	// grant windows the service issued; absences; the key that signs grants (made by
	// the service at init or its first start).
	`
ALTER TABLE tenants ADD COLUMN offline_days integer NOT NULL DEFAULT 0;
ALTER TABLE users
	ADD COLUMN auth json,
	ADD COLUMN invitation_hash text COLLATE "C" UNIQUE;
CREATE TABLE grants (
	tenant    text COLLATE "C" NOT NULL,
	device_id text COLLATE "C" NOT NULL,
	id        text COLLATE "C" NOT NULL,
	user_id   text COLLATE "C" NOT NULL,
	issued_at timestamptz NOT NULL,
	expires   timestamptz NOT NULL,
	PRIMARY KEY (tenant, device_id, id)
);
CREATE TABLE absences (
	tenant text COLLATE "C" NOT NULL,
	id     text COLLATE "C" NOT NULL,
	doc    json NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE TABLE grant_keys (
	id  integer PRIMARY KEY CHECK (id = 1),
	key bytea NOT NULL
);
`,
	// Version 5, restored and copied data folders (sync protocol version 4): the
	// incarnation of the store a device's pushes are accepted from, the sum of every
	// consumed mutation, the file numbers of the case heads (an index on the
	// expression, kept by PostgreSQL itself; several cases may share a number only
	// as a duplicate stored before the service checked), and the device a copied
	// PC's identity was made from; and the epoch of the service run that appended
	// each change.
	`
ALTER TABLE device_seqs ADD COLUMN holder text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN epoch text NOT NULL DEFAULT '';
CREATE TABLE mutation_sums (
	tenant    text COLLATE "C" NOT NULL,
	device_id text COLLATE "C" NOT NULL,
	seq       bigint NOT NULL,
	sum       text NOT NULL,
	PRIMARY KEY (tenant, device_id, seq)
);
CREATE INDEX cases_file_number ON cases (tenant, (doc->>'fileNumber') COLLATE "C", id);
ALTER TABLE devices
	ADD COLUMN copy_of text COLLATE "C" NOT NULL DEFAULT '',
	ADD COLUMN copy_incarnation text NOT NULL DEFAULT '';
`,
	// Version 6: the device whose token a copied PC re-enrolled with, so that
	// revoking a device revokes the identities its copies got (cloud.Device.CopyFrom).
	`
ALTER TABLE devices ADD COLUMN copy_from text COLLATE "C" NOT NULL DEFAULT '';
`,
}

// ErrSchemaTooNew is returned by Open when the database was migrated by a newer
// server; an older server must not write into a schema it does not know.
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this server")

// SchemaVersion is the schema version this build migrates to.
var SchemaVersion = len(migrations)

// migrate brings the schema to SchemaVersion in one transaction. An advisory lock
// keeps two servers starting at once from migrating twice.
func migrate(ctx context.Context, conn interface {
	Begin(context.Context) (pgx.Tx, error)
}, lockKey int32) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockNamespace, lockKey); err != nil {
		return fmt.Errorf("pgstore: migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
	version integer PRIMARY KEY,
	applied timestamptz NOT NULL DEFAULT now()
)`); err != nil {
		return fmt.Errorf("pgstore: migrate: schema_version: %w", err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return fmt.Errorf("pgstore: migrate: read version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("%w: database at version %d, this server knows %d", ErrSchemaTooNew, have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("pgstore: migrate to version %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, v); err != nil {
			return fmt.Errorf("pgstore: migrate: record version %d: %w", v, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: commit: %w", err)
	}
	return nil
}
