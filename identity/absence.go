package identity

import (
	"fmt"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// Absence records that a clerk is away from From to To, both civil dates of the
// municipality (midnight UTC, as model.Day makes them) and both included, and who
// stands in (Vertretung). A substitute may act on the absent clerk's cases on those
// dates; afterwards the cases are the absent clerk's alone again. Substitution does
// not chain: the substitute's own substitute gets the substitute's cases, never those
// of the clerk the substitute stands in for.
type Absence struct {
	ID         string    `json:"id"`
	Absent     string    `json:"absent"`     // user ID of the absent clerk
	Substitute string    `json:"substitute"` // user ID of the one who stands in
	From       time.Time `json:"from"`       // first day away
	To         time.Time `json:"to"`         // last day away
}

// Validate returns an error wrapping ErrAbsenceInvalid unless the absence names an
// absent clerk and a different substitute and its dates are civil dates with To not
// before From.
func (a Absence) Validate() error {
	switch {
	case a.Absent == "" || a.Substitute == "":
		return fmt.Errorf("%w: absent clerk or substitute missing", ErrAbsenceInvalid)
	case a.Absent == a.Substitute:
		return fmt.Errorf("%w: a clerk cannot stand in for themselves", ErrAbsenceInvalid)
	case a.From.IsZero() || a.To.IsZero():
		return fmt.Errorf("%w: from or to missing", ErrAbsenceInvalid)
	case !isCivilDate(a.From) || !isCivilDate(a.To):
		return fmt.Errorf("%w: from and to must be dates (midnight UTC)", ErrAbsenceInvalid)
	case a.To.Before(a.From):
		return fmt.Errorf("%w: ends before it begins", ErrAbsenceInvalid)
	}
	return nil
}

func isCivilDate(t time.Time) bool { return t.Equal(model.Day(t, time.UTC)) }

// Covers reports whether the instant at falls on one of the absence's days, counted
// in loc (Europe/Berlin for a German municipality, whatever the PC's zone).
func (a Absence) Covers(at time.Time, loc *time.Location) bool {
	d := model.Day(at, loc)
	return !d.Before(a.From) && !d.After(a.To)
}

// CheckAbsence validates a new or changed absence against those already recorded: it
// must be valid and must not overlap another absence of the same clerk (an absence
// with the same ID is the one being changed). The error wraps ErrAbsenceInvalid or
// ErrAbsenceOverlap.
func CheckAbsence(existing []Absence, a Absence) error {
	if err := a.Validate(); err != nil {
		return err
	}
	for _, b := range existing {
		if b.ID != a.ID && b.Absent == a.Absent && !a.To.Before(b.From) && !b.To.Before(a.From) {
			return fmt.Errorf("%w: absence %s from %s to %s", ErrAbsenceOverlap, b.ID,
				b.From.Format(time.DateOnly), b.To.Format(time.DateOnly))
		}
	}
	return nil
}

// MayActFor reports whether substitute may act for owner at the instant at because
// an absence of owner names substitute on that day (in loc). It is false when they
// are the same user (acting on one's own cases needs no substitution) and never
// follows a chain of absences.
func MayActFor(absences []Absence, substitute, owner string, at time.Time, loc *time.Location) bool {
	for _, a := range absences {
		if a.Absent == owner && a.Substitute == substitute && a.Absent != a.Substitute && a.Covers(at, loc) {
			return true
		}
	}
	return false
}

// StandsInFor returns the users whom substitute stands in for at the instant at, in
// the order of absences and without repeats: whose cases "Meine Vorgänge" shows
// marked "Vertretung für …".
func StandsInFor(absences []Absence, substitute string, at time.Time, loc *time.Location) []string {
	var out []string
	for _, a := range absences {
		if a.Substitute == substitute && a.Absent != substitute && a.Covers(at, loc) && !slices.Contains(out, a.Absent) {
			out = append(out, a.Absent)
		}
	}
	return out
}

// InSubstitution returns how a history entry names a clerk who acted for another:
// "Erika Muster in Vertretung für Max Beispiel".
func InSubstitution(actorName, absentName string) string {
	return actorName + " in Vertretung für " + absentName
}
