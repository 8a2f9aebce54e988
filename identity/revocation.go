package identity

import (
	"fmt"
	"time"
)

// Revocations is what the central service's registry knows of grants that ended
// before they expired. A grant is revoked when its ID is listed, or when it was issued
// before its user's or its device's not-before time. The service sets a user's
// not-before when it deactivates the user (and, if it chooses, on a password reset),
// and a device's when it revokes the device; a later grant, issued after the user
// signed in again, is unaffected. Revocation voids the whole grant, including work
// stamped before the revocation: a mutation's time is the device's claim, and a
// revoked device could backdate.
type Revocations struct {
	Grants  map[string]bool      // grant ID → revoked
	Users   map[string]time.Time // user ID → grants issued before this are void
	Devices map[string]time.Time // device ID → grants issued before this are void
}

// Revoked reports whether g was revoked.
func (r Revocations) Revoked(g Grant) bool {
	if r.Grants[g.ID] {
		return true
	}
	if t, ok := r.Users[g.UserID]; ok && g.IssuedAt.Before(t) {
		return true
	}
	t, ok := r.Devices[g.DeviceID]
	return ok && g.IssuedAt.Before(t)
}

// Authorize is the service's check of one mutation: whether userID could act on
// deviceID at the instant at. grants are the device's grants, each already checked
// with VerifyGrant against the device the request authenticated as (the service
// verifies a push's grants once, then calls Authorize per mutation). It returns nil
// when an unrevoked grant covers the mutation, an error wrapping ErrGrantRevoked when
// only revoked grants do, else one wrapping ErrNoGrant. Whether the user's role allows
// the action is a separate check against the service's own registry.
func (r Revocations) Authorize(grants []Grant, userID, deviceID string, at time.Time) error {
	revoked := ""
	for _, g := range grants {
		if !g.Covers(userID, deviceID, at) {
			continue
		}
		if !r.Revoked(g) {
			return nil
		}
		revoked = g.ID
	}
	if revoked != "" {
		return fmt.Errorf("%w: grant %s of user %s on device %s", ErrGrantRevoked, revoked, userID, deviceID)
	}
	return fmt.Errorf("%w: user %s on device %s at %s", ErrNoGrant, userID, deviceID, at.UTC().Format(time.RFC3339))
}
