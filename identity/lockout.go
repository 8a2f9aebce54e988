package identity

import (
	"fmt"
	"time"
)

// The lockout policy: MaxFailures wrong passwords in a row lock a user on this PC for
// FirstLock; each further lock before a successful sign-in lasts twice as long as the
// one before, up to MaxLock.
const (
	MaxFailures = 5
	FirstLock   = time.Minute
	MaxLock     = time.Hour
)

// Lockout is one user's sign-in state on one PC; the store keeps one per user and the
// zero value is a user without failures. It is plain data with no clock of its own:
// the caller passes the time, reads the state, verifies the password outside any
// lock others wait on, then stores the state Fail or Succeed left. Callers serialise
// sign-ins of one user, or parallel attempts could each see the count before the
// other's failure.
//
// The lock follows the PC's clock: someone who may set it forward can end a lock
// early. Changing the Windows clock needs administrator rights, which a clerk at a
// town hall PC does not have.
type Lockout struct {
	Failures int       `json:"failures,omitzero"` // wrong passwords since the last lock or success
	Locks    int       `json:"locks,omitzero"`    // locks since the last success
	Until    time.Time `json:"until,omitzero"`    // locked before this instant
}

// Check returns a *LockedError (wrapping ErrLocked) while the user is locked at now,
// else nil. Call it before verifying a password: a locked user's attempts are not
// verified and not counted.
func (l Lockout) Check(now time.Time) error {
	if now.Before(l.Until) {
		return &LockedError{Until: l.Until}
	}
	return nil
}

// Fail records a wrong password at now. It returns a *LockedError when this failure
// (or an earlier one) locks the user, else nil.
func (l *Lockout) Fail(now time.Time) error {
	if err := l.Check(now); err != nil {
		return err
	}
	l.Failures++
	if l.Failures < MaxFailures {
		return nil
	}
	l.Failures = 0
	l.Until = now.Add(lockDuration(l.Locks))
	l.Locks++
	return &LockedError{Until: l.Until}
}

// Succeed records a successful sign-in: failures and the doubling start over.
func (l *Lockout) Succeed() { *l = Lockout{} }

// lockDuration returns how long the lock after `earlier` locks lasts.
func lockDuration(earlier int) time.Duration {
	d := FirstLock
	for i := 0; i < earlier && d < MaxLock; i++ {
		d *= 2
	}
	return min(d, MaxLock)
}

// LockedError says until when a user is locked. errors.Is(err, ErrLocked) holds.
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("identity: locked until %s", e.Until.UTC().Format(time.RFC3339))
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Remaining returns how long the lock lasts after now; zero once it has ended.
func (e *LockedError) Remaining(now time.Time) time.Duration {
	return max(e.Until.Sub(now), 0)
}

// German returns the message for the clerk, with the end of the lock as a wall-clock
// time in loc rounded up to the minute, and the minutes left rounded up:
// "… gesperrt bis 14:32 Uhr (noch 2 Minuten)."
func (e *LockedError) German(now time.Time, loc *time.Location) string {
	minutes := max(int((e.Remaining(now)+time.Minute-1)/time.Minute), 1)
	left := "noch 1 Minute"
	if minutes != 1 {
		left = fmt.Sprintf("noch %d Minuten", minutes)
	}
	until := e.Until.In(loc)
	if t := until.Truncate(time.Minute); !t.Equal(until) {
		until = t.Add(time.Minute)
	}
	return fmt.Sprintf("Nach zu vielen falschen Passwörtern ist die Anmeldung dieses Benutzers auf diesem PC gesperrt bis %s Uhr (%s).",
		until.Format("15:04"), left)
}
