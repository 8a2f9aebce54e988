package boltstore

import (
	"fmt"

	"github.com/ozgcloud/desktop/cloud"
)

func grantKey(g cloud.Grant) []byte {
	return append(append(tenantKey(g.Tenant, g.DeviceID), 0), g.ID...)
}

func (r *registryTx) PutGrant(g cloud.Grant) error {
	if g.Tenant == "" || g.DeviceID == "" || g.ID == "" {
		return fmt.Errorf("boltstore: put grant: tenant, device and id required")
	}
	return putJSON(r.bucket(regGrants), grantKey(g), g)
}

func (r *registryTx) Grants(tenant, deviceID string) ([]cloud.Grant, error) {
	return all[cloud.Grant](r.bucket(regGrants), append(tenantKey(tenant, deviceID), 0), nil)
}

func (r *registryTx) PutAbsence(a cloud.Absence) error {
	if a.Tenant == "" || a.ID == "" {
		return fmt.Errorf("boltstore: put absence: tenant and id required")
	}
	return putJSON(r.bucket(regAbsences), tenantKey(a.Tenant, a.ID), a)
}

func (r *registryTx) DeleteAbsence(tenant, id string) error {
	return r.bucket(regAbsences).Delete(tenantKey(tenant, id))
}

func (r *registryTx) Absences(tenant string) ([]cloud.Absence, error) {
	return all[cloud.Absence](r.bucket(regAbsences), tenantKey(tenant, ""), nil)
}

func (r *registryTx) GrantKey() ([]byte, error) {
	k := r.bucket(regKeys).Get(keyGrant)
	if k == nil {
		return nil, fmt.Errorf("boltstore: grant key: %w", cloud.ErrNotFound)
	}
	return clone(k), nil
}

func (r *registryTx) PutGrantKey(key []byte) error {
	return r.bucket(regKeys).Put(keyGrant, clone(key))
}
