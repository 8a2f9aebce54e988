package wire

import (
	"fmt"
	"io"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// PathDirectory (GET, device token) answers the tenant's clerks and org units as a
// DirectoryResponse. A desktop needs them because the server checks a pushed
// mutation's user against its own users (so the desktop's clerk list must be the
// tenant's), and weiterleiten needs an org unit to forward to. Added after Version 1
// without changing any existing body: an older server answers 404, and the desktop
// then keeps the clerks it has.
const PathDirectory = "/v1/directory"

// MaxDirectory bounds a directory answer; a tenant has at most a few hundred clerks.
const MaxDirectory = 4 << 20

// DirectoryResponse is the tenant's directory, each list sorted by the server.
type DirectoryResponse struct {
	Users    []DirectoryUser    `json:"users"`
	OrgUnits []DirectoryOrgUnit `json:"orgUnits"`
	// Absences are the tenant's current and future absences (auth.go).
	Absences []Absence `json:"absences,omitempty"`
	// GrantKey is the service's Ed25519 public key (base64, standard encoding) that
	// signs grants; the desktop checks offline sign-ins against it.
	GrantKey string `json:"grantKey,omitempty"`
}

// DirectoryUser is a clerk of the tenant.
type DirectoryUser struct {
	ID   string     `json:"id"`
	Name string     `json:"name"`
	Role model.Role `json:"role"`
	// Deactivated users can no longer sign in anywhere; their grants have ended.
	Deactivated bool `json:"deactivated,omitempty"`
	// GrantsNotBefore ends the user's grants issued before it, on every PC: set by a
	// password reset (and a deactivation). A desktop refuses an offline sign-in with
	// such a grant, and the local password that went with it.
	GrantsNotBefore *time.Time `json:"grantsNotBefore,omitempty"`
}

// DirectoryOrgUnit is an org unit of the tenant; ID is its zustaendigeStelle.
type DirectoryOrgUnit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Validate checks that every entry has an ID and a name, every user a known role,
// every absence its clerks and dates, and the grant key, when set, is one.
func (d DirectoryResponse) Validate() error {
	for i, u := range d.Users {
		if err := u.validate(fmt.Sprintf("users[%d]", i)); err != nil {
			return err
		}
	}
	for i, a := range d.Absences {
		if err := a.Validate(); err != nil {
			return fmt.Errorf("absences[%d]: %w", i, err)
		}
	}
	if d.GrantKey != "" {
		if _, err := GrantKeyBytes(d.GrantKey); err != nil {
			return err
		}
	}
	for i, o := range d.OrgUnits {
		switch {
		case o.ID == "":
			return fmt.Errorf("%w: orgUnits[%d].id", ErrMissing, i)
		case o.Name == "":
			return fmt.Errorf("%w: orgUnits[%d].name", ErrMissing, i)
		}
	}
	return nil
}

func (u DirectoryUser) validate(name string) error {
	switch {
	case u.ID == "":
		return fmt.Errorf("%w: %s.id", ErrMissing, name)
	case u.Name == "":
		return fmt.Errorf("%w: %s.name", ErrMissing, name)
	case !u.Role.Valid():
		return fmt.Errorf("%w: %s.role %q", ErrDecode, name, u.Role)
	}
	return nil
}

// DecodeDirectory reads and validates a directory answer of at most max bytes.
func DecodeDirectory(r io.Reader, max int64) (DirectoryResponse, error) {
	return decodeValid[DirectoryResponse](r, max, "directory")
}
