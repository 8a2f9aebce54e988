package cloud

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Usage is what a tenant stores against its quota, for `ozgcloud-server tenant show`.
type Usage struct {
	Tenant Tenant
	Set    Quota // as the administration set it; zero fields take the defaults
	Quota  Quota // in force
	// StoredBytes counts the tenant's attachments on the service, complete and in
	// upload (Quota.MaxStorage bounds it).
	StoredBytes int64
	// Uploads are blobs announced but not complete; OldestUpload is when the one
	// announced longest ago was announced (zero when none, or only uploads from
	// before announcements were dated).
	Uploads      int
	OldestUpload time.Time
}

// UpdateTenantQuota changes the quota of a registered tenant in one transaction:
// change gets the quota as set (zero fields: defaults) and edits it. A negative
// value, or an attachment quota above MaxBlobSize, is ErrBadRequest. It returns
// the quota as set.
func (s *Service) UpdateTenantQuota(ctx context.Context, tenant string, change func(*Quota)) (Quota, error) {
	if _, err := s.tenant(ctx, tenant); err != nil {
		return Quota{}, err
	}
	var q Quota
	err := s.store.Update(ctx, tenant, func(tx TenantTx) error {
		var err error
		if q, err = tx.Quota(); err != nil {
			return err
		}
		change(&q)
		if q.MaxStorage < 0 || q.MaxAttachment < 0 || q.MaxIntake < 0 {
			return fmt.Errorf("%w: a quota cannot be negative", ErrBadRequest)
		}
		if q.MaxAttachment > MaxBlobSize {
			return fmt.Errorf("%w: the attachment quota can be at most %s, the service's limit", ErrBadRequest, FormatBytes(MaxBlobSize))
		}
		return tx.SetQuota(q)
	})
	if err != nil {
		return Quota{}, fmt.Errorf("cloud: quota of %s: %w", tenant, err)
	}
	s.log.Info("quota set", "tenant", tenant, "maxStorage", q.MaxStorage, "maxAttachment", q.MaxAttachment, "maxIntake", q.MaxIntake)
	return q, nil
}

// TenantUsage reports what a registered tenant stores against its quota.
func (s *Service) TenantUsage(ctx context.Context, tenant string) (Usage, error) {
	t, err := s.tenant(ctx, tenant)
	if err != nil {
		return Usage{}, err
	}
	u := Usage{Tenant: t}
	err = s.store.View(ctx, tenant, func(tx TenantTx) error {
		var err error
		if u.Set, err = tx.Quota(); err != nil {
			return err
		}
		u.Quota = u.Set.Or(s.quota)
		if u.StoredBytes, err = tx.StoredBytes(); err != nil {
			return err
		}
		return eachList(tx, func(_ string, m manifest, complete bool) error {
			if complete {
				return nil
			}
			u.Uploads++
			if !m.Announced.IsZero() && (u.OldestUpload.IsZero() || m.Announced.Before(u.OldestUpload)) {
				u.OldestUpload = m.Announced
			}
			return nil
		})
	})
	if err != nil {
		return Usage{}, fmt.Errorf("cloud: usage of %s: %w", tenant, err)
	}
	return u, nil
}

// tenant returns the registered tenant (ErrNotFound).
func (s *Service) tenant(ctx context.Context, id string) (Tenant, error) {
	t, err := lookup(ctx, s, func(r RegistryTx) (Tenant, error) { return r.Tenant(id) })
	if err != nil {
		return Tenant{}, fmt.Errorf("cloud: tenant %s: %w", id, err)
	}
	return t, nil
}

// eachList calls fn for every blob of the tenant that has an announced chunk list:
// an unfinished upload, or (complete) a blob completed before lists were removed
// on completion.
func eachList(tx TenantTx, fn func(sha string, m manifest, complete bool) error) error {
	shas, err := tx.BlobsWithChunk(manifestIndex)
	if err != nil {
		return err
	}
	for _, sha := range shas {
		_, _, err := tx.Blob(sha)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		m, err2 := readManifest(tx, sha)
		if err2 != nil {
			return err2
		}
		if err := fn(sha, m, err == nil); err != nil {
			return err
		}
	}
	return nil
}
