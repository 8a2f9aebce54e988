package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/app"
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

// enrollStore connects db to the OZG-Cloud before the window opens (--enroll), for
// scripted set-ups such as make demo-sync; the administration does the same in the
// window under "Mit OZG-Cloud verbinden" (both through app.Enroll). It enrolls with
// the one-time code, pinning the fingerprint, and takes the tenant's clerks and first
// org unit from the server's directory, so a new store has someone to work as. A
// store that is enrolled already is left as it is, so the flag may stay in a script
// that is run again. It returns what it did, for the terminal.
func enrollStore(ctx context.Context, db *store.DB, spec string) (string, error) {
	server, code, fp, err := parseEnroll(spec)
	if err != nil {
		return "", err
	}
	if id, err := db.SyncIdentity(); err == nil {
		return fmt.Sprintf("bereits mit %s verbunden (Gerät %s)", id.Server, id.DeviceCode), nil
	} else if !errors.Is(err, store.ErrNotEnrolled) {
		return "", fmt.Errorf("enroll: %w", err)
	}
	id, users, err := app.Enroll(ctx, db, server, code, client.TLS{Fingerprint: fp})
	if err != nil {
		return "", fmt.Errorf("enroll: %w", err)
	}
	return fmt.Sprintf("mit %s verbunden als Gerät %s im Mandanten %s (%d Benutzer)", id.Server, id.DeviceCode, id.Tenant, users), nil
}
