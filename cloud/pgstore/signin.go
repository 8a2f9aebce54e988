package pgstore

import (
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ozgcloud/desktop/cloud"
)

func (r *registryTx) PutGrant(g cloud.Grant) error {
	_, err := r.tx.Exec(r.ctx, `INSERT INTO grants (tenant, device_id, id, user_id, issued_at, expires) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant, device_id, id) DO UPDATE SET user_id = EXCLUDED.user_id, issued_at = EXCLUDED.issued_at, expires = EXCLUDED.expires`,
		g.Tenant, g.DeviceID, g.ID, g.UserID, g.IssuedAt, g.Expires)
	return mapErr("put grant "+g.ID, err)
}

func (r *registryTx) Grants(tenant, deviceID string) ([]cloud.Grant, error) {
	scan := func(row pgx.CollectableRow) (cloud.Grant, error) {
		g := cloud.Grant{Tenant: tenant, DeviceID: deviceID}
		err := row.Scan(&g.ID, &g.UserID, &g.IssuedAt, &g.Expires)
		g.IssuedAt, g.Expires = g.IssuedAt.UTC(), g.Expires.UTC()
		return g, err
	}
	return queryAll(r.ctx, r.tx, "grants", scan, `SELECT id, user_id, issued_at, expires FROM grants WHERE tenant = $1 AND device_id = $2 ORDER BY id`, tenant, deviceID)
}

func (r *registryTx) PutAbsence(a cloud.Absence) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("pgstore: put absence %s: %w", a.ID, err)
	}
	_, err = r.tx.Exec(r.ctx, `INSERT INTO absences (tenant, id, doc) VALUES ($1, $2, $3)
ON CONFLICT (tenant, id) DO UPDATE SET doc = EXCLUDED.doc`, a.Tenant, a.ID, doc)
	return mapErr("put absence "+a.ID, err)
}

func (r *registryTx) DeleteAbsence(tenant, id string) error {
	_, err := r.tx.Exec(r.ctx, `DELETE FROM absences WHERE tenant = $1 AND id = $2`, tenant, id)
	return mapErr("delete absence "+id, err)
}

func (r *registryTx) Absences(tenant string) ([]cloud.Absence, error) {
	return queryAll(r.ctx, r.tx, "absences", rowTo(scanJSON[cloud.Absence]), `SELECT doc FROM absences WHERE tenant = $1 ORDER BY id`, tenant)
}

func (r *registryTx) GrantKey() ([]byte, error) {
	var key []byte
	err := r.tx.QueryRow(r.ctx, `SELECT key FROM grant_keys WHERE id = 1`).Scan(&key)
	return key, mapErr("grant key", err)
}

func (r *registryTx) PutGrantKey(key []byte) error {
	_, err := r.tx.Exec(r.ctx, `INSERT INTO grant_keys (id, key) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key`, key)
	return mapErr("put grant key", err)
}
