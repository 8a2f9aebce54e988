package model

import (
	"errors"
	"testing"
	"time"
)

func utcDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestDateOfIsBerlinsDate: an instant belongs to the date it has in Berlin, in winter
// (UTC+1), summer (UTC+2) and on both days daylight saving changes.
func TestDateOfIsBerlinsDate(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		want time.Time
	}{
		{time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC), utcDate(2026, 12, 7)},    // 00:00 CET
		{time.Date(2026, 12, 6, 22, 59, 59, 0, time.UTC), utcDate(2026, 12, 6)},  // 23:59:59 CET
		{time.Date(2026, 7, 6, 22, 0, 0, 0, time.UTC), utcDate(2026, 7, 7)},      // 00:00 CEST
		{time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), utcDate(2026, 3, 29)},    // 00:00 CET, the night clocks go forward
		{time.Date(2026, 3, 29, 21, 59, 0, 0, time.UTC), utcDate(2026, 3, 29)},   // 23:59 CEST
		{time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), utcDate(2026, 3, 30)},    // 00:00 CEST
		{time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), utcDate(2026, 10, 25)},  // 00:00 CEST, the night clocks go back
		{time.Date(2026, 10, 25, 22, 59, 0, 0, time.UTC), utcDate(2026, 10, 25)}, // 23:59 CET
		{time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("NY", -5*3600)), utcDate(2026, 12, 7)},
		{time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("NY", -5*3600)), utcDate(2026, 12, 8)},
		{time.Date(2026, 12, 8, 1, 0, 0, 0, time.FixedZone("Kiritimati", 14*3600)), utcDate(2026, 12, 7)},
	} {
		if got := DateOf(tt.at); !got.Equal(tt.want) {
			t.Errorf("DateOf(%s) = %s, want %s", tt.at, FormatDate(got), FormatDate(tt.want))
		}
	}
}

// TestTargetDeadlineCountsFromBerlinsReceiptDate: a case received just after
// midnight in Berlin (still the day before in UTC) gets the full number of days.
func TestTargetDeadlineCountsFromBerlinsReceiptDate(t *testing.T) {
	gew, _ := CaseTypeByCode("GEWERBE") // 14 days
	for _, tt := range []struct {
		received time.Time
		want     time.Time
	}{
		{time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC), utcDate(2026, 12, 21)},
		{time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), utcDate(2026, 12, 21)},
		{time.Date(2026, 3, 22, 23, 30, 0, 0, time.UTC), utcDate(2026, 4, 6)},   // across the change to summer time
		{time.Date(2026, 10, 18, 22, 30, 0, 0, time.UTC), utcDate(2026, 11, 2)}, // across the change to winter time
		{DateStart(utcDate(2026, 3, 29)), utcDate(2026, 4, 12)},
	} {
		if got := gew.TargetDeadline(tt.received); !got.Equal(tt.want) {
			t.Errorf("received %s: target %s, want %s", tt.received, FormatDate(got), FormatDate(tt.want))
		}
	}
}

// TestDateStartRoundTrips: the instant a date begins in Berlin is of that date, for
// every day of two years (both daylight-saving changes each).
func TestDateStartRoundTrips(t *testing.T) {
	for d := utcDate(2026, 1, 1); d.Year() < 2028; d = AddDays(d, 1) {
		start := DateStart(d)
		if got := DateOf(start); !got.Equal(d) {
			t.Fatalf("DateOf(DateStart(%s)) = %s", FormatDate(d), FormatDate(got))
		}
		if got := DateOf(start.Add(-time.Second)); !got.Equal(AddDays(d, -1)) {
			t.Fatalf("a second before %s is %s", FormatDate(d), FormatDate(got))
		}
	}
	if got := DateStart(utcDate(2026, 12, 7)); !got.Equal(time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("07.12.2026 begins at %s", got.UTC())
	}
	if got := DateStart(utcDate(2026, 7, 7)); !got.Equal(time.Date(2026, 7, 6, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("07.07.2026 begins at %s", got.UTC())
	}
}

func TestParseAndFormatDate(t *testing.T) {
	d, err := ParseDate("2026-12-21")
	if err != nil || !d.Equal(utcDate(2026, 12, 21)) || FormatDate(d) != "2026-12-21" {
		t.Fatalf("ParseDate: %s %v", d, err)
	}
	for _, bad := range []string{"", "21.12.2026", "2026-02-30", "2026-13-01", "2026-12-21T00:00:00Z"} {
		if _, err := ParseDate(bad); !errors.Is(err, ErrDate) {
			t.Errorf("ParseDate(%q): %v, want ErrDate", bad, err)
		}
	}
	if FormatDate(time.Time{}) != "" {
		t.Error("the zero time is written as a date")
	}
	if got := AddDays(utcDate(2026, 3, 28), 2); !got.Equal(utcDate(2026, 3, 30)) {
		t.Errorf("AddDays across the change: %s", got)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-21", "2026-02-29", "0000-01-01", "21.12.2026", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if FormatDate(d) != s {
			t.Fatalf("%q parsed as %s", s, FormatDate(d))
		}
		if !DateOf(DateStart(d)).Equal(d) {
			t.Fatalf("%q does not round-trip through its start", s)
		}
	})
}
