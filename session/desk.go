// Package session keeps who works at this PC: it signs clerks in (online at the
// OZG-Cloud, offline with the grant and the local verifier this PC keeps, or against
// the local users of a PC that is not connected), locks the window after a time
// without input and signs out. It keeps Argon2id verifiers, never passwords, and
// never logs one.
package session

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Remote is what signing in needs of the OZG-Cloud; *client.HTTP has it.
type Remote interface {
	SignIn(ctx context.Context, user, password string) (wire.SignInResponse, error)
	Activate(ctx context.Context, code, password string) (wire.SignInResponse, error)
}

var _ Remote = (*client.HTTP)(nil)

// Options configure a Desk.
type Options struct {
	DB *store.DB
	// Remote returns the OZG-Cloud of a PC connected to it, nil (without error) for
	// a PC that is not connected.
	Remote func() (Remote, error)
	// Online reports whether the sync engine reaches the service now; nil = never.
	Online func() bool
	// Params are the Argon2id parameters of new verifiers; zero = DefaultParams.
	Params identity.Params
	Now    func() time.Time // nil = time.Now
	Rand   io.Reader        // nil = crypto/rand
	Log    *slog.Logger     // nil = discard
	// IdleLock, when set, overrides the administration's idle time (a test flag).
	IdleLock time.Duration
	// OnChange is told every change of State, outside every lock.
	OnChange func(State)
}

// Why the window is locked.
const (
	LockIdle    = "idle"    // no input for the idle time
	LockManual  = "manual"  // the clerk locked it
	LockGrant   = "grant"   // the grant ended while the OZG-Cloud is reachable
	LockRevoked = "revoked" // the administration ended the clerk's grant (a reset)
)

// NoticeDeactivated: the clerk was signed out because the administration
// deactivated the account.
const NoticeDeactivated = "deactivated"

// State is who works at this PC.
type State struct {
	Clerk      model.Clerk // zero when nobody is signed in
	Locked     bool
	LockReason string
	// Offline: signed in with the grant this PC keeps, the OZG-Cloud unreachable.
	Offline bool
	// GrantExpires is the end of the grant the clerk signed in with; zero on a PC
	// that is not connected.
	GrantExpires time.Time
	// Notice says why the PC signed the last clerk out (NoticeDeactivated), for the
	// sign-in screen.
	Notice   string
	IdleLock time.Duration
}

// SignedIn reports whether a clerk is signed in (locked or not).
func (s State) SignedIn() bool { return s.Clerk.ID != "" }

// Desk keeps who works at this PC. Its methods are safe for concurrent use; a
// sign-in holds no lock that anything but another sign-in waits for while it asks
// the service or verifies a password.
type Desk struct {
	db       *store.DB
	remote   func() (Remote, error)
	online   func() bool
	params   identity.Params
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	onChange func(State)
	override time.Duration

	attempt sync.Mutex // serialises sign-ins, so each sees the lockout the one before left

	mu   sync.Mutex
	st   State
	last time.Time // the last input while signed in
}

// New returns the Desk of db with nobody signed in.
func New(o Options) *Desk {
	d := &Desk{db: o.DB, remote: o.Remote, online: o.Online, params: o.Params, now: o.Now, rand: o.Rand,
		log: o.Log, onChange: o.OnChange, override: o.IdleLock}
	if d.remote == nil {
		d.remote = func() (Remote, error) { return nil, nil }
	}
	if d.online == nil {
		d.online = func() bool { return false }
	}
	if d.params == (identity.Params{}) {
		d.params = identity.DefaultParams
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.rand == nil {
		d.rand = rand.Reader
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.st.IdleLock = d.idleLock()
	return d
}

// idleLock is the override, else the administration's setting.
func (d *Desk) idleLock() time.Duration {
	if d.override > 0 {
		return d.override
	}
	t, err := d.db.IdleLock()
	if err != nil {
		d.log.Warn("session: idle lock not read; using the default", "err", err)
		return store.DefaultIdleLock
	}
	return t
}

// SetIdleLock keeps the administration's idle time (zero: the default); a test
// flag's override stays in force.
func (d *Desk) SetIdleLock(t time.Duration) error {
	if err := d.db.SetIdleLock(t); err != nil {
		return err
	}
	d.change(func(st *State) { st.IdleLock = d.idleLock() })
	return nil
}

// State returns who works here now, after locking the window if the idle time
// passed.
func (d *Desk) State() State {
	d.expire()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st
}

// Clerk returns the clerk signed in, for an action in their name: ErrNotSignedIn
// when nobody is, ErrScreenLocked while the window is locked (also when the idle
// time has just passed, or the grant ended while the OZG-Cloud is reachable).
func (d *Desk) Clerk() (model.Clerk, error) {
	d.expire()
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case !d.st.SignedIn():
		return model.Clerk{}, ErrNotSignedIn
	case d.st.Locked:
		return model.Clerk{}, ErrScreenLocked
	}
	return d.st.Clerk, nil
}

// Who returns the clerk signed in, locked or not; the zero Clerk when nobody is.
// It is for the parts that run without the clerk (the status bar), never for an
// action in the clerk's name.
func (d *Desk) Who() model.Clerk {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st.Clerk
}

// Touch records input in the window: the idle time starts again.
func (d *Desk) Touch() {
	d.expire()
	d.mu.Lock()
	if d.st.SignedIn() && !d.st.Locked {
		d.last = d.now()
	}
	d.mu.Unlock()
}

// Lock locks the window for reason; nothing when nobody is signed in.
func (d *Desk) Lock(reason string) {
	d.change(func(st *State) {
		if st.SignedIn() && !st.Locked {
			st.Locked, st.LockReason = true, reason
		}
	})
}

// SignOut signs the clerk out.
func (d *Desk) SignOut() { d.signOut("") }

func (d *Desk) signOut(notice string) {
	d.change(func(st *State) {
		if st.SignedIn() {
			d.log.Info("session: signed out", "clerk", st.Clerk.ID, "notice", notice)
		}
		*st = State{IdleLock: st.IdleLock, Notice: notice}
	})
}

// change changes the state under the lock and tells OnChange after, when it changed.
func (d *Desk) change(fn func(st *State)) {
	d.mu.Lock()
	before := d.st
	fn(&d.st)
	after := d.st
	d.mu.Unlock()
	if after != before && d.onChange != nil {
		d.onChange(after)
	}
}

// expire locks the window when the idle time has passed, or when the clerk's grant
// ended and the OZG-Cloud is reachable (offline the clerk finishes the work, and the
// service judges it when it arrives).
func (d *Desk) expire() {
	d.mu.Lock()
	st, last, now := d.st, d.last, d.now()
	d.mu.Unlock()
	if !st.SignedIn() || st.Locked {
		return
	}
	switch {
	case now.Sub(last) >= st.IdleLock:
		d.Lock(LockIdle)
	case !st.GrantExpires.IsZero() && !now.Before(st.GrantExpires) && d.online():
		d.Lock(LockGrant)
	}
}

// Run locks the window on time (State and Clerk lock it too, when asked) until ctx
// ends, and returns nil.
func (d *Desk) Run(ctx context.Context) error {
	every := time.Second
	if t := d.State().IdleLock / 2; t > 0 && t < every {
		every = t
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			d.expire()
		}
	}
}

// find returns the clerk named by ID or, ignoring case, by name.
func (d *Desk) find(name string) (model.Clerk, bool, error) {
	name = strings.TrimSpace(name)
	clerks, err := d.db.Clerks()
	if err != nil {
		return model.Clerk{}, false, err
	}
	for _, c := range clerks {
		if c.ID == name {
			return c, true, nil
		}
	}
	for _, c := range clerks {
		if strings.EqualFold(c.Name, name) {
			return c, true, nil
		}
	}
	return model.Clerk{}, false, nil
}

// SignIn signs a clerk in, named by user name or ID: on a PC connected to the
// OZG-Cloud at the service when it answers (this PC then keeps the grant and a
// verifier of the password), else offline with a grant this PC keeps that verifies
// and the local verifier; on a PC that is not connected against its local users. The
// errors are this package's, identity's (wrong password, *identity.LockedError) and
// *RefusedError.
func (d *Desk) SignIn(ctx context.Context, user, password string) (model.Clerk, error) {
	d.attempt.Lock()
	defer d.attempt.Unlock()
	c, known, err := d.find(user)
	if err != nil {
		return model.Clerk{}, err
	}
	name := c.ID
	if !known {
		name = strings.TrimSpace(user)
	}
	return d.signIn(ctx, c, known, name, password, false)
}

// Unlock unlocks the window for the clerk signed in, with their password: at the
// OZG-Cloud when it answers (which renews the grant), else against the local
// verifier, also when the grant has ended meanwhile (the clerk was signed in and
// finishes the work; the service judges it). Someone else signs out instead.
func (d *Desk) Unlock(ctx context.Context, password string) (model.Clerk, error) {
	d.attempt.Lock()
	defer d.attempt.Unlock()
	st := d.State()
	if !st.SignedIn() {
		return model.Clerk{}, ErrNotSignedIn
	}
	if !st.Locked {
		return st.Clerk, nil
	}
	return d.signIn(ctx, st.Clerk, true, st.Clerk.ID, password, true)
}

func (d *Desk) signIn(ctx context.Context, c model.Clerk, known bool, name, password string, unlock bool) (model.Clerk, error) {
	if known {
		u, err := d.db.LocalUser(c.ID)
		if err != nil {
			return model.Clerk{}, err
		}
		if !u.Active() {
			return model.Clerk{}, ErrDeactivated
		}
		if err := u.Lockout.Check(d.now()); err != nil {
			return model.Clerk{}, err
		}
	}
	remote, err := d.remote()
	if err != nil {
		return model.Clerk{}, err
	}
	if remote == nil {
		if !known {
			return model.Clerk{}, ErrUnknownUser
		}
		return d.verifyLocal(c, password, State{})
	}
	resp, err := remote.SignIn(ctx, name, password)
	switch {
	case err == nil:
		if unlock && resp.User.ID != c.ID {
			return model.Clerk{}, ErrOtherClerk
		}
		return d.accept(resp, password)
	case !unreachable(err):
		return model.Clerk{}, d.refused(c, known, err)
	case unlock:
		return d.verifyLocal(c, password, State{Offline: true, GrantExpires: d.State().GrantExpires})
	case !known:
		return model.Clerk{}, ErrNeverOnline
	}
	return d.offline(c, password)
}

// unreachable reports whether err means the OZG-Cloud did not answer the sign-in (the
// network, or the service disturbed): the PC then signs in offline.
func unreachable(err error) bool {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Code == wire.CodeUnavailable || we.Code == wire.CodeInternal
	}
	return errors.Is(err, client.ErrOffline)
}

// accept keeps the grant of an online sign-in and a verifier of the password, and
// signs the clerk in. A grant from the future, or one issued long before now by the
// PC's clock, means the PC's clock is off: ErrClock, nothing kept.
func (d *Desk) accept(resp wire.SignInResponse, password string) (model.Clerk, error) {
	now := d.now()
	g, err := d.verifyGrant(resp.Grant, now)
	switch {
	case errors.Is(err, identity.ErrGrantFromFuture):
		return model.Clerk{}, fmt.Errorf("%w: %v", ErrClock, err)
	case err != nil:
		return model.Clerk{}, err
	case now.Sub(g.IssuedAt) > identity.MaxClockSkew+30*time.Second:
		return model.Clerk{}, fmt.Errorf("%w: grant issued at %s, the PC says %s", ErrClock, g.IssuedAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case g.UserID != resp.User.ID:
		return model.Clerk{}, fmt.Errorf("%w: grant for %s answers a sign-in of %s", ErrGrantInvalid, g.UserID, resp.User.ID)
	}
	c := model.Clerk{ID: resp.User.ID, Name: resp.User.Name, Role: resp.User.Role}
	if old, err := d.db.Clerk(c.ID); err == nil {
		c.OrgUnit, c.Email, c.Phone = old.OrgUnit, old.Email, old.Phone
		if old != c {
			err = d.db.PutClerk(c)
		}
		if err != nil {
			return model.Clerk{}, err
		}
	} else if err := d.db.PutClerk(c); err != nil {
		return model.Clerk{}, err
	}
	v, err := identity.HashPassword(password, d.params, d.rand)
	if err != nil {
		return model.Clerk{}, err
	}
	if err := d.db.UpdateLocalUser(c.ID, func(u *store.LocalUser) error {
		*u = store.LocalUser{Verifier: v, Grant: resp.Grant, GrantIssued: g.IssuedAt, GrantExpires: g.Expires}
		return nil
	}); err != nil {
		return model.Clerk{}, err
	}
	d.signedIn(c, State{GrantExpires: g.Expires}, "online")
	return c, nil
}

// verifyGrant checks a grant token against the service's key and this PC.
func (d *Desk) verifyGrant(token string, now time.Time) (identity.Grant, error) {
	key, err := d.db.GrantKey()
	if err != nil {
		return identity.Grant{}, err
	}
	pub, err := wire.GrantKeyBytes(key)
	if err != nil {
		return identity.Grant{}, fmt.Errorf("%w: %v", ErrGrantInvalid, err)
	}
	return identity.VerifyGrant(token, ed25519.PublicKey(pub), d.db.DeviceID(), now, identity.MaxClockSkew)
}

// refused turns the service's refusal into the error for the clerk: a wrong password
// also counts for this PC's lockout, a deactivation ends what the PC keeps.
func (d *Desk) refused(c model.Clerk, known bool, err error) error {
	var we *wire.Error
	if !errors.As(err, &we) {
		return err
	}
	refusal := &RefusedError{Wire: we}
	if !known || we.Code != wire.CodeSignIn {
		return refusal
	}
	switch we.Reason {
	case wire.ReasonPassword:
		if lerr := d.fail(c.ID); lerr != nil {
			return lerr
		}
	case wire.ReasonDeactivated:
		if err := d.db.UpdateLocalUser(c.ID, func(u *store.LocalUser) error {
			*u = store.LocalUser{Deactivated: d.now()}
			return nil
		}); err != nil {
			return err
		}
	}
	return refusal
}

// fail counts a wrong password of clerk id on this PC and returns the
// *identity.LockedError when it locks the clerk.
func (d *Desk) fail(id string) error {
	var locked error
	err := d.db.UpdateLocalUser(id, func(u *store.LocalUser) error {
		locked = u.Lockout.Fail(d.now())
		return nil
	})
	if err != nil {
		return err
	}
	if locked != nil {
		d.log.Warn("session: sign-in locked on this PC after wrong passwords", "clerk", id)
	}
	return locked
}

// offline signs a clerk in whom the OZG-Cloud could not be asked about, with the
// grant this PC keeps and the local verifier.
func (d *Desk) offline(c model.Clerk, password string) (model.Clerk, error) {
	u, err := d.db.LocalUser(c.ID)
	if err != nil {
		return model.Clerk{}, err
	}
	if u.Grant == "" || u.Verifier == "" {
		return model.Clerk{}, ErrNeverOnline
	}
	g, err := d.verifyGrant(u.Grant, d.now())
	switch {
	case errors.Is(err, identity.ErrGrantExpired):
		return model.Clerk{}, &ExpiredError{At: g.Expires}
	case errors.Is(err, identity.ErrGrantFromFuture):
		return model.Clerk{}, fmt.Errorf("%w: %v", ErrClock, err)
	case err != nil:
		return model.Clerk{}, fmt.Errorf("%w: %v", ErrGrantInvalid, err)
	case g.UserID != c.ID:
		return model.Clerk{}, fmt.Errorf("%w: grant of %s kept for %s", ErrGrantInvalid, g.UserID, c.ID)
	}
	return d.verifyLocal(c, password, State{Offline: true, GrantExpires: g.Expires})
}

// verifyLocal checks password against the clerk's local verifier, counting a wrong
// one for the lockout, and signs the clerk in as how says.
func (d *Desk) verifyLocal(c model.Clerk, password string, how State) (model.Clerk, error) {
	u, err := d.db.LocalUser(c.ID)
	if err != nil {
		return model.Clerk{}, err
	}
	if u.Verifier == "" {
		if how.Offline || !how.GrantExpires.IsZero() {
			return model.Clerk{}, ErrNeverOnline
		}
		return model.Clerk{}, ErrNoPassword
	}
	upgrade, verr := identity.VerifyPassword(u.Verifier, password, d.params)
	if errors.Is(verr, identity.ErrWrongPassword) {
		if lerr := d.fail(c.ID); lerr != nil {
			return model.Clerk{}, lerr
		}
		return model.Clerk{}, verr
	}
	if verr != nil {
		d.log.Error("session: the stored verifier is damaged; the administration must reset the password", "clerk", c.ID)
		return model.Clerk{}, verr
	}
	var fresh string
	if upgrade {
		if fresh, err = identity.HashPassword(password, d.params, d.rand); err != nil {
			return model.Clerk{}, err
		}
	}
	if err := d.db.UpdateLocalUser(c.ID, func(u *store.LocalUser) error {
		u.Lockout.Succeed()
		if fresh != "" {
			u.Verifier = fresh
		}
		return nil
	}); err != nil {
		return model.Clerk{}, err
	}
	mode := "local"
	if how.Offline {
		mode = "offline"
	}
	d.signedIn(c, how, mode)
	return c, nil
}

// signedIn makes c the clerk working here, unlocked, the idle time starting now.
func (d *Desk) signedIn(c model.Clerk, how State, mode string) {
	d.log.Info("session: signed in", "clerk", c.ID, "how", mode)
	d.change(func(st *State) {
		*st = State{Clerk: c, Offline: how.Offline, GrantExpires: how.GrantExpires, IdleLock: st.IdleLock}
		d.last = d.now()
	})
}
