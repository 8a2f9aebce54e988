package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Users is the bound service of the administration's screen "Benutzer": the users
// of this PC and the idle time after which the window locks. On a PC not connected
// to the OZG-Cloud the administration adds users (each gets a one-time invitation
// code with which they set their own password), resets passwords (a new code) and
// deactivates users; on a connected PC the OZG-Cloud's administration does that.
type Users struct{ base }

// NewUsers returns the service.
func NewUsers(e Env) *Users { return &Users{base: newBase(e)} }

// ListUsers returns the screen "Benutzer".
func (a *Users) ListUsers() (UsersView, error) {
	if _, err := a.admin(msgUsersAdminOnly); err != nil {
		return UsersView{}, err
	}
	clerks, users, err := a.clerksAndUsers()
	if err != nil {
		return UsersView{}, err
	}
	idle := a.desk.State().IdleLock
	v := UsersView{Users: []UserView{}, Managed: !a.connected(), IdleLockMinutes: int((idle + time.Minute - 1) / time.Minute),
		Roles: options(model.Roles, func(r model.Role) Option { return Option{string(r), r.Label()} })}
	for _, c := range clerks {
		v.Users = append(v.Users, a.userView(c, users[c.ID]))
	}
	return v, nil
}

func (a *Users) userView(c model.Clerk, u store.LocalUser) UserView {
	v := UserView{ID: c.ID, Name: c.Name, Role: string(c.Role), RoleLabel: c.Role.Label(), Deactivated: !u.Active()}
	now := a.now()
	var locked *identity.LockedError
	switch {
	case !u.Active():
		v.State = fmt.Sprintf(msgUserDeactivated, u.Deactivated.In(a.loc).Format(layoutDateTimeGerman))
	case errors.As(u.Lockout.Check(now), &locked):
		v.State = locked.German(now, a.loc)
	case u.Verifier == "" && u.Invitation != nil && u.Invitation.Used.IsZero():
		v.State = fmt.Sprintf(msgUserInvited, u.Invitation.Expires.In(a.loc).Format(layoutDateTimeGerman))
	case u.Verifier == "" && a.connected():
		v.State = msgUserNeverHere
	case u.Verifier == "":
		v.State = msgUserNoPassword
	case !u.GrantExpires.IsZero():
		v.State = fmt.Sprintf(msgUserGrant, u.GrantExpires.In(a.loc).Format(layoutDateTimeGerman))
	default:
		v.State = msgUserActive
	}
	return v
}

// AddUser adds a user of this PC and returns the one-time code for them.
func (a *Users) AddUser(name, role string) (InvitationView, error) {
	me, err := a.admin(msgUsersAdminOnly)
	if err != nil {
		return InvitationView{}, err
	}
	c, code, err := a.desk.AddUser(me, name, model.Role(role))
	if err != nil {
		return InvitationView{}, usersError(err)
	}
	return a.invitation(c, code)
}

// ResetUserPassword ends the user's password on this PC and returns a new code.
func (a *Users) ResetUserPassword(id string) (InvitationView, error) {
	me, err := a.admin(msgUsersAdminOnly)
	if err != nil {
		return InvitationView{}, err
	}
	code, err := a.desk.ResetPassword(me, id)
	if err != nil {
		return InvitationView{}, usersError(err)
	}
	c, err := a.db.Clerk(id)
	if err != nil {
		return InvitationView{}, usersError(err)
	}
	return a.invitation(c, code)
}

func (a *Users) invitation(c model.Clerk, code string) (InvitationView, error) {
	u, err := a.db.LocalUser(c.ID)
	if err != nil || u.Invitation == nil {
		return InvitationView{}, toError(err)
	}
	return InvitationView{User: a.userView(c, u), Code: code, Expires: u.Invitation.Expires.In(a.loc).Format(layoutDateTimeGerman)}, nil
}

// DeactivateUser ends a user's account on this PC.
func (a *Users) DeactivateUser(id string) (UsersView, error) {
	me, err := a.admin(msgUsersAdminOnly)
	if err != nil {
		return UsersView{}, err
	}
	if err := a.desk.Deactivate(me, id); err != nil {
		return UsersView{}, usersError(err)
	}
	return a.ListUsers()
}

// SetIdleLock sets after how many minutes without input the window locks (1 to
// 240; a counter PC may want little).
func (a *Users) SetIdleLock(minutes int) (UsersView, error) {
	if _, err := a.admin(msgUsersAdminOnly); err != nil {
		return UsersView{}, err
	}
	if minutes < 1 || minutes > 240 {
		return UsersView{}, &Error{Code: CodeInvalid, Message: msgIdleLockRange, Fields: map[string]string{"minutes": msgIdleLockRange}}
	}
	if err := a.desk.SetIdleLock(time.Duration(minutes) * time.Minute); err != nil {
		return UsersView{}, toError(err)
	}
	return a.ListUsers()
}
