package session

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

var (
	admin = model.Clerk{ID: "c-admin", Name: "Jens Wagner", Role: model.RoleAdministration}
	clerk = model.Clerk{ID: "c-martina", Name: "Martina Becker", Role: model.RoleSachbearbeitung}
)

// localDesk is a PC not connected to the OZG-Cloud with an administrator and a
// clerk who have the password (as a demo store's clerks do).
func localDesk(t *testing.T) (*Desk, *store.DB, *clock) {
	t.Helper()
	c := &clock{t: t0}
	db := openStore(t, c)
	for _, k := range []model.Clerk{admin, clerk} {
		if err := db.PutClerk(k); err != nil {
			t.Fatal(err)
		}
		v, err := identity.HashPassword(password, cloudtest.CheapParams, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateLocalUser(k.ID, func(u *store.LocalUser) error { u.Verifier = v; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return New(Options{DB: db, Params: cloudtest.CheapParams, Now: c.Now}), db, c
}

// TestLockoutTiming: five wrong passwords lock the clerk on this PC for a minute;
// each further lock lasts twice as long, up to an hour; the right password during a
// lock is refused too (and not counted); a good sign-in starts over.
func TestLockoutTiming(t *testing.T) {
	d, _, c := localDesk(t)
	ctx := context.Background()
	wrong := func() error {
		_, err := d.SignIn(ctx, clerk.Name, "Falsches-Passwort-123")
		return err
	}
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
		for j := range identity.MaxFailures - 1 {
			if err := wrong(); !errors.Is(err, identity.ErrWrongPassword) {
				t.Fatalf("lock %d, failure %d: %v", i, j+1, err)
			}
		}
		err := wrong()
		var locked *identity.LockedError
		if !errors.As(err, &locked) || !locked.Until.Equal(c.Now().Add(want)) {
			t.Fatalf("lock %d: %v, want locked for %s", i, err, want)
		}
		if _, err := d.SignIn(ctx, clerk.Name, password); !errors.As(err, &locked) {
			t.Fatalf("lock %d: the right password during the lock: %v", i, err)
		}
		if msg := locked.German(c.Now(), time.UTC); !strings.Contains(msg, "gesperrt bis") {
			t.Errorf("message %q", msg)
		}
		c.Add(want - time.Second)
		if _, err := d.SignIn(ctx, clerk.Name, password); !errors.As(err, &locked) {
			t.Fatalf("lock %d: a second before its end: %v", i, err)
		}
		c.Add(time.Second)
	}
	// Another clerk on the same PC is not locked.
	if _, err := d.SignIn(ctx, admin.ID, password); err != nil {
		t.Fatalf("the other clerk: %v", err)
	}
	d.SignOut()
	if _, err := d.SignIn(ctx, clerk.ID, password); err != nil {
		t.Fatalf("after the last lock: %v", err)
	}
	// A good sign-in starts over: the next lock is a minute again.
	for range identity.MaxFailures - 1 {
		wrong()
	}
	var locked *identity.LockedError
	if err := wrong(); !errors.As(err, &locked) || !locked.Until.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("after a good sign-in: %v", err)
	}
}

// TestLocalUsers: on a PC not connected to the OZG-Cloud the administration adds
// users with a one-time invitation code, resets passwords with a new one and
// deactivates users; the clerk sets their own password with the code.
func TestLocalUsers(t *testing.T) {
	d, db, c := localDesk(t)
	ctx := context.Background()
	if _, _, err := d.AddUser(clerk, "Lena Vogt", model.RoleSachbearbeitung); !errors.Is(err, ErrNotAdmin) {
		t.Fatalf("a clerk adds a user: %v", err)
	}
	for _, tc := range []struct {
		name string
		role model.Role
		want error
	}{{" ", model.RoleSachbearbeitung, ErrNameMissing}, {"martina becker", model.RoleLeitung, ErrNameTaken}, {"Lena Vogt", "chef", ErrBadRole}} {
		if _, _, err := d.AddUser(admin, tc.name, tc.role); !errors.Is(err, tc.want) {
			t.Errorf("add %q %q: %v, want %v", tc.name, tc.role, err, tc.want)
		}
	}
	lena, code, err := d.AddUser(admin, "Lena Vogt", model.RoleSachbearbeitung)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SignIn(ctx, "Lena Vogt", password); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("sign-in before the code: %v", err)
	}
	for _, tc := range []struct {
		code, pw string
		want     error
	}{
		{"ABCD", password, identity.ErrInvitationMalformed},
		{"AAAA-BBBB-CCCC-DDDD", password, identity.ErrInvitationWrong},
		{code, "kurz", identity.ErrPasswordTooShort},
		{code, "Passwort123!", identity.ErrPasswordCommon},
		{code, "Lena-Vogt-im-Rathaus", identity.ErrPasswordPersonal},
	} {
		if _, err := d.Activate(ctx, tc.code, tc.pw); !errors.Is(err, tc.want) {
			t.Errorf("activate %q with %q: %v, want %v", tc.code, tc.pw, err, tc.want)
		}
	}
	if got, err := d.Activate(ctx, strings.ToLower(code), password); err != nil || got.ID != lena.ID || d.Who().ID != lena.ID {
		t.Fatalf("activate: %+v %v", got, err)
	}
	d.SignOut()
	if _, err := d.Activate(ctx, code, password+"!"); !errors.Is(err, identity.ErrInvitationUsed) {
		t.Fatalf("the code twice: %v", err)
	}
	if _, err := d.SignIn(ctx, "lena vogt", password); err != nil {
		t.Fatal(err)
	}

	// A reset signs Lena out, ends her password here and gives a new code.
	code2, err := d.ResetPassword(admin, lena.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Who().ID != "" {
		t.Error("still signed in after the reset")
	}
	if _, err := d.SignIn(ctx, lena.ID, password); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("old password after the reset: %v", err)
	}
	if _, err := d.Activate(ctx, code, password); !errors.Is(err, identity.ErrInvitationWrong) {
		t.Fatalf("old code after the reset: %v", err)
	}
	c.Add(identity.InvitationValidity)
	if _, err := d.Activate(ctx, code2, password); !errors.Is(err, identity.ErrInvitationExpired) {
		t.Fatalf("an expired code: %v", err)
	}
	code3, _ := d.ResetPassword(admin, lena.ID)
	if _, err := d.Activate(ctx, code3, password); err != nil {
		t.Fatal(err)
	}

	// Deactivated: signed out, no sign-in, no code, no reset.
	if err := d.Deactivate(admin, admin.ID); !errors.Is(err, ErrSelf) {
		t.Fatalf("deactivating oneself: %v", err)
	}
	if err := d.Deactivate(admin, lena.ID); err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st.SignedIn() || st.Notice != NoticeDeactivated {
		t.Fatalf("after deactivation %+v", st)
	}
	if _, err := d.SignIn(ctx, lena.ID, password); !errors.Is(err, ErrDeactivated) {
		t.Fatalf("sign-in after deactivation: %v", err)
	}
	if _, err := d.ResetPassword(admin, lena.ID); !errors.Is(err, ErrDeactivated) {
		t.Fatalf("reset after deactivation: %v", err)
	}
	users, _ := db.LocalUsers()
	if u := users[lena.ID]; u.Verifier != "" || u.Invitation != nil || u.Active() {
		t.Errorf("kept for Lena %+v", u)
	}
}

// TestSetUpFirst: a new PC without clerks that will not be connected gets its first
// administrator, once.
func TestSetUpFirst(t *testing.T) {
	c := &clock{t: t0}
	db := openStore(t, c)
	d := New(Options{DB: db, Params: cloudtest.CheapParams, Now: c.Now})
	if _, err := d.SetUpFirst("Jens Wagner", "Sommer2024!"); !errors.Is(err, identity.ErrPasswordCommon) {
		t.Fatalf("weak password: %v", err)
	}
	a, err := d.SetUpFirst("Jens Wagner", password)
	if err != nil || a.Role != model.RoleAdministration || d.Who().ID != a.ID {
		t.Fatalf("first administrator %+v %v", a, err)
	}
	if _, err := d.SetUpFirst("Eva Nachzügler", password); !errors.Is(err, ErrHasClerks) {
		t.Fatalf("a second first administrator: %v", err)
	}
	d.SignOut()
	if _, err := d.SignIn(context.Background(), "Jens Wagner", password); err != nil {
		t.Fatal(err)
	}
}
