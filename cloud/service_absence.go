package cloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// RecordAbsence records, changes or (req.Delete) removes an absence of d's tenant
// in the name of req.By and returns it as stored (as it was, for a removal). By must
// hold a grant on d that covers now and is not revoked, and must be the absent
// clerk or have the Leitung role, for the absence as it was and as it becomes. Both
// clerks must be active users of the tenant, and the absence must not overlap
// another of the same clerk (identity.CheckAbsence). Removing an absence that does
// not exist succeeds, so a repeated request does no harm. Refusals are *SignInError
// (reasons wire.ReasonNotSignedIn, ReasonForbidden, ReasonAbsence).
func (s *Service) RecordAbsence(ctx context.Context, d Device, req wire.AbsenceRequest) (wire.Absence, error) {
	if err := req.Validate(); err != nil {
		return wire.Absence{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	a := req.Absence
	if a.ID == "" && !req.Delete {
		id, err := s.newID()
		if err != nil {
			return wire.Absence{}, err
		}
		a.ID = id
	}
	now := s.now().UTC()
	var out wire.Absence
	var refusal error
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		refusal, out = nil, wire.Absence{}
		users, err := r.Users(d.Tenant)
		if err != nil {
			return err
		}
		by, err := s.absenceAuthor(r, users, d, req.By, now)
		if err != nil {
			return err
		}
		all, err := r.Absences(d.Tenant)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(x Absence) bool { return x.ID == a.ID })
		if i >= 0 {
			if refusal = mayRecord(by, all[i].Absent); refusal != nil {
				return nil
			}
		}
		if req.Delete {
			if i < 0 {
				out = a
				return nil
			}
			out = wireAbsence(all[i].Absence)
			return r.DeleteAbsence(d.Tenant, a.ID)
		}
		next, err := s.absence(users, a)
		if err != nil {
			refusal = err
			return nil
		}
		if refusal = mayRecord(by, next.Absent); refusal != nil {
			return nil
		}
		existing := make([]identity.Absence, len(all))
		for j, x := range all {
			existing[j] = x.Absence
		}
		if err := identity.CheckAbsence(existing, next); err != nil {
			refusal = refuseWith(wire.ReasonAbsence, err)
			return nil
		}
		out = wireAbsence(next)
		return r.PutAbsence(Absence{Absence: next, Tenant: d.Tenant, By: by.ID, Recorded: now})
	})
	var se *SignInError
	switch {
	case errors.As(err, &se):
		return wire.Absence{}, err
	case err != nil:
		return wire.Absence{}, fmt.Errorf("cloud: absence: %w", err)
	case refusal != nil:
		return wire.Absence{}, refusal
	}
	verb := "recorded"
	if req.Delete {
		verb = "removed"
	}
	s.log.Info("absence "+verb, "tenant", d.Tenant, "absence", out.ID, "by", req.By)
	return out, nil
}

// absenceAuthor returns the user in whose name an absence request is made, when d
// holds a grant for them now that is not revoked.
func (s *Service) absenceAuthor(r RegistryTx, users []User, d Device, id string, now time.Time) (User, error) {
	u, ok := userByID(users, id)
	notSignedIn := refuse(wire.ReasonNotSignedIn, "Sie sind auf diesem PC nicht angemeldet. Bitte melden Sie sich an, während der PC mit der OZG-Cloud verbunden ist.")
	if !ok || u.Deactivated != nil {
		return User{}, notSignedIn
	}
	dev, err := r.Device(d.ID)
	if err != nil {
		return User{}, err
	}
	windows, err := r.Grants(d.Tenant, d.ID)
	if err != nil {
		return User{}, err
	}
	grants := make([]identity.Grant, len(windows))
	for i, w := range windows {
		grants[i] = w.identity()
	}
	if revocations([]User{u}, dev).Authorize(grants, u.ID, d.ID, now) != nil {
		return User{}, notSignedIn
	}
	return u, nil
}

// mayRecord lets the absent clerk and the Leitung record an absence.
func mayRecord(by User, absent string) error {
	if by.ID == absent || by.Role == model.RoleLeitung {
		return nil
	}
	return refuse(wire.ReasonForbidden, "Eine Abwesenheit können nur die abwesende Person selbst und die Leitung eintragen.")
}

// absence turns a request's absence into the service's: both clerks must be active
// users of the tenant.
func (s *Service) absence(users []User, a wire.Absence) (identity.Absence, error) {
	from, err := wire.ParseDate(a.From)
	if err != nil {
		return identity.Absence{}, refuseWith(wire.ReasonAbsence, identity.ErrAbsenceInvalid)
	}
	to, err := wire.ParseDate(a.To)
	if err != nil {
		return identity.Absence{}, refuseWith(wire.ReasonAbsence, identity.ErrAbsenceInvalid)
	}
	for _, id := range []string{a.Absent, a.Substitute} {
		if u, ok := userByID(users, id); !ok || u.Deactivated != nil {
			return identity.Absence{}, refuse(wire.ReasonAbsence, "Die abwesende Person und die Vertretung müssen aktive Benutzer der OZG-Cloud sein.")
		}
	}
	next := identity.Absence{ID: a.ID, Absent: a.Absent, Substitute: a.Substitute, From: from, To: to}
	if err := next.Validate(); err != nil {
		return identity.Absence{}, refuseWith(wire.ReasonAbsence, err)
	}
	return next, nil
}

func wireAbsence(a identity.Absence) wire.Absence {
	return wire.Absence{ID: a.ID, Absent: a.Absent, Substitute: a.Substitute,
		From: a.From.Format(time.DateOnly), To: a.To.Format(time.DateOnly)}
}

// Absences returns the absences of tenant that have not ended by today (in the
// municipalities' zone), for the directory.
func (s *Service) Absences(ctx context.Context, tenant string) ([]wire.Absence, error) {
	all, err := lookup(ctx, s, func(r RegistryTx) ([]Absence, error) { return r.Absences(tenant) })
	if err != nil {
		return nil, fmt.Errorf("cloud: absences of %s: %w", tenant, err)
	}
	today := model.Day(s.now(), s.loc)
	out := []wire.Absence{}
	for _, a := range all {
		if !a.To.Before(today) {
			out = append(out, wireAbsence(a.Absence))
		}
	}
	return out, nil
}
