package app

import (
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// dateApp is an app whose clock starts at at and whose window never locks for idleness
// (the tests move the clock by days).
func dateApp(t *testing.T, at time.Time) *App {
	a, _ := newAppOpts(t, 0, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*365*24*time.Hour)
	a.clock.Set(at)
	seedClerks(t, a)
	return a
}

func berlinTime(y int, m time.Month, d, h, min int) time.Time {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// TestHandEnteredDates: a case entered at the counter with its receipt date shows
// that date in the list and the detail, and its target deadline counts from it, in
// winter, summer and on the days daylight saving changes, at any hour of the day in
// Berlin. TestDatesWhateverThePCsZone runs it under other zones of the PC.
func TestHandEnteredDates(t *testing.T) {
	t.Logf("PC zone %s", time.Local)
	for _, tt := range []struct {
		now              time.Time
		received, target string
	}{
		{berlinTime(2026, 12, 7, 9, 0), "2026-12-07", "2026-12-21"},
		{berlinTime(2026, 12, 7, 0, 30), "2026-12-07", "2026-12-21"},  // still the 6th in UTC
		{berlinTime(2026, 12, 7, 23, 30), "2026-12-07", "2026-12-21"}, // already the 8th in Kiritimati
		{berlinTime(2026, 3, 29, 10, 0), "2026-03-29", "2026-04-12"},  // clocks go forward
		{berlinTime(2026, 10, 25, 10, 0), "2026-10-25", "2026-11-08"}, // clocks go back
		{berlinTime(2026, 7, 1, 1, 0), "2026-06-30", "2026-07-14"},
	} {
		a := dateApp(t, tt.now)
		in := postInput
		in.Type, in.Received = "GEWERBE", tt.received
		d := mustCase(t, a, in)
		if d.Received != tt.received || d.TargetDeadline != tt.target {
			t.Errorf("now %s: detail received %s, target %s; want %s, %s", tt.now, d.Received, d.TargetDeadline, tt.received, tt.target)
		}
		p, err := a.ListCases(ListQuery{Limit: 5})
		if err != nil || len(p.Rows) != 1 {
			t.Fatalf("list: %+v %v", p, err)
		}
		if r := p.Rows[0]; r.Received != tt.received || r.Deadline != tt.target || r.Overdue {
			t.Errorf("now %s: row received %s, deadline %s, overdue %v; want %s, %s", tt.now, r.Received, r.Deadline, r.Overdue, tt.received, tt.target)
		}
		// The deadline's last day is not overdue until it ends in Berlin.
		target, _ := time.ParseInLocation(time.DateOnly, tt.target, berlinTime(2026, 1, 1, 0, 0).Location())
		for _, at := range []struct {
			now     time.Time
			overdue bool
		}{{target.Add(23*time.Hour + 59*time.Minute), false}, {target.AddDate(0, 0, 1).Add(time.Minute), true}} {
			a.clock.Set(at.now)
			p, _ := a.ListCases(ListQuery{Limit: 5})
			d, _ := a.GetCase(d.ID)
			if p.Rows[0].Overdue != at.overdue || d.Overdue != at.overdue {
				t.Errorf("at %s: overdue %v in the list, %v in the detail; want %v", at.now, p.Rows[0].Overdue, d.Overdue, at.overdue)
			}
		}
	}
}

// TestHandEnteredFollowUpDates: a follow-up due today in Berlin is due, not overdue
// nor open, whatever the hour.
func TestHandEnteredFollowUpDates(t *testing.T) {
	a := dateApp(t, berlinTime(2026, 12, 7, 0, 30))
	d := mustCase(t, a, postInput)
	d, err := a.AddFollowUp(d.ID, "2026-12-07", "Heute")
	if err != nil || len(d.FollowUps) != 1 || d.FollowUps[0].Due != "2026-12-07" || d.FollowUps[0].State != "due" {
		t.Fatalf("follow-up: %+v %v", d.FollowUps, err)
	}
	due, err := a.DueFollowUps(false)
	if err != nil || len(due) != 1 || due[0].Due != "2026-12-07" || due[0].Overdue {
		t.Fatalf("due: %+v %v", due, err)
	}
	s, err := a.Session()
	if err != nil || s.Today != "2026-12-07" {
		t.Errorf("today %q %v", s.Today, err)
	}
}

// TestDatesWhateverThePCsZone runs the date tests in child processes whose zone (TZ)
// is east and west of Berlin, Berlin and UTC: the PC's zone must change nothing.
func TestDatesWhateverThePCsZone(t *testing.T) {
	if os.Getenv("OZG_TEST_TZ_CHILD") != "" {
		return // the child runs the tests named below, not this one again
	}
	if testing.Short() {
		t.Skip("starts a test process per zone")
	}
	for _, tz := range []string{"UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		cmd := exec.Command(os.Args[0], "-test.run=^(TestHandEnteredDates|TestHandEnteredFollowUpDates)$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "TZ="+tz, "OZG_TEST_TZ_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "PC zone "+tz) || strings.Count(string(out), "--- PASS") != 2 {
			t.Errorf("TZ=%s: %v\n%s", tz, err, out)
		}
	}
}
