package cloud

import (
	"context"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/identity"
)

// Administration of users' sign-in, called by cmd/ozgcloud-server's subcommands.

// ErrDeactivated refuses to invite a deactivated user.
var ErrDeactivated = fmt.Errorf("%w: the user is deactivated", ErrBadRequest)

// Invite makes a new one-time invitation code for a user of tenant, valid for
// identity.InvitationValidity, and returns the code (shown once; only its hash is
// kept) and its end. It is how a new user sets a first password and how the
// administration resets one: a user's password, if any, is void from now on, an
// older code too, and so is every grant issued to the user before, on every PC, so
// that whoever knew the old password cannot go on with it, not even offline once
// the PC has synced. ErrNotFound for an unknown user, ErrDeactivated for a
// deactivated one.
func (s *Service) Invite(ctx context.Context, tenant, userID string) (string, time.Time, error) {
	now := s.now().UTC()
	code, inv, err := identity.NewInvitation(userID, now, identity.InvitationValidity, s.rand)
	if err != nil {
		return "", time.Time{}, err
	}
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		u, err := s.currentUser(r, tenant, userID)
		if err != nil {
			return err
		}
		if u.Deactivated != nil {
			return ErrDeactivated
		}
		reset := u.Verifier != ""
		u.Invitation, u.Verifier, u.Lockout = &inv, "", identity.Lockout{}
		if reset {
			u.GrantsNotBefore = &now
		}
		return r.PutUser(u)
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("cloud: invite %s: %w", userID, err)
	}
	s.log.Info("invitation made", "tenant", tenant, "user", userID, "expires", inv.Expires)
	return code, inv.Expires, nil
}

// Deactivate ends a user of tenant: no sign-in, no activation, and every grant the
// user was issued ends at once, so pushes of work done under them are rejected.
// Deactivating twice keeps the first time. ErrNotFound for an unknown user.
func (s *Service) Deactivate(ctx context.Context, tenant, userID string) error {
	now := s.now().UTC()
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		u, err := s.currentUser(r, tenant, userID)
		if err != nil {
			return err
		}
		if u.Deactivated != nil {
			return nil
		}
		u.Deactivated, u.GrantsNotBefore, u.Invitation = &now, &now, nil
		return r.PutUser(u)
	})
	if err != nil {
		return fmt.Errorf("cloud: deactivate %s: %w", userID, err)
	}
	s.log.Info("user deactivated", "tenant", tenant, "user", userID)
	return nil
}

// MaxOfflineDays bounds a tenant's offline period: a grant is a standing permission
// to act on a PC without the service, and a stolen laptop should not carry one for
// longer than a quarter.
const MaxOfflineDays = 90

// SetOfflineDays sets how long the grants of a tenant last (0: the default,
// identity.DefaultOfflinePeriod); grants already issued keep their end. ErrNotFound
// for an unknown tenant, ErrBadRequest for days outside 0..MaxOfflineDays.
func (s *Service) SetOfflineDays(ctx context.Context, tenant string, days int) error {
	if days < 0 || days > MaxOfflineDays {
		return fmt.Errorf("%w: the offline period is 1 to %d days (0 for the default of %d)", ErrBadRequest,
			MaxOfflineDays, int(identity.DefaultOfflinePeriod/(24*time.Hour)))
	}
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		t, err := r.Tenant(tenant)
		if err != nil {
			return err
		}
		t.OfflineDays = days
		return r.PutTenant(t)
	})
	if err != nil {
		return fmt.Errorf("cloud: offline period of %s: %w", tenant, err)
	}
	s.log.Info("offline period set", "tenant", tenant, "days", days)
	return nil
}

// OfflinePeriod returns how long the grants of a registered tenant last.
func (s *Service) OfflinePeriod(ctx context.Context, tenant string) (time.Duration, error) {
	t, err := s.tenant(ctx, tenant)
	if err != nil {
		return 0, err
	}
	return offlinePeriod(t), nil
}
