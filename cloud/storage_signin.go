package cloud

import (
	"time"

	"github.com/ozgcloud/desktop/identity"
)

// Grant is what the service recorded of the grants it issued one device for one
// user: the window [IssuedAt, Expires) they cover. A grant issued while the
// window is still open extends it instead of adding a record, so a clerk who signs
// in every day costs one record per PC, and a push reads a handful. The service
// checks every pushed mutation against these records, never against what a device
// says it holds.
type Grant struct {
	ID       string    `json:"id"` // of the first grant of the window
	Tenant   string    `json:"tenant"`
	UserID   string    `json:"userId"`
	DeviceID string    `json:"deviceId"`
	IssuedAt time.Time `json:"issuedAt"` // UTC, whole seconds
	Expires  time.Time `json:"expires"`  // UTC, whole seconds
}

// identity returns the window as an identity.Grant, for identity.Revocations.
func (g Grant) identity() identity.Grant {
	return identity.Grant{ID: g.ID, Tenant: g.Tenant, UserID: g.UserID, DeviceID: g.DeviceID,
		IssuedAt: g.IssuedAt, Expires: g.Expires}
}

// Absence is a clerk's absence with a substitute (Vertretung) as the service keeps
// it: the absence, its tenant, and who recorded it last and when.
type Absence struct {
	identity.Absence
	Tenant   string    `json:"tenant"`
	By       string    `json:"by"`
	Recorded time.Time `json:"recorded"`
}
