package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
)

// errEnrollSpec is a malformed --enroll value.
var errEnrollSpec = errors.New("--enroll wants URL,CODE,FINGERPRINT")

// parseEnroll splits --enroll "URL,CODE,FINGERPRINT" (the fingerprint as
// ozgcloud-server init prints it).
func parseEnroll(s string) (server, code, fingerprint string, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return "", "", "", errEnrollSpec
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		if parts[i] == "" {
			return "", "", "", errEnrollSpec
		}
	}
	return parts[0], parts[1], parts[2], nil
}

// enrollStore connects the store in dir to the OZG-Cloud before the window opens
// (--enroll), for scripted set-ups such as make demo-sync; administration does the
// same in the UI under "Mit OZG-Cloud verbinden". It enrolls with the one-time code,
// pinning the fingerprint, and takes the tenant's clerks and first org unit from the
// server's directory, so a fresh store (--demo-cases 0) has someone to work as. A
// store that is enrolled already is left as it is, so the flag may stay in a script
// that is run again. The store it makes is not new to the app any more, so
// --demo-cases makes no demo cases in it. It returns what it did, for the terminal.
func enrollStore(ctx context.Context, o store.Options, spec string) (string, error) {
	server, code, fp, err := parseEnroll(spec)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return "", fmt.Errorf("enroll: create data folder: %w", err)
	}
	db, err := store.Open(o)
	if err != nil {
		return "", fmt.Errorf("enroll: open store: %w", err)
	}
	defer db.Close()
	if id, err := db.SyncIdentity(); err == nil {
		return fmt.Sprintf("bereits mit %s verbunden (Gerät %s)", id.Server, id.DeviceCode), nil
	} else if !errors.Is(err, store.ErrNotEnrolled) {
		return "", fmt.Errorf("enroll: %w", err)
	}
	id, err := client.Connect(ctx, db, server, code, client.TLS{Fingerprint: fp})
	if err != nil {
		return "", fmt.Errorf("enroll: %s: %w", client.Message(err), err)
	}
	r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		return "", fmt.Errorf("enroll: %w", err)
	}
	dir, err := r.Directory(ctx)
	if err != nil {
		return "", fmt.Errorf("enroll: directory: %s: %w", client.Message(err), err)
	}
	m, err := db.Municipality()
	if errors.Is(err, store.ErrNotFound) {
		m = store.Municipality{Name: id.Tenant}
		if d := demo.Musterhausen(); d.Tenant == id.Tenant {
			m = store.Municipality{Name: d.Name, Street: d.Street, PostalCode: d.PostalCode, City: d.City}
		}
	} else if err != nil {
		return "", fmt.Errorf("enroll: %w", err)
	}
	m.Tenant = id.Tenant
	if m.OrgUnit == "" && len(dir.OrgUnits) > 0 {
		m.OrgUnit, m.OrgUnitName = dir.OrgUnits[0].ID, dir.OrgUnits[0].Name
	}
	if err := db.SetMunicipality(m); err != nil {
		return "", fmt.Errorf("enroll: %w", err)
	}
	for _, u := range dir.Users {
		if _, err := db.Clerk(u.ID); err == nil {
			continue
		}
		c := model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role, OrgUnit: m.OrgUnit}
		for _, d := range demo.Clerks() {
			if d.ID == c.ID && d.Name == c.Name {
				c.Email, c.Phone = d.Email, d.Phone
			}
		}
		if err := db.PutClerk(c); err != nil {
			return "", fmt.Errorf("enroll: clerk %s: %w", u.ID, err)
		}
	}
	return fmt.Sprintf("mit %s verbunden als Gerät %s im Mandanten %s (%d Benutzer)", id.Server, id.DeviceCode, id.Tenant, len(dir.Users)), nil
}
