package cloud

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
)

// pushAuth judges who acted in the mutations of one push. It is read from the
// registry once per push (the tenant's users, the device as it is now, the grant
// windows the service recorded for the device, and the tenant's absences when a
// mutation names one), so a push of 1,000 mutations costs one registry read, and
// each mutation a walk over a handful of windows.
type pushAuth struct {
	device   string
	users    map[string]User
	grants   []identity.Grant
	rev      identity.Revocations
	absences []identity.Absence
	loc      *time.Location
}

// loadPushAuth reads what judging ms of device d needs.
func (s *Service) loadPushAuth(ctx context.Context, d Device, ms []model.Mutation) (*pushAuth, error) {
	substitution := false
	for _, m := range ms {
		substitution = substitution || m.OnBehalfOf != ""
	}
	a := &pushAuth{device: d.ID, users: map[string]User{}, loc: s.loc}
	err := s.registryRead(ctx, func(r RegistryTx) error {
		users, err := r.Users(d.Tenant)
		if err != nil {
			return err
		}
		dev, err := r.Device(d.ID)
		if err != nil {
			return err
		}
		windows, err := r.Grants(d.Tenant, d.ID)
		if err != nil {
			return err
		}
		for _, u := range users {
			a.users[u.ID] = u
		}
		a.rev = revocations(users, dev)
		a.grants = make([]identity.Grant, len(windows))
		for i, w := range windows {
			a.grants[i] = w.identity()
		}
		if !substitution {
			return nil
		}
		abs, err := r.Absences(d.Tenant)
		for _, x := range abs {
			a.absences = append(a.absences, x.Absence)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cloud: push: who acted: %w", err)
	}
	return a, nil
}

// actor returns the clerk who made m as the registry knows them (role included:
// never the device's), or a German reason to reject m: the user is unknown, was not
// signed in on this device at m.At (no grant covers it, or the grants that do were
// revoked), or names a substitution that no absence backs.
func (a *pushAuth) actor(m model.Mutation) (model.Clerk, string) {
	u, ok := a.users[m.User]
	if !ok {
		return model.Clerk{}, "Die bearbeitende Person ist bei der OZG-Cloud nicht eingetragen."
	}
	if err := a.rev.Authorize(a.grants, m.User, a.device, m.At); err != nil {
		why := ""
		switch {
		case errors.Is(err, identity.ErrGrantRevoked) && u.Deactivated != nil:
			why = ": Das Benutzerkonto wurde von der Administration deaktiviert."
		case errors.Is(err, identity.ErrGrantRevoked):
			why = ": Die Anmeldung wurde von der Administration beendet."
		}
		return model.Clerk{}, u.Name + " war auf diesem PC nicht angemeldet" + why + "."
	}
	if m.OnBehalfOf != "" {
		owner, ok := a.users[m.OnBehalfOf]
		name := m.OnBehalfOf
		if ok {
			name = owner.Name
		}
		if !ok || !identity.MayActFor(a.absences, m.User, m.OnBehalfOf, m.At, a.loc) {
			return model.Clerk{}, "Vertretung für " + name + " gilt nicht: " + u.Name +
				" ist an diesem Tag nicht als Vertretung eingetragen."
		}
	}
	return model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role}, ""
}

// historyName is how the history entry of m names its verified actor: with a
// substitution, "X in Vertretung für Y".
func (a *pushAuth) historyName(m model.Mutation, actor model.Clerk) string {
	if m.OnBehalfOf == "" {
		return actor.Name
	}
	return identity.InSubstitution(actor.Name, a.users[m.OnBehalfOf].Name)
}

// name is a user's name, or their ID when the registry does not know them.
func (a *pushAuth) name(id string) (string, bool) {
	u, ok := a.users[id]
	if !ok {
		return id, false
	}
	return u.Name, true
}
