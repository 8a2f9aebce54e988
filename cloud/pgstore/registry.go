package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
)

// registryTx reads and writes the global registry. Checks that would otherwise end
// in a unique violation (which aborts a PostgreSQL transaction, so a caller could not
// try another device code in the same transaction) are made first or folded into a
// conditional upsert; the unique indexes stay as a safety net.
type registryTx struct {
	ctx context.Context
	tx  querier
}

var _ cloud.RegistryTx = (*registryTx)(nil)

func (r *registryTx) PutTenant(t cloud.Tenant) error {
	_, err := r.tx.Exec(r.ctx, `INSERT INTO tenants (id, name, created, offline_days) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, created = EXCLUDED.created, offline_days = EXCLUDED.offline_days`,
		t.ID, t.Name, t.Created, t.OfflineDays)
	return mapErr("put tenant "+t.ID, err)
}

func (r *registryTx) Tenant(id string) (cloud.Tenant, error) {
	t := cloud.Tenant{ID: id}
	err := r.tx.QueryRow(r.ctx, `SELECT name, created, offline_days FROM tenants WHERE id = $1`, id).Scan(&t.Name, &t.Created, &t.OfflineDays)
	return t, mapErr("tenant "+id, err)
}

func (r *registryTx) Tenants() ([]cloud.Tenant, error) {
	scan := func(row pgx.CollectableRow) (cloud.Tenant, error) {
		var t cloud.Tenant
		err := row.Scan(&t.ID, &t.Name, &t.Created, &t.OfflineDays)
		return t, err
	}
	return queryAll(r.ctx, r.tx, "tenants", scan, `SELECT id, name, created, offline_days FROM tenants ORDER BY id`)
}

// upsertOwn runs an INSERT ... ON CONFLICT DO UPDATE ... WHERE <the row is of the same
// tenant> RETURNING statement: no row back means the key is another tenant's, which
// is cloud.ErrExists.
func upsertOwn(ctx context.Context, q querier, what, sql string, args ...any) error {
	var key string
	err := q.QueryRow(ctx, sql, args...).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgstore: %s: %w (another tenant's)", what, cloud.ErrExists)
	}
	return mapErr(what, err)
}

// PutOrgUnit updates only a row of the same tenant; no row back means the ID is
// another tenant's.
func (r *registryTx) PutOrgUnit(o cloud.OrgUnit) error {
	return upsertOwn(r.ctx, r.tx, "put org unit "+o.ID, `INSERT INTO org_units (id, tenant, name) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE org_units.tenant = EXCLUDED.tenant
RETURNING id`, o.ID, o.Tenant, o.Name)
}

func (r *registryTx) OrgUnit(id string) (cloud.OrgUnit, error) {
	o := cloud.OrgUnit{ID: id}
	err := r.tx.QueryRow(r.ctx, `SELECT tenant, name FROM org_units WHERE id = $1`, id).Scan(&o.Tenant, &o.Name)
	return o, mapErr("org unit "+id, err)
}

func (r *registryTx) OrgUnits(tenant string) ([]cloud.OrgUnit, error) {
	scan := func(row pgx.CollectableRow) (cloud.OrgUnit, error) {
		var o cloud.OrgUnit
		err := row.Scan(&o.ID, &o.Tenant, &o.Name)
		return o, err
	}
	return queryAll(r.ctx, r.tx, "org units", scan, `SELECT id, tenant, name FROM org_units WHERE tenant = $1 ORDER BY id`, tenant)
}

// PutUser, like PutOrgUnit, refuses to move a user ID to another tenant.
func (r *registryTx) PutUser(u cloud.User) error {
	auth, err := json.Marshal(authOf(u))
	if err != nil {
		return fmt.Errorf("pgstore: put user %s: %w", u.ID, err)
	}
	var inv *string
	if u.Invitation != nil {
		inv = &u.Invitation.Hash
	}
	return upsertOwn(r.ctx, r.tx, "put user "+u.ID, `INSERT INTO users (id, tenant, name, role, auth, invitation_hash) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, auth = EXCLUDED.auth,
	invitation_hash = EXCLUDED.invitation_hash
WHERE users.tenant = EXCLUDED.tenant
RETURNING id`, u.ID, u.Tenant, u.Name, string(u.Role), auth, inv)
}

// userAuth is the sign-in state of a user, kept as one json document: nothing
// queries inside it but the invitation's hash, which has a column of its own.
type userAuth struct {
	Verifier        string               `json:"verifier,omitempty"`
	Invitation      *identity.Invitation `json:"invitation,omitempty"`
	Lockout         identity.Lockout     `json:"lockout,omitzero"`
	Deactivated     *time.Time           `json:"deactivated,omitempty"`
	GrantsNotBefore *time.Time           `json:"grantsNotBefore,omitempty"`
}

func authOf(u cloud.User) userAuth {
	return userAuth{u.Verifier, u.Invitation, u.Lockout, u.Deactivated, u.GrantsNotBefore}
}

const userCols = `id, tenant, name, role, auth`

func scanUser(row pgx.Row) (cloud.User, error) {
	var u cloud.User
	var role string
	var auth []byte
	if err := row.Scan(&u.ID, &u.Tenant, &u.Name, &role, &auth); err != nil {
		return u, err
	}
	u.Role = model.Role(role)
	if auth != nil {
		var a userAuth
		if err := json.Unmarshal(auth, &a); err != nil {
			return u, fmt.Errorf("decode sign-in state of user %s: %w", u.ID, err)
		}
		u.Verifier, u.Invitation, u.Lockout, u.Deactivated, u.GrantsNotBefore = a.Verifier, a.Invitation, a.Lockout, a.Deactivated, a.GrantsNotBefore
	}
	return u, nil
}

func (r *registryTx) Users(tenant string) ([]cloud.User, error) {
	return queryAll(r.ctx, r.tx, "users", rowTo(scanUser), `SELECT `+userCols+` FROM users WHERE tenant = $1 ORDER BY id`, tenant)
}

func (r *registryTx) UserByInvitation(hash string) (cloud.User, error) {
	u, err := scanUser(r.tx.QueryRow(r.ctx, `SELECT `+userCols+` FROM users WHERE invitation_hash = $1`, hash))
	return u, mapErr("user by invitation", err)
}

func (r *registryTx) PutEnrollment(e cloud.Enrollment) error {
	_, err := r.tx.Exec(r.ctx, `INSERT INTO enrollments (code_hash, tenant, expires, used_at, used_by) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code_hash) DO UPDATE SET tenant = EXCLUDED.tenant, expires = EXCLUDED.expires,
	used_at = EXCLUDED.used_at, used_by = EXCLUDED.used_by`, e.CodeHash, e.Tenant, e.Expires, e.UsedAt, e.UsedBy)
	return mapErr("put enrollment", err)
}

func (r *registryTx) Enrollment(codeHash string) (cloud.Enrollment, error) {
	e := cloud.Enrollment{CodeHash: codeHash}
	err := r.tx.QueryRow(r.ctx, `SELECT tenant, expires, used_at, used_by FROM enrollments WHERE code_hash = $1`, codeHash).
		Scan(&e.Tenant, &e.Expires, &e.UsedAt, &e.UsedBy)
	return e, mapErr("enrollment", err)
}

// PutDevice checks the tenant's device codes first (under the registry lock, so the
// check cannot race) and never moves a device ID to another tenant.
func (r *registryTx) PutDevice(d cloud.Device) error {
	var taken bool
	err := r.tx.QueryRow(r.ctx, `SELECT EXISTS (SELECT 1 FROM devices WHERE tenant = $1 AND code = $2 AND id <> $3)`,
		d.Tenant, d.Code, d.ID).Scan(&taken)
	if err != nil {
		return mapErr("put device "+d.ID, err)
	}
	if taken {
		return fmt.Errorf("pgstore: put device %s: code %s: %w", d.ID, d.Code, cloud.ErrExists)
	}
	return upsertOwn(r.ctx, r.tx, "put device "+d.ID, `INSERT INTO devices (id, tenant, code, token_hash, enrolled, revoked_at, copy_of, copy_incarnation, copy_from)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, token_hash = EXCLUDED.token_hash,
	enrolled = EXCLUDED.enrolled, revoked_at = EXCLUDED.revoked_at,
	copy_of = EXCLUDED.copy_of, copy_incarnation = EXCLUDED.copy_incarnation, copy_from = EXCLUDED.copy_from
WHERE devices.tenant = EXCLUDED.tenant
RETURNING id`, d.ID, d.Tenant, d.Code, d.TokenHash, d.Enrolled, d.RevokedAt, d.CopyOf, d.CopyIncarnation, d.CopyFrom)
}

const deviceCols = `id, tenant, code, token_hash, enrolled, revoked_at, copy_of, copy_incarnation, copy_from`

func scanDevice(row pgx.Row) (cloud.Device, error) {
	var d cloud.Device
	err := row.Scan(&d.ID, &d.Tenant, &d.Code, &d.TokenHash, &d.Enrolled, &d.RevokedAt, &d.CopyOf, &d.CopyIncarnation, &d.CopyFrom)
	return d, err
}

func (r *registryTx) Device(id string) (cloud.Device, error) {
	d, err := scanDevice(r.tx.QueryRow(r.ctx, `SELECT `+deviceCols+` FROM devices WHERE id = $1`, id))
	return d, mapErr("device "+id, err)
}

func (r *registryTx) DeviceByToken(tokenHash string) (cloud.Device, error) {
	d, err := scanDevice(r.tx.QueryRow(r.ctx, `SELECT `+deviceCols+` FROM devices WHERE token_hash = $1`, tokenHash))
	return d, mapErr("device by token", err)
}

func (r *registryTx) Devices(tenant string) ([]cloud.Device, error) {
	return queryAll(r.ctx, r.tx, "devices", rowTo(scanDevice), `SELECT `+deviceCols+` FROM devices WHERE tenant = $1 ORDER BY id`, tenant)
}

func (r *registryTx) PutIntakeCredential(c cloud.IntakeCredential) error {
	return upsertOwn(r.ctx, r.tx, "put intake credential "+c.ID, `INSERT INTO intake_credentials (id, tenant, token_hash, created, revoked_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created = EXCLUDED.created, revoked_at = EXCLUDED.revoked_at
WHERE intake_credentials.tenant = EXCLUDED.tenant
RETURNING id`, c.ID, c.Tenant, c.TokenHash, c.Created, c.RevokedAt)
}

func (r *registryTx) IntakeCredentialByToken(tokenHash string) (cloud.IntakeCredential, error) {
	var c cloud.IntakeCredential
	err := r.tx.QueryRow(r.ctx, `SELECT id, tenant, token_hash, created, revoked_at FROM intake_credentials WHERE token_hash = $1`,
		tokenHash).Scan(&c.ID, &c.Tenant, &c.TokenHash, &c.Created, &c.RevokedAt)
	return c, mapErr("intake credential by token", err)
}

func (r *registryTx) Verification(code string) (cloud.Verification, error) {
	v := cloud.Verification{Code: code}
	var signed time.Time
	err := r.tx.QueryRow(r.ctx, `SELECT tenant, file_number, signed_at, hash FROM verifications WHERE code = $1`, code).
		Scan(&v.Tenant, &v.FileNumber, &signed, &v.Hash)
	v.SignedAt = signed
	return v, mapErr("verification "+code, err)
}
