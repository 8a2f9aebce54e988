package model

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on PCs without a zoneinfo database
)

// Berlin is the municipalities' time zone. Receipt dates, deadlines and follow-ups
// are civil dates of this zone whatever the zone of the PC or the server.
var Berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic("model: Europe/Berlin: " + err.Error()) // cannot happen with time/tzdata
	}
	return loc
}()

// DateLayout is how a civil date travels between the window and the services:
// YYYY-MM-DD.
const DateLayout = time.DateOnly

// ErrDate is returned by ParseDate for text that is no civil date.
var ErrDate = errors.New("model: not a date")

// A civil date is stored as a time.Time at midnight UTC of that date (Case's
// deadlines, FollowUp.Due, DecisionInfo.PostedAt). The functions below are the one
// way between instants, stored dates and their text, so that no date passes through
// the PC's zone (time.Local, Truncate(24h) and the like are wrong by a day east or
// west of UTC).

// DateOf returns the civil date in Berlin on which the instant t falls, in its
// stored form.
func DateOf(t time.Time) time.Time { return Day(t, Berlin) }

// ParseDate parses a civil date written YYYY-MM-DD into its stored form; the error
// wraps ErrDate.
func ParseDate(s string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrDate, s)
	}
	return d, nil
}

// FormatDate writes the stored civil date d as YYYY-MM-DD ("" for the zero time).
func FormatDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.UTC().Format(DateLayout)
}

// DateStart returns the instant at which the stored civil date d begins in Berlin:
// the receipt time of an application entered by hand with only its date.
func DateStart(d time.Time) time.Time {
	y, m, day := d.UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, Berlin)
}

// AddDays returns the stored civil date n calendar days after d (before it when n is
// negative); daylight saving does not move it, as it would an instant.
func AddDays(d time.Time, n int) time.Time {
	y, m, day := d.UTC().Date()
	return time.Date(y, m, day+n, 0, 0, 0, 0, time.UTC)
}
