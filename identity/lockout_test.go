package identity

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	_ "time/tzdata"
)

var t0 = time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)

// fail5 records five wrong passwords at now and returns the lock the fifth caused.
func fail5(t *testing.T, l *Lockout, now time.Time) *LockedError {
	t.Helper()
	for i := 1; i < MaxFailures; i++ {
		if err := l.Fail(now); err != nil {
			t.Fatalf("wrong password %d at %s locked already: %v", i, now, err)
		}
		if err := l.Check(now); err != nil {
			t.Fatalf("after %d wrong passwords: %v", i, err)
		}
	}
	var le *LockedError
	if err := l.Fail(now); !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("fifth wrong password at %s: %v; want a lock", now, err)
	}
	return le
}

func TestLockoutDoubling(t *testing.T) {
	var l Lockout
	now := t0
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i, minutes := range want {
		le := fail5(t, &l, now)
		d := time.Duration(minutes) * time.Minute
		if got := le.Until.Sub(now); got != d {
			t.Fatalf("lock %d lasts %s; want %s", i+1, got, d)
		}
		// Locked until the last nanosecond; attempts meanwhile neither count nor extend.
		if err := l.Fail(now.Add(d - time.Nanosecond)); !errors.Is(err, ErrLocked) {
			t.Fatalf("lock %d: attempt just before its end: %v", i+1, err)
		}
		if err := l.Check(now.Add(d - time.Nanosecond)); !errors.Is(err, ErrLocked) {
			t.Fatalf("lock %d: Check just before its end: %v", i+1, err)
		}
		now = now.Add(d)
		if err := l.Check(now); err != nil {
			t.Fatalf("lock %d: still locked at its end: %v", i+1, err)
		}
		if l.Failures != 0 {
			t.Fatalf("lock %d: attempts during the lock were counted: %d", i+1, l.Failures)
		}
	}
}

func TestLockoutResetOnSuccess(t *testing.T) {
	var l Lockout
	now := t0
	for range 3 {
		le := fail5(t, &l, now)
		now = le.Until
	}
	// Three locks (1, 2, 4 minutes), then a right password: all forgotten.
	l.Succeed()
	if l != (Lockout{}) {
		t.Fatalf("after success: %+v; want the zero Lockout", l)
	}
	le := fail5(t, &l, now)
	if got := le.Until.Sub(now); got != time.Minute {
		t.Errorf("first lock after a success lasts %s; want 1m", got)
	}

	// Four wrong, one right, four wrong: no lock, the count started over.
	l = Lockout{}
	for range 4 {
		l.Fail(now)
	}
	l.Succeed()
	for i := range 4 {
		if err := l.Fail(now); err != nil {
			t.Fatalf("wrong password %d after a success: %v", i+1, err)
		}
	}
}

func TestLockoutPersists(t *testing.T) {
	var l Lockout
	fail5(t, &l, t0)
	l.Fail(t0.Add(2 * time.Minute))
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back Lockout
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Until.Equal(l.Until) || back.Failures != 1 || back.Locks != 1 {
		t.Errorf("round trip through %s gave %+v; want %+v", b, back, l)
	}
	if b, _ := json.Marshal(Lockout{}); string(b) != "{}" {
		t.Errorf("zero Lockout marshals to %s; want {}", b)
	}
}

func TestLockedMessage(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	until := time.Date(2026, 12, 7, 13, 31, 30, 0, time.UTC) // 14:31:30 in Berlin (CET)
	e := &LockedError{Until: until}
	for _, tc := range []struct {
		now  time.Time
		loc  *time.Location
		want string
	}{
		{until.Add(-90 * time.Second), berlin, "gesperrt bis 14:32 Uhr (noch 2 Minuten)."},
		{until.Add(-60 * time.Second), berlin, "gesperrt bis 14:32 Uhr (noch 1 Minute)."},
		{until.Add(-time.Second), berlin, "gesperrt bis 14:32 Uhr (noch 1 Minute)."},
		{until.Add(-59 * time.Minute), berlin, "gesperrt bis 14:32 Uhr (noch 59 Minuten)."},
		{until.Add(-90 * time.Second), time.UTC, "gesperrt bis 13:32 Uhr (noch 2 Minuten)."},
	} {
		got := e.German(tc.now, tc.loc)
		if len(got) < len(tc.want) || got[len(got)-len(tc.want):] != tc.want {
			t.Errorf("German(%s, %s) = %q; want it to end %q", tc.now, tc.loc, got, tc.want)
		}
	}
	if got := e.Remaining(until.Add(time.Second)); got != 0 {
		t.Errorf("Remaining after the end = %s; want 0", got)
	}
	whole := &LockedError{Until: time.Date(2026, 12, 7, 13, 32, 0, 0, time.UTC)}
	at := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	if got := whole.German(at, berlin); got[len(got)-len("14:32 Uhr (noch 32 Minuten)."):] != "14:32 Uhr (noch 32 Minuten)." {
		t.Errorf("a lock ending on the minute: %q", got)
	}
}
