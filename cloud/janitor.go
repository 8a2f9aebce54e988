package cloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Janitor defaults: an upload nobody announced again for a week is abandoned (a
// desktop announces it again each time it resumes), and looking once an hour keeps
// what they hold bounded at little cost.
const (
	DefaultJanitorInterval = time.Hour
	DefaultAbandonedAfter  = 7 * 24 * time.Hour
)

// Janitor removes abandoned uploads: the chunks of blobs whose chunk list was last
// announced longer than After ago and that never became complete, in every tenant,
// once at start and then every Interval. Time is the Service's (Options.Now).
type Janitor struct {
	Service  *Service
	Interval time.Duration // default DefaultJanitorInterval
	After    time.Duration // default DefaultAbandonedAfter
	Logger   *slog.Logger  // default the Service's
}

// Run sweeps until ctx ends, then returns nil. A sweep that fails is logged and
// tried again at the next interval.
func (j *Janitor) Run(ctx context.Context) error {
	interval := j.Interval
	if interval <= 0 {
		interval = DefaultJanitorInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := j.Sweep(ctx); err != nil && ctx.Err() == nil {
			j.log().Warn("janitor: sweep failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (j *Janitor) log() *slog.Logger {
	if j.Logger != nil {
		return j.Logger
	}
	return j.Service.log
}

// Swept is what one sweep removed.
type Swept struct {
	Uploads int
	Bytes   int64
}

// Sweep removes the abandoned uploads of every tenant once. An upload announced
// before announcements were dated gets its date now and is removed After later.
func (j *Janitor) Sweep(ctx context.Context) (Swept, error) {
	after := j.After
	if after <= 0 {
		after = DefaultAbandonedAfter
	}
	tenants, err := j.Service.Tenants(ctx)
	if err != nil {
		return Swept{}, err
	}
	var total Swept
	var errs []error
	for _, t := range tenants {
		sw, err := j.Service.removeAbandoned(ctx, t.ID, after)
		total.Uploads += sw.Uploads
		total.Bytes += sw.Bytes
		if err != nil {
			errs = append(errs, err)
		}
		if sw.Uploads > 0 {
			j.log().Info("janitor: abandoned uploads removed", "tenant", t.ID, "uploads", sw.Uploads, "bytes", sw.Bytes)
		}
	}
	return total, errors.Join(errs...)
}

// removeAbandoned removes the tenant's uploads last announced before now-after, and
// the chunk lists older versions left beside complete blobs. It lists them in a
// View and removes each in a short Update of its own that first checks the upload
// was not announced again meanwhile.
func (s *Service) removeAbandoned(ctx context.Context, tenant string, after time.Duration) (Swept, error) {
	now := s.now().UTC()
	var old, undated []string
	err := s.store.View(ctx, tenant, func(tx TenantTx) error {
		return eachList(tx, func(sha string, m manifest, complete bool) error {
			switch {
			case complete:
				old = append(old, sha)
			case m.Announced.IsZero():
				undated = append(undated, sha)
			case now.Sub(m.Announced) > after:
				old = append(old, sha)
			}
			return nil
		})
	})
	if err != nil {
		return Swept{}, fmt.Errorf("cloud: abandoned uploads of %s: %w", tenant, err)
	}
	var sw Swept
	for _, sha := range append(old, undated...) {
		var freed int64
		removed := false
		err := s.store.Update(ctx, tenant, func(tx TenantTx) error {
			freed, removed = 0, false
			if _, _, err := tx.Blob(sha); err == nil {
				freed, err = freeing(tx, func() error { return tx.DeleteChunk(sha, manifestIndex) })
				return err
			}
			m, err := readManifest(tx, sha)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if m.Announced.IsZero() {
				m.Announced = now
				return putManifestOf(tx, sha, m)
			}
			if now.Sub(m.Announced) <= after {
				return nil // announced again since the View
			}
			freed, err = freeing(tx, func() error { return deleteChunks(tx, sha) })
			removed = err == nil
			return err
		})
		if err != nil {
			return sw, fmt.Errorf("cloud: remove abandoned upload %s of %s: %w", sha, tenant, err)
		}
		if removed {
			sw.Uploads++
		}
		sw.Bytes += freed
	}
	return sw, nil
}

// freeing runs del in tx and returns the stored bytes it freed.
func freeing(tx TenantTx, del func() error) (int64, error) {
	before, err := tx.StoredBytes()
	if err != nil {
		return 0, err
	}
	if err := del(); err != nil {
		return 0, err
	}
	left, err := tx.StoredBytes()
	return before - left, err
}
