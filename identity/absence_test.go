package identity

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAbsenceAcrossDaylightSaving checks the edges of absences on the two days of 2026
// whose length is not 24 hours in Berlin: 29 March (23 h) and 25 October (25 h).
// Counting in UTC, or adding 24 hours to the start, gets these edges wrong.
func TestAbsenceAcrossDaylightSaving(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	march := Absence{ID: "a1", Absent: "u-erika", Substitute: "u-jonas", From: date(2026, 3, 29), To: date(2026, 3, 29)}
	october := Absence{ID: "a2", Absent: "u-erika", Substitute: "u-jonas", From: date(2026, 10, 24), To: date(2026, 10, 25)}
	for _, tc := range []struct {
		a    Absence
		at   string
		want bool
	}{
		{march, "2026-03-28T22:59:59Z", false}, // 28 March 23:59:59 CET
		{march, "2026-03-28T23:00:00Z", true},  // 29 March 00:00 CET
		{march, "2026-03-29T00:59:59Z", true},  // 01:59:59 CET, then the clock jumps
		{march, "2026-03-29T01:00:00Z", true},  // 03:00 CEST
		{march, "2026-03-29T21:59:59Z", true},  // 23:59:59 CEST
		{march, "2026-03-29T22:00:00Z", false}, // 30 March 00:00 CEST
		{october, "2026-10-23T21:59:59Z", false},
		{october, "2026-10-23T22:00:00Z", true},  // 24 October 00:00 CEST
		{october, "2026-10-25T00:30:00Z", true},  // 02:30 CEST, the first time
		{october, "2026-10-25T01:30:00Z", true},  // 02:30 CET, the second time
		{october, "2026-10-25T22:59:59Z", true},  // 23:59:59 CET
		{october, "2026-10-25T23:00:00Z", false}, // 26 October 00:00 CET
	} {
		if got := tc.a.Covers(utc(tc.at), berlin); got != tc.want {
			t.Errorf("absence %s–%s covers %s (%s in Berlin): %v; want %v", tc.a.From.Format(time.DateOnly),
				tc.a.To.Format(time.DateOnly), tc.at, utc(tc.at).In(berlin).Format("2006-01-02 15:04:05 MST"), got, tc.want)
		}
		absences := []Absence{tc.a}
		if got := MayActFor(absences, "u-jonas", "u-erika", utc(tc.at), berlin); got != tc.want {
			t.Errorf("MayActFor at %s = %v; want %v", tc.at, got, tc.want)
		}
	}
}

// TestAbsenceInSeveralZones: the PC's zone and the zone an instant is written in do not
// matter; the municipality's zone does.
func TestAbsenceInSeveralZones(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	a := Absence{ID: "a1", Absent: "u-erika", Substitute: "u-jonas", From: date(2026, 7, 6), To: date(2026, 7, 10)}
	first := time.Date(2026, 7, 6, 0, 0, 0, 0, berlin) // Monday 00:00 in Berlin: 5 July in UTC
	lastEnd := time.Date(2026, 7, 11, 0, 0, 0, 0, berlin)

	oldLocal := time.Local
	defer func() { time.Local = oldLocal }()
	for _, zone := range []string{"UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		loc := mustZone(t, zone)
		time.Local = loc // as on a PC set to that zone
		for _, tc := range []struct {
			at   time.Time
			want bool
		}{
			{first.Add(-time.Nanosecond), false},
			{first, true},
			{lastEnd.Add(-time.Nanosecond), true},
			{lastEnd, false},
		} {
			at := tc.at.In(loc)
			if got := a.Covers(at, berlin); got != tc.want {
				t.Errorf("PC in %s: covers %s: %v; want %v", zone, at, got, tc.want)
			}
			if got := slices.Equal(StandsInFor([]Absence{a}, "u-jonas", at, berlin), []string{"u-erika"}); got != tc.want {
				t.Errorf("PC in %s: StandsInFor at %s: %v; want %v", zone, at, got, tc.want)
			}
		}
	}
	// Counted in another municipality's zone, the same instant is another day.
	if !a.Covers(first, berlin) || a.Covers(first, mustZone(t, "America/New_York")) {
		t.Error("the zone given to Covers does not decide the day")
	}
}

func TestSubstitutionDoesNotChain(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	at := time.Date(2026, 7, 8, 10, 0, 0, 0, berlin)
	absences := []Absence{
		{ID: "a1", Absent: "u-erika", Substitute: "u-jonas", From: date(2026, 7, 6), To: date(2026, 7, 10)},
		// Jonas, Erika's substitute, is away too and names Paul.
		{ID: "a2", Absent: "u-jonas", Substitute: "u-paul", From: date(2026, 7, 8), To: date(2026, 7, 9)},
		{ID: "a3", Absent: "u-lena", Substitute: "u-jonas", From: date(2026, 7, 1), To: date(2026, 7, 31)},
	}
	for _, tc := range []struct {
		sub, owner string
		want       bool
	}{
		{"u-jonas", "u-erika", true},
		{"u-paul", "u-jonas", true},
		{"u-paul", "u-erika", false}, // no chain
		{"u-paul", "u-lena", false},  // no chain
		{"u-erika", "u-jonas", false},
		{"u-jonas", "u-jonas", false},
		{"u-jonas", "u-lena", true},
	} {
		if got := MayActFor(absences, tc.sub, tc.owner, at, berlin); got != tc.want {
			t.Errorf("MayActFor(%s for %s) = %v; want %v", tc.sub, tc.owner, got, tc.want)
		}
	}
	if got := StandsInFor(absences, "u-jonas", at, berlin); !slices.Equal(got, []string{"u-erika", "u-lena"}) {
		t.Errorf("StandsInFor(u-jonas) = %v", got)
	}
	if got := StandsInFor(absences, "u-paul", at, berlin); !slices.Equal(got, []string{"u-jonas"}) {
		t.Errorf("StandsInFor(u-paul) = %v", got)
	}
	if got := StandsInFor(absences, "u-paul", at.AddDate(0, 0, 2), berlin); got != nil {
		t.Errorf("StandsInFor(u-paul) after the absence = %v; want none", got)
	}
}

func TestCheckAbsence(t *testing.T) {
	existing := []Absence{{ID: "a1", Absent: "u-erika", Substitute: "u-jonas", From: date(2026, 7, 6), To: date(2026, 7, 10)}}
	for _, tc := range []struct {
		name string
		a    Absence
		want error
	}{
		{"next week", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 7, 11), To: date(2026, 7, 12)}, nil},
		{"one day", Absence{ID: "a2", Absent: "u-jonas", Substitute: "u-paul", From: date(2026, 7, 8), To: date(2026, 7, 8)}, nil},
		{"changing itself", Absence{ID: "a1", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 7, 6), To: date(2026, 7, 12)}, nil},
		{"overlap at the end", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 7, 10), To: date(2026, 7, 12)}, ErrAbsenceOverlap},
		{"overlap at the start", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 7, 1), To: date(2026, 7, 6)}, ErrAbsenceOverlap},
		{"inside", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 7, 7), To: date(2026, 7, 7)}, ErrAbsenceOverlap},
		{"no substitute", Absence{ID: "a2", Absent: "u-erika", From: date(2026, 8, 1), To: date(2026, 8, 2)}, ErrAbsenceInvalid},
		{"no absent clerk", Absence{ID: "a2", Substitute: "u-erika", From: date(2026, 8, 1), To: date(2026, 8, 2)}, ErrAbsenceInvalid},
		{"herself", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-erika", From: date(2026, 8, 1), To: date(2026, 8, 2)}, ErrAbsenceInvalid},
		{"backwards", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 8, 2), To: date(2026, 8, 1)}, ErrAbsenceInvalid},
		{"not a date", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul", From: date(2026, 8, 1).Add(-2 * time.Hour), To: date(2026, 8, 2)}, ErrAbsenceInvalid},
		{"zero dates", Absence{ID: "a2", Absent: "u-erika", Substitute: "u-paul"}, ErrAbsenceInvalid},
	} {
		err := CheckAbsence(existing, tc.a)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: CheckAbsence = %v; want %v", tc.name, err, tc.want)
		}
	}
}

func TestInSubstitution(t *testing.T) {
	if got := InSubstitution("Jonas Berg", "Erika Muster"); got != "Jonas Berg in Vertretung für Erika Muster" {
		t.Errorf("InSubstitution = %q", got)
	}
}
