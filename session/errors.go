package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// Errors of signing in; the app says them in German. Password and lockout errors are
// identity's (identity.ErrWrongPassword, *identity.LockedError, the password rules),
// invitation errors too.
var (
	// ErrNotSignedIn: nobody is signed in on this PC.
	ErrNotSignedIn = errors.New("session: nobody is signed in")
	// ErrScreenLocked: the window is locked; the clerk signed in must give their
	// password again (Unlock), or sign out.
	ErrScreenLocked = errors.New("session: the window is locked")
	// ErrUnknownUser: this PC knows no clerk of that name or ID.
	ErrUnknownUser = errors.New("session: no such user on this PC")
	// ErrNoPassword: the clerk has no password on this PC yet (a new user of a PC
	// that is not connected: the invitation code sets it).
	ErrNoPassword = errors.New("session: no password set")
	// ErrNeverOnline: the PC cannot reach the OZG-Cloud and the clerk never signed in
	// on it while it could, so it holds no grant for them.
	ErrNeverOnline = errors.New("session: never signed in on this PC while online")
	// ErrGrantInvalid: the grant kept for the clerk does not verify (not the
	// service's key, another PC, damaged).
	ErrGrantInvalid = errors.New("session: the grant kept on this PC does not verify")
	// ErrClock: the PC's clock is more than identity.MaxClockSkew off the service's.
	ErrClock = errors.New("session: the PC's clock is off")
	// ErrDeactivated: the administration deactivated the user.
	ErrDeactivated = errors.New("session: the user is deactivated")
	// ErrNeedsConnection: setting a password with an invitation code of the
	// OZG-Cloud needs the service.
	ErrNeedsConnection = errors.New("session: the OZG-Cloud is not reachable")
	// ErrOtherClerk: unlocking is for the clerk signed in; someone else signs out.
	ErrOtherClerk = errors.New("session: another clerk is signed in")
	// ErrNotAdmin, ErrConnected, ErrHasClerks: the local administration of users is
	// for the Administration role on a PC not connected to the OZG-Cloud; the first
	// administrator can be made only on a PC without clerks.
	ErrNotAdmin  = errors.New("session: only the administration manages users")
	ErrConnected = errors.New("session: the OZG-Cloud manages the users of this PC")
	ErrHasClerks = errors.New("session: this PC has clerks already")
)

// ExpiredError refuses an offline sign-in with a grant that ended At.
type ExpiredError struct{ At time.Time }

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("session: the offline sign-in ended at %s", e.At.UTC().Format(time.RFC3339))
}

// RefusedError is the OZG-Cloud's refusal of a sign-in or an activation; Wire's
// Message is German, for the clerk. errors.Is(err, ErrDeactivated) holds for the
// reason wire.ReasonDeactivated.
type RefusedError struct{ Wire *wire.Error }

func (e *RefusedError) Error() string { return "session: refused: " + e.Wire.Error() }

func (e *RefusedError) Unwrap() error { return e.Wire }

// Is makes a deactivation refused by the service an ErrDeactivated.
func (e *RefusedError) Is(target error) bool {
	return target == ErrDeactivated && e.Wire.Code == wire.CodeSignIn && e.Wire.Reason == wire.ReasonDeactivated
}
