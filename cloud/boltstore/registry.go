package boltstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
)

type registryTx struct {
	tx *bolt.Tx
	b  *bolt.Bucket
}

func (r *registryTx) bucket(name []byte) *bolt.Bucket { return r.b.Bucket(name) }

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, data)
}

// get decodes the value of key in b (cloud.ErrNotFound when b or the key does not
// exist: a tenant's bucket is made by its first write).
func get[T any](b *bolt.Bucket, key []byte, what string) (T, error) {
	var v T
	if b == nil {
		return v, fmt.Errorf("boltstore: %s %s: %w", what, key, cloud.ErrNotFound)
	}
	return v, getJSON(b, key, &v, what)
}

func getJSON(b *bolt.Bucket, key []byte, v any, what string) error {
	data := b.Get(key)
	if data == nil {
		return fmt.Errorf("boltstore: %s %s: %w", what, key, cloud.ErrNotFound)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("boltstore: decode %s %s: %w", what, key, err)
	}
	return nil
}

func tenantKey(tenant, id string) []byte {
	k := make([]byte, 0, len(tenant)+1+len(id))
	k = append(k, tenant...)
	k = append(k, 0)
	return append(k, id...)
}

// all decodes every value whose key starts with prefix and returns those keep
// accepts (every one when keep is nil).
func all[T any](b *bolt.Bucket, prefix []byte, keep func(T) bool) ([]T, error) {
	var out []T
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, fmt.Errorf("boltstore: decode %s: %w", k, err)
		}
		if keep == nil || keep(x) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (r *registryTx) PutTenant(t cloud.Tenant) error {
	if t.ID == "" {
		return fmt.Errorf("boltstore: put tenant: empty id")
	}
	return putJSON(r.bucket(regTenants), []byte(t.ID), t)
}

func (r *registryTx) Tenant(id string) (cloud.Tenant, error) {
	return get[cloud.Tenant](r.bucket(regTenants), []byte(id), "tenant")
}

func (r *registryTx) Tenants() ([]cloud.Tenant, error) {
	return all[cloud.Tenant](r.bucket(regTenants), nil, nil)
}

func (r *registryTx) PutOrgUnit(o cloud.OrgUnit) error {
	b := r.bucket(regOrgUnits)
	var old cloud.OrgUnit
	if err := getJSON(b, []byte(o.ID), &old, "org unit"); err == nil && old.Tenant != o.Tenant {
		return fmt.Errorf("boltstore: org unit %s: %w in another tenant", o.ID, cloud.ErrExists)
	}
	return putJSON(b, []byte(o.ID), o)
}

func (r *registryTx) OrgUnit(id string) (cloud.OrgUnit, error) {
	return get[cloud.OrgUnit](r.bucket(regOrgUnits), []byte(id), "org unit")
}

func (r *registryTx) OrgUnits(tenant string) ([]cloud.OrgUnit, error) {
	return all(r.bucket(regOrgUnits), nil, func(o cloud.OrgUnit) bool { return o.Tenant == tenant })
}

// PutUser keeps the invitation index in step: a replaced invitation's hash no
// longer finds the user.
func (r *registryTx) PutUser(u cloud.User) error {
	key := tenantKey(u.Tenant, u.ID)
	inv := r.bucket(regInvitations)
	var old cloud.User
	if err := getJSON(r.bucket(regUsers), key, &old, "user"); err == nil && old.Invitation != nil &&
		(u.Invitation == nil || u.Invitation.Hash != old.Invitation.Hash) {
		if err := inv.Delete([]byte(old.Invitation.Hash)); err != nil {
			return err
		}
	}
	if u.Invitation != nil {
		if other := inv.Get([]byte(u.Invitation.Hash)); other != nil && !bytes.Equal(other, key) {
			return fmt.Errorf("boltstore: put user %s: invitation: %w", u.ID, cloud.ErrExists)
		}
		if err := inv.Put([]byte(u.Invitation.Hash), key); err != nil {
			return err
		}
	}
	return putJSON(r.bucket(regUsers), key, u)
}

func (r *registryTx) UserByInvitation(hash string) (cloud.User, error) {
	key := r.bucket(regInvitations).Get([]byte(hash))
	if key == nil {
		return cloud.User{}, fmt.Errorf("boltstore: user by invitation: %w", cloud.ErrNotFound)
	}
	return get[cloud.User](r.bucket(regUsers), key, "user")
}

func (r *registryTx) Users(tenant string) ([]cloud.User, error) {
	return all[cloud.User](r.bucket(regUsers), tenantKey(tenant, ""), nil)
}

func (r *registryTx) PutEnrollment(e cloud.Enrollment) error {
	return putJSON(r.bucket(regEnrollments), []byte(e.CodeHash), e)
}

func (r *registryTx) Enrollment(codeHash string) (cloud.Enrollment, error) {
	return get[cloud.Enrollment](r.bucket(regEnrollments), []byte(codeHash), "enrollment")
}

func (r *registryTx) PutDevice(d cloud.Device) error {
	devs, tokens, codes := r.bucket(regDevices), r.bucket(regDevTokens), r.bucket(regDevCodes)
	if id := codes.Get(tenantKey(d.Tenant, d.Code)); id != nil && string(id) != d.ID {
		return fmt.Errorf("boltstore: device code %s: %w", d.Code, cloud.ErrExists)
	}
	var old cloud.Device
	if err := getJSON(devs, []byte(d.ID), &old, "device"); err == nil {
		if old.TokenHash != d.TokenHash {
			if err := tokens.Delete([]byte(old.TokenHash)); err != nil {
				return err
			}
		}
		if old.Tenant != d.Tenant || old.Code != d.Code {
			if err := codes.Delete(tenantKey(old.Tenant, old.Code)); err != nil {
				return err
			}
		}
	}
	if d.TokenHash != "" {
		if err := tokens.Put([]byte(d.TokenHash), []byte(d.ID)); err != nil {
			return err
		}
	}
	if err := codes.Put(tenantKey(d.Tenant, d.Code), []byte(d.ID)); err != nil {
		return err
	}
	return putJSON(devs, []byte(d.ID), d)
}

func (r *registryTx) Device(id string) (cloud.Device, error) {
	return get[cloud.Device](r.bucket(regDevices), []byte(id), "device")
}

func (r *registryTx) DeviceByToken(tokenHash string) (cloud.Device, error) {
	id := r.bucket(regDevTokens).Get([]byte(tokenHash))
	if id == nil {
		return cloud.Device{}, fmt.Errorf("boltstore: device by token: %w", cloud.ErrNotFound)
	}
	return r.Device(string(id))
}

func (r *registryTx) Devices(tenant string) ([]cloud.Device, error) {
	return all(r.bucket(regDevices), nil, func(d cloud.Device) bool { return d.Tenant == tenant })
}

func (r *registryTx) PutIntakeCredential(c cloud.IntakeCredential) error {
	b, tokens := r.bucket(regIntakeCreds), r.bucket(regIntakeTokens)
	var old cloud.IntakeCredential
	if err := getJSON(b, []byte(c.ID), &old, "intake credential"); err == nil && old.TokenHash != c.TokenHash {
		if err := tokens.Delete([]byte(old.TokenHash)); err != nil {
			return err
		}
	}
	if err := tokens.Put([]byte(c.TokenHash), []byte(c.ID)); err != nil {
		return err
	}
	return putJSON(b, []byte(c.ID), c)
}

func (r *registryTx) IntakeCredentialByToken(tokenHash string) (cloud.IntakeCredential, error) {
	id := r.bucket(regIntakeTokens).Get([]byte(tokenHash))
	if id == nil {
		return cloud.IntakeCredential{}, fmt.Errorf("boltstore: intake credential by token: %w", cloud.ErrNotFound)
	}
	return get[cloud.IntakeCredential](r.bucket(regIntakeCreds), id, "intake credential")
}

func (r *registryTx) Verification(code string) (cloud.Verification, error) {
	return get[cloud.Verification](r.bucket(regVerify), []byte(code), "verification")
}
