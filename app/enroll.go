package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Enroll connects the PC to the OZG-Cloud at server with the one-time code, trusting
// the server as t says, and takes over what the service names: the tenant (a PC that
// has no municipality yet is named after the tenant, with its first org unit), its
// clerks and its org units. The clerks come before the first push, which the server
// checks against them. It returns the identity and the number of the tenant's
// clerks; errors are client.Connect's (syncMessage says them in German). main
// calls it for --enroll, ConnectSync in the window.
func Enroll(ctx context.Context, db *store.DB, server, code string, t client.TLS) (store.SyncIdentity, int, error) {
	id, dir, err := enroll(ctx, db, server, code, t)
	return id, len(dir.Users), err
}

func enroll(ctx context.Context, db *store.DB, server, code string, t client.TLS) (store.SyncIdentity, wire.DirectoryResponse, error) {
	id, err := client.Connect(ctx, db, server, code, t)
	if err != nil {
		return store.SyncIdentity{}, wire.DirectoryResponse{}, err
	}
	r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile})
	if err != nil {
		return id, wire.DirectoryResponse{}, fmt.Errorf("app: enroll: %w", err)
	}
	dir, err := directory(ctx, r)
	if err != nil {
		return id, dir, fmt.Errorf("app: enroll: directory: %w", err)
	}
	m, err := db.Municipality()
	if errors.Is(err, store.ErrNotFound) {
		m = store.Municipality{Name: id.Tenant}
	} else if err != nil {
		return id, dir, fmt.Errorf("app: enroll: %w", err)
	}
	m.Tenant = id.Tenant
	if m.OrgUnit == "" && len(dir.OrgUnits) > 0 {
		m.OrgUnit, m.OrgUnitName = dir.OrgUnits[0].ID, dir.OrgUnits[0].Name
	}
	if err := db.SetMunicipality(m); err != nil {
		return id, dir, fmt.Errorf("app: enroll: %w", err)
	}
	return id, dir, applyDirectory(db, dir, time.Now())
}

// directory fetches the tenant's directory. An older server without one answers 404:
// the directory is empty then.
func directory(ctx context.Context, dir client.Directory) (wire.DirectoryResponse, error) {
	d, err := dir.Directory(ctx)
	var we *wire.Error
	if errors.As(err, &we) && we.Code == wire.CodeNotFound {
		return wire.DirectoryResponse{}, nil
	}
	return d, err
}

// applyDirectory puts the tenant's users into the store as clerks (keeping what this
// PC knows of them besides name and role), keeps its org units and takes over what
// it says about signing in (session.ApplyDirectory); now is when it arrived.
func applyDirectory(db *store.DB, d wire.DirectoryResponse, now time.Time) error {
	m, err := db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for _, u := range d.Users {
		old, err := db.Clerk(u.ID)
		if err == nil && old.Name == u.Name && old.Role == u.Role {
			continue
		}
		c := model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role, OrgUnit: m.OrgUnit}
		if err == nil {
			c.OrgUnit, c.Email, c.Phone = old.OrgUnit, old.Email, old.Phone
		}
		if err := db.PutClerk(c); err != nil {
			return fmt.Errorf("app: directory clerk %s: %w", u.ID, err)
		}
	}
	units := make([]store.OrgUnit, 0, len(d.OrgUnits))
	for _, o := range d.OrgUnits {
		units = append(units, store.OrgUnit{ID: o.ID, Name: o.Name})
	}
	if err := db.SetOrgUnits(units); err != nil {
		return fmt.Errorf("app: directory org units: %w", err)
	}
	if err := session.ApplyDirectory(db, d, now); err != nil {
		return fmt.Errorf("app: directory: %w", err)
	}
	return nil
}
