package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Errors of the local administration of users.
var (
	ErrNameMissing = errors.New("session: the user's name is missing")
	ErrNameTaken   = errors.New("session: another user has that name")
	ErrBadRole     = errors.New("session: unknown role")
	ErrSelf        = errors.New("session: the administration cannot deactivate itself")
)

// Activate sets a clerk's password with a one-time invitation code and signs the
// clerk in. On a PC connected to the OZG-Cloud the code is the service's (user add,
// reset-password) and the service must answer; on a PC that is not connected it is
// one the local administration made (AddUser, ResetPassword). The password rules
// (identity.CheckPassword) are checked first. Errors: the password rules', the
// invitation errors of identity, ErrNeedsConnection, *RefusedError.
func (d *Desk) Activate(ctx context.Context, code, password string) (model.Clerk, error) {
	d.attempt.Lock()
	defer d.attempt.Unlock()
	hash, err := identity.InvitationHash(code)
	if err != nil {
		return model.Clerk{}, err
	}
	remote, err := d.remote()
	if err != nil {
		return model.Clerk{}, err
	}
	if remote != nil {
		if err := identity.CheckPassword(password); err != nil {
			return model.Clerk{}, err
		}
		resp, err := remote.Activate(ctx, code, password)
		switch {
		case unreachable(err):
			return model.Clerk{}, ErrNeedsConnection
		case err != nil:
			var we *wire.Error
			if errors.As(err, &we) {
				return model.Clerk{}, &RefusedError{Wire: we}
			}
			return model.Clerk{}, err
		}
		return d.accept(resp, password)
	}
	users, err := d.db.LocalUsers()
	if err != nil {
		return model.Clerk{}, err
	}
	for id, u := range users {
		if u.Invitation == nil || u.Invitation.Hash != hash {
			continue
		}
		c, err := d.db.Clerk(id)
		if err != nil {
			return model.Clerk{}, err
		}
		return d.activateLocal(c, u, code, password)
	}
	return model.Clerk{}, identity.ErrInvitationWrong
}

func (d *Desk) activateLocal(c model.Clerk, u store.LocalUser, code, password string) (model.Clerk, error) {
	if !u.Active() {
		return model.Clerk{}, ErrDeactivated
	}
	try := *u.Invitation
	if err := try.Redeem(code, d.now()); err != nil {
		return model.Clerk{}, err
	}
	if err := identity.CheckPassword(password, c.Name, c.ID); err != nil {
		return model.Clerk{}, err
	}
	v, err := identity.HashPassword(password, d.params, d.rand)
	if err != nil {
		return model.Clerk{}, err
	}
	if err := d.db.UpdateLocalUser(c.ID, func(u *store.LocalUser) error {
		if u.Invitation == nil {
			return identity.ErrInvitationUsed
		}
		if err := u.Invitation.Redeem(code, d.now()); err != nil {
			return err
		}
		u.Verifier, u.Lockout = v, identity.Lockout{}
		return nil
	}); err != nil {
		return model.Clerk{}, err
	}
	d.signedIn(c, State{}, "invitation")
	return c, nil
}

// local checks that by may manage the users of this PC: the Administration role on
// a PC not connected to the OZG-Cloud (whose users are the service's).
func (d *Desk) local(by model.Clerk) error {
	if by.Role != model.RoleAdministration {
		return ErrNotAdmin
	}
	if _, err := d.db.SyncIdentity(); err == nil {
		return ErrConnected
	} else if !errors.Is(err, store.ErrNotEnrolled) {
		return err
	}
	return nil
}

// checkName refuses an empty name and one another clerk has (clerks sign in by name).
func (d *Desk) checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", ErrNameMissing
	}
	if _, taken, err := d.find(name); err != nil || taken {
		if err == nil {
			err = ErrNameTaken
		}
		return "", err
	}
	return name, nil
}

func (d *Desk) newID() (string, error) {
	id, err := uuid.NewV7FromReader(d.rand)
	if err != nil {
		return "", fmt.Errorf("session: new user ID: %w", err)
	}
	return id.String(), nil
}

// AddUser makes a new user of this PC (by: the administration signed in) and returns
// it with its one-time invitation code, with which the clerk sets their password;
// only the code's hash is kept. The code is valid for identity.InvitationValidity.
func (d *Desk) AddUser(by model.Clerk, name string, role model.Role) (model.Clerk, string, error) {
	if err := d.local(by); err != nil {
		return model.Clerk{}, "", err
	}
	name, err := d.checkName(name)
	if err != nil {
		return model.Clerk{}, "", err
	}
	if !role.Valid() {
		return model.Clerk{}, "", ErrBadRole
	}
	id, err := d.newID()
	if err != nil {
		return model.Clerk{}, "", err
	}
	code, inv, err := identity.NewInvitation(id, d.now(), 0, d.rand)
	if err != nil {
		return model.Clerk{}, "", err
	}
	c := model.Clerk{ID: id, Name: name, Role: role, OrgUnit: by.OrgUnit}
	if err := d.db.AddLocalUser(c, store.LocalUser{Invitation: &inv}); err != nil {
		return model.Clerk{}, "", err
	}
	d.log.Info("session: user added", "by", by.ID, "user", id)
	return c, code, nil
}

// ResetPassword ends the password of the user id on this PC and returns a new
// invitation code for them; their lockout ends too.
func (d *Desk) ResetPassword(by model.Clerk, id string) (string, error) {
	if err := d.local(by); err != nil {
		return "", err
	}
	code, inv, err := identity.NewInvitation(id, d.now(), 0, d.rand)
	if err != nil {
		return "", err
	}
	if err := d.db.UpdateLocalUser(id, func(u *store.LocalUser) error {
		if !u.Active() {
			return ErrDeactivated
		}
		*u = store.LocalUser{Invitation: &inv}
		return nil
	}); err != nil {
		return "", err
	}
	d.log.Info("session: password reset", "by", by.ID, "user", id)
	d.endFor(id, "")
	return code, nil
}

// Deactivate ends the account of the user id on this PC: no sign-in, no code.
func (d *Desk) Deactivate(by model.Clerk, id string) error {
	if err := d.local(by); err != nil {
		return err
	}
	if id == by.ID {
		return ErrSelf
	}
	if err := d.db.UpdateLocalUser(id, func(u *store.LocalUser) error {
		*u = store.LocalUser{Deactivated: d.now()}
		return nil
	}); err != nil {
		return err
	}
	d.log.Info("session: user deactivated", "by", by.ID, "user", id)
	d.endFor(id, NoticeDeactivated)
	return nil
}

// endFor signs clerk id out if they are the one signed in.
func (d *Desk) endFor(id, notice string) {
	if d.Who().ID == id {
		d.signOut(notice)
	}
}

// SetUpFirst makes the first user of a PC that has no clerks and is not connected to
// the OZG-Cloud: an administrator with the password given (the password rules
// apply), signed in at once, who then adds the other users.
func (d *Desk) SetUpFirst(name, password string) (model.Clerk, error) {
	d.attempt.Lock()
	defer d.attempt.Unlock()
	clerks, err := d.db.Clerks()
	if err != nil {
		return model.Clerk{}, err
	}
	if _, err := d.db.SyncIdentity(); len(clerks) > 0 || err == nil {
		return model.Clerk{}, ErrHasClerks
	}
	if name = strings.TrimSpace(name); name == "" {
		return model.Clerk{}, ErrNameMissing
	}
	if err := identity.CheckPassword(password, name); err != nil {
		return model.Clerk{}, err
	}
	id, err := d.newID()
	if err != nil {
		return model.Clerk{}, err
	}
	v, err := identity.HashPassword(password, d.params, d.rand)
	if err != nil {
		return model.Clerk{}, err
	}
	c := model.Clerk{ID: id, Name: name, Role: model.RoleAdministration}
	if m, err := d.db.Municipality(); err == nil {
		c.OrgUnit = m.OrgUnit
	}
	if err := d.db.AddLocalUser(c, store.LocalUser{Verifier: v}); err != nil {
		return model.Clerk{}, err
	}
	d.signedIn(c, State{}, "first")
	return c, nil
}

// ApplyDirectory takes over what the OZG-Cloud's directory says about signing in on
// this PC: its grant key; users deactivated there (this PC ends their grant and
// local password); users whose grants the service ended before GrantsNotBefore (a
// password reset: a grant issued before it, and the local password that came with
// it, end here too); and the tenant's absences. now is when a deactivation is noted. The Desk signs a deactivated clerk
// out and locks the window of one whose grant ended (Revalidate).
func ApplyDirectory(db *store.DB, dir wire.DirectoryResponse, now time.Time) error {
	if dir.GrantKey != "" {
		if err := db.SetGrantKey(dir.GrantKey); err != nil {
			return err
		}
	}
	local, err := db.LocalUsers()
	if err != nil {
		return err
	}
	for _, u := range dir.Users {
		have, ok := local[u.ID]
		switch {
		case !ok:
		case u.Deactivated && have.Active():
			err = db.UpdateLocalUser(u.ID, func(x *store.LocalUser) error {
				*x = store.LocalUser{Deactivated: now}
				return nil
			})
		case !u.Deactivated && !have.Active():
			err = db.UpdateLocalUser(u.ID, func(x *store.LocalUser) error {
				*x = store.LocalUser{}
				return nil
			})
		case u.GrantsNotBefore != nil && have.Grant != "" && have.GrantIssued.Before(*u.GrantsNotBefore):
			err = db.UpdateLocalUser(u.ID, func(x *store.LocalUser) error {
				x.Grant, x.GrantIssued, x.GrantExpires, x.Verifier = "", time.Time{}, time.Time{}, ""
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("session: directory user %s: %w", u.ID, err)
		}
	}
	if err := endMissing(db, dir.Users, local, now); err != nil {
		return err
	}
	absences := make([]identity.Absence, 0, len(dir.Absences))
	for _, a := range dir.Absences {
		from, ferr := wire.ParseDate(a.From)
		to, terr := wire.ParseDate(a.To)
		if ferr != nil || terr != nil {
			continue // DecodeDirectory validated the dates
		}
		absences = append(absences, identity.Absence{ID: a.ID, Absent: a.Absent, Substitute: a.Substitute, From: from, To: to})
	}
	return db.SetDirectoryAbsences(absences)
}

// endMissing ends what this PC keeps for users the directory no longer names (deleted
// at the service, say, while the PC was offline): like a deactivation, so they can no
// longer sign in here, offline either. An empty directory (an older service without
// users in it) ends nothing.
func endMissing(db *store.DB, named []wire.DirectoryUser, local map[string]store.LocalUser, now time.Time) error {
	if len(named) == 0 {
		return nil
	}
	known := make(map[string]bool, len(named))
	for _, u := range named {
		known[u.ID] = true
	}
	for id, have := range local {
		if known[id] || !have.Active() || (have.Grant == "" && have.Verifier == "") {
			continue
		}
		if err := db.UpdateLocalUser(id, func(x *store.LocalUser) error {
			*x = store.LocalUser{Deactivated: now}
			return nil
		}); err != nil {
			return fmt.Errorf("session: user %s no longer in the directory: %w", id, err)
		}
	}
	return nil
}

// Revalidate applies what the PC learnt of the clerk signed in (after a directory):
// a deactivated clerk is signed out, a clerk whose grant ended is asked for the
// password again (which then needs the OZG-Cloud), a changed name or role is taken.
func (d *Desk) Revalidate() {
	st := d.State()
	if !st.SignedIn() {
		return
	}
	u, err := d.db.LocalUser(st.Clerk.ID)
	if err != nil {
		d.log.Warn("session: revalidate", "err", err)
		return
	}
	if !u.Active() {
		d.signOut(NoticeDeactivated)
		return
	}
	c, err := d.db.Clerk(st.Clerk.ID)
	d.change(func(st *State) {
		if err == nil && st.Clerk.ID == c.ID {
			st.Clerk = c
		}
		if !st.GrantExpires.IsZero() && u.Grant == "" && st.SignedIn() && !st.Locked {
			st.Locked, st.LockReason = true, LockRevoked
		}
	})
}
