package cloud

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/sync/wire"
)

// ErrSignIn is wrapped by every *SignInError.
var ErrSignIn = errors.New("cloud: sign-in refused")

// SignInError refuses a sign-in, an activation or an absence. The HTTP layer
// answers wire.CodeSignIn with Reason (one of the wire.Reason values) and the German
// Message; Retry, when set, is how long a locked user waits (Retry-After).
type SignInError struct {
	Reason  string
	Message string
	Retry   time.Duration
}

func (e *SignInError) Error() string { return "cloud: sign-in refused: " + e.Reason }
func (e *SignInError) Unwrap() error { return ErrSignIn }

func refuse(reason, msg string) error { return &SignInError{Reason: reason, Message: msg} }

// refuseWith refuses with the German text of an identity error.
func refuseWith(reason string, err error) error {
	var ie *identity.Error
	if errors.As(err, &ie) {
		return refuse(reason, ie.Message)
	}
	return refuse(reason, "Die Anmeldung ist fehlgeschlagen.")
}

var errWrongPassword = refuse(wire.ReasonPassword,
	"Benutzername oder Passwort ist falsch.")

// GrantPublicKey returns the service's Ed25519 public key for grants in standard
// base64 (wire.DirectoryResponse.GrantKey), making the key pair when the storage has
// none yet. init and serve call it, so a new installation and one from before
// sign-in existed get their key before the first device asks.
func (s *Service) GrantPublicKey(ctx context.Context) (string, error) {
	k, err := s.grantKey(ctx)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey)), nil
}

// grantKey returns the key that signs grants: loaded from the registry once, made
// and stored there when it has none.
func (s *Service) grantKey(ctx context.Context) (ed25519.PrivateKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	key, err := lookup(ctx, s, RegistryTx.GrantKey)
	if errors.Is(err, ErrNotFound) {
		err = s.store.Registry(ctx, func(r RegistryTx) error {
			key, err = r.GrantKey()
			if !errors.Is(err, ErrNotFound) {
				return err // another instance made it first
			}
			_, priv, err := ed25519.GenerateKey(s.rand)
			if err != nil {
				return err
			}
			key = priv
			return r.PutGrantKey(key)
		})
		if err == nil {
			s.log.Info("grant key made")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cloud: grant key: %w", err)
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("cloud: grant key: stored key has %d bytes", len(key))
	}
	s.key = ed25519.PrivateKey(key)
	return s.key, nil
}

// hash runs fn, a password hash or verification, when one of the service's hashers
// is free: each takes tens of MB and tens of ms, so a burst of sign-ins waits
// instead of taking the server's memory. It holds no lock of the storage.
func (s *Service) hash(ctx context.Context, fn func()) error {
	select {
	case s.hashers <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("cloud: waiting to verify a password: %w", ctx.Err())
	}
	defer func() { <-s.hashers }()
	fn()
	return nil
}

// hashPassword makes a verifier of password when a hasher is free (see hash); an
// error of the hashing itself is wrapped with what.
func (s *Service) hashPassword(ctx context.Context, what, password string) (string, error) {
	var verifier string
	var herr error
	if err := s.hash(ctx, func() { verifier, herr = identity.HashPassword(password, s.password, s.rand) }); err != nil {
		return "", err
	}
	if herr != nil {
		return "", fmt.Errorf("cloud: %s: %w", what, herr)
	}
	return verifier, nil
}

// findUser returns the user named by ID, or else the one user whose name matches
// name case-insensitively (two of the same name must sign in by ID).
func findUser(users []User, name string) (User, bool) {
	name = strings.TrimSpace(name)
	var match []User
	for _, u := range users {
		if u.ID == name {
			return u, true
		}
		if strings.EqualFold(u.Name, name) {
			match = append(match, u)
		}
	}
	if len(match) == 1 {
		return match[0], true
	}
	return User{}, false
}

func userByID(users []User, id string) (User, bool) {
	for _, u := range users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// SignIn checks a clerk's password for device d and issues the device a grant for
// the clerk, valid for the tenant's offline period. The user is found in d's
// tenant only. An unknown user costs the same as a wrong password
// (identity.VerifyUnknown), and a wrong password counts towards the user's lockout
// whichever device sent it. The password is verified outside every storage
// transaction. Refusals are *SignInError (reasons wire.ReasonPassword, ReasonLocked,
// ReasonDeactivated, ReasonNoPassword); a device revoked meanwhile gets
// ErrUnauthorized.
func (s *Service) SignIn(ctx context.Context, d Device, name, password string) (wire.SignInResponse, error) {
	users, err := lookup(ctx, s, func(r RegistryTx) ([]User, error) { return r.Users(d.Tenant) })
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloud: sign in: %w", err)
	}
	now := s.now().UTC()
	u, found := findUser(users, name)
	if !found || u.Verifier == "" {
		if err := s.hash(ctx, func() { _ = identity.VerifyUnknown(password, s.password) }); err != nil {
			return wire.SignInResponse{}, err
		}
		if !found {
			return wire.SignInResponse{}, errWrongPassword
		}
		return wire.SignInResponse{}, refuse(wire.ReasonNoPassword,
			"Für diesen Benutzer ist noch kein Passwort gesetzt. Bitte melden Sie sich mit dem Einladungscode der Administration an.")
	}
	if err := u.Lockout.Check(now); err != nil {
		return wire.SignInResponse{}, s.locked(err, now)
	}
	var upgrade bool
	var verr error
	if err := s.hash(ctx, func() { upgrade, verr = identity.VerifyPassword(u.Verifier, password, s.password) }); err != nil {
		return wire.SignInResponse{}, err
	}
	if errors.Is(verr, identity.ErrMalformedVerifier) {
		s.log.Error("sign in: stored verifier is damaged; reset the user's password", "tenant", d.Tenant, "user", u.ID)
	}
	var newVerifier string
	if verr == nil && upgrade {
		if newVerifier, err = s.hashPassword(ctx, "sign in: upgrade verifier", password); err != nil {
			return wire.SignInResponse{}, err
		}
	}
	var g identity.Grant
	var refusal error
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		refusal = nil
		cur, err := s.currentUser(r, d.Tenant, u.ID)
		if err != nil {
			return err
		}
		if verr != nil {
			// The state as it is now, not as read before the verification: parallel
			// wrong passwords all count.
			wasLocked := cur.Lockout.Check(now) != nil
			if lockErr := cur.Lockout.Fail(now); lockErr != nil {
				refusal = s.locked(lockErr, now)
				if !wasLocked {
					s.log.Warn("user locked after wrong passwords", "tenant", d.Tenant, "user", cur.ID, "until", cur.Lockout.Until)
				}
			} else {
				refusal = errWrongPassword
			}
			return r.PutUser(cur)
		}
		switch {
		case cur.Verifier != u.Verifier:
			// Reset or set again while we verified: the password checked is void.
			refusal = errWrongPassword
			return nil
		case cur.Deactivated != nil:
			refusal = refuse(wire.ReasonDeactivated, deactivatedMessage)
			return nil
		}
		cur.Lockout.Succeed()
		if newVerifier != "" {
			cur.Verifier = newVerifier
		}
		if g, err = s.issue(r, cur, d, now); err != nil {
			return err
		}
		return r.PutUser(cur)
	})
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloud: sign in: %w", err)
	}
	if refusal != nil {
		return wire.SignInResponse{}, refusal
	}
	return s.signed(ctx, g, u)
}

const deactivatedMessage = "Dieser Benutzer wurde von der Administration deaktiviert und kann sich nicht mehr anmelden."

// locked turns an identity.LockedError into the refusal the clerk sees, with the
// end of the lock in Berlin time and the wait for Retry-After.
func (s *Service) locked(err error, now time.Time) error {
	var le *identity.LockedError
	if !errors.As(err, &le) {
		return errWrongPassword
	}
	minutes := max(int((le.Remaining(now)+time.Minute-1)/time.Minute), 1)
	left := "noch 1 Minute"
	if minutes != 1 {
		left = fmt.Sprintf("noch %d Minuten", minutes)
	}
	until := le.Until.In(s.loc).Add(time.Minute - time.Nanosecond).Truncate(time.Minute)
	return &SignInError{Reason: wire.ReasonLocked, Retry: le.Remaining(now), Message: fmt.Sprintf(
		"Nach zu vielen falschen Passwörtern ist die Anmeldung dieses Benutzers gesperrt bis %s Uhr (%s).",
		until.Format("15:04"), left)}
}

// currentUser reads a user of tenant inside a registry transaction.
func (s *Service) currentUser(r RegistryTx, tenant, id string) (User, error) {
	users, err := r.Users(tenant)
	if err != nil {
		return User{}, err
	}
	u, ok := userByID(users, id)
	if !ok {
		return User{}, fmt.Errorf("user %s of %s: %w", id, tenant, ErrNotFound)
	}
	return u, nil
}

// Activate sets a clerk's password with a one-time invitation code and signs the
// clerk in on device d, like SignIn. The code must belong to a user of d's tenant
// and be unused and unexpired; the password must pass identity.CheckPassword. It is
// hashed outside every storage transaction. Refusals are *SignInError (reasons
// wire.ReasonInvitation, ReasonWeakPassword, ReasonDeactivated).
func (s *Service) Activate(ctx context.Context, d Device, code, password string) (wire.SignInResponse, error) {
	h, err := identity.InvitationHash(code)
	if err != nil {
		return wire.SignInResponse{}, refuseWith(wire.ReasonInvitation, err)
	}
	now := s.now().UTC()
	u, err := lookup(ctx, s, func(r RegistryTx) (User, error) { return r.UserByInvitation(h) })
	if errors.Is(err, ErrNotFound) || (err == nil && u.Tenant != d.Tenant) {
		// Another tenant's code is as unknown here as one never made.
		return wire.SignInResponse{}, refuseWith(wire.ReasonInvitation, identity.ErrInvitationWrong)
	}
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloud: activate: %w", err)
	}
	if err := s.redeemable(u, code, now); err != nil {
		return wire.SignInResponse{}, err
	}
	if err := identity.CheckPassword(password, u.Name, u.ID); err != nil {
		return wire.SignInResponse{}, refuseWith(wire.ReasonWeakPassword, err)
	}
	verifier, err := s.hashPassword(ctx, "activate", password)
	if err != nil {
		return wire.SignInResponse{}, err
	}
	var g identity.Grant
	var refusal error
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		refusal = nil
		cur, err := r.UserByInvitation(h)
		if errors.Is(err, ErrNotFound) || (err == nil && cur.Tenant != d.Tenant) {
			refusal = refuseWith(wire.ReasonInvitation, identity.ErrInvitationWrong)
			return nil
		}
		if err != nil {
			return err
		}
		if refusal = s.redeemable(cur, code, now); refusal != nil {
			return nil
		}
		inv := *cur.Invitation
		if err := inv.Redeem(code, now); err != nil {
			refusal = refuseWith(wire.ReasonInvitation, err)
			return nil
		}
		cur.Invitation, cur.Verifier, cur.Lockout = &inv, verifier, identity.Lockout{}
		if g, err = s.issue(r, cur, d, now); err != nil {
			return err
		}
		u = cur
		return r.PutUser(cur)
	})
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloud: activate: %w", err)
	}
	if refusal != nil {
		return wire.SignInResponse{}, refusal
	}
	s.log.Info("password set with an invitation", "tenant", d.Tenant, "user", u.ID, "device", d.ID)
	return s.signed(ctx, g, u)
}

// redeemable refuses a deactivated user's invitation and one that Redeem would
// refuse (checked on a copy: nothing is marked used).
func (s *Service) redeemable(u User, code string, now time.Time) error {
	if u.Deactivated != nil {
		return refuse(wire.ReasonDeactivated, deactivatedMessage)
	}
	if u.Invitation == nil {
		return refuseWith(wire.ReasonInvitation, identity.ErrInvitationWrong)
	}
	inv := *u.Invitation
	if err := inv.Redeem(code, now); err != nil {
		return refuseWith(wire.ReasonInvitation, err)
	}
	return nil
}

// issue makes a grant for u on device d at now and records it: it extends the
// user's open window on the device, or starts a new one. The device is read again,
// so a device revoked since the request was authenticated gets nothing.
func (s *Service) issue(r RegistryTx, u User, d Device, now time.Time) (identity.Grant, error) {
	dev, err := r.Device(d.ID)
	if err != nil {
		return identity.Grant{}, err
	}
	if dev.RevokedAt != nil || dev.Tenant != u.Tenant {
		return identity.Grant{}, ErrUnauthorized
	}
	t, err := r.Tenant(u.Tenant)
	if err != nil {
		return identity.Grant{}, err
	}
	g, err := identity.NewGrant(u.Tenant, u.ID, u.Role, d.ID, now, offlinePeriod(t), s.rand)
	if err != nil {
		return identity.Grant{}, err
	}
	windows, err := r.Grants(u.Tenant, d.ID)
	if err != nil {
		return identity.Grant{}, err
	}
	rev := revocations([]User{u}, dev)
	for _, w := range windows {
		if w.UserID == u.ID && !w.Expires.Before(g.IssuedAt) && !rev.Revoked(w.identity()) {
			if g.Expires.After(w.Expires) {
				w.Expires = g.Expires
			}
			return g, r.PutGrant(w)
		}
	}
	return g, r.PutGrant(Grant{ID: g.ID, Tenant: g.Tenant, UserID: g.UserID, DeviceID: g.DeviceID,
		IssuedAt: g.IssuedAt, Expires: g.Expires})
}

// offlinePeriod is how long the tenant's grants last.
func offlinePeriod(t Tenant) time.Duration {
	if t.OfflineDays > 0 {
		return time.Duration(t.OfflineDays) * 24 * time.Hour
	}
	return identity.DefaultOfflinePeriod
}

// revocations collects what ended grants early: the users' GrantsNotBefore and the
// device's revocation.
func revocations(users []User, dev Device) identity.Revocations {
	rev := identity.Revocations{Users: map[string]time.Time{}, Devices: map[string]time.Time{}}
	for _, u := range users {
		if u.GrantsNotBefore != nil {
			rev.Users[u.ID] = *u.GrantsNotBefore
		}
	}
	if dev.RevokedAt != nil {
		rev.Devices[dev.ID] = *dev.RevokedAt
	}
	return rev
}

// signed signs g and answers it with the user.
func (s *Service) signed(ctx context.Context, g identity.Grant, u User) (wire.SignInResponse, error) {
	key, err := s.grantKey(ctx)
	if err != nil {
		return wire.SignInResponse{}, err
	}
	token, err := g.Sign(key)
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloud: sign grant: %w", err)
	}
	return wire.SignInResponse{User: directoryUser(u), Grant: token, Expires: g.Expires}, nil
}

// directoryUser is what a desktop learns of a user.
func directoryUser(u User) wire.DirectoryUser {
	return wire.DirectoryUser{ID: u.ID, Name: u.Name, Role: u.Role, Deactivated: u.Deactivated != nil,
		GrantsNotBefore: u.GrantsNotBefore}
}
