package identity_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
)

// A clerk sets a password with an invitation code and signs in; the verifier is
// re-hashed when the parameters were raised.
func ExampleVerifyPassword() {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	code, inv, _ := identity.NewInvitation("u-erika", now, 0, rand.Reader)

	// The clerk types the code and a new password.
	if err := inv.Redeem(code, now); err != nil {
		fmt.Println(err)
	}
	if err := identity.CheckPassword("Sommer2026!", "Erika Muster"); err != nil {
		var e *identity.Error
		errors.As(err, &e)
		fmt.Println(e.Code)
	}
	verifier, _ := identity.HashPassword("Rathaus-Kaffee-Treppe", identity.DefaultParams, rand.Reader)

	// Later she signs in. Parameters raised since then: store a new verifier.
	raised := identity.DefaultParams
	raised.Time++
	upgrade, err := identity.VerifyPassword(verifier, "Rathaus-Kaffee-Treppe", raised)
	fmt.Println(upgrade, err)
	_, err = identity.VerifyPassword(verifier, "rathaus-kaffee-treppe", raised)
	fmt.Println(errors.Is(err, identity.ErrWrongPassword))
	// Output:
	// password_common
	// true <nil>
	// true
}

// Five wrong passwords lock a user for a minute; the next lock lasts two.
func ExampleLockout() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 7, 13, 30, 15, 0, time.UTC)
	var l identity.Lockout // kept by the store, one per user
	var err error
	for range identity.MaxFailures {
		err = l.Fail(now)
	}
	var locked *identity.LockedError
	if errors.As(err, &locked) {
		fmt.Println(locked.German(now, berlin))
	}
	fmt.Println(l.Check(now.Add(time.Minute)))
	// Output:
	// Nach zu vielen falschen Passwörtern ist die Anmeldung dieses Benutzers auf diesem PC gesperrt bis 14:32 Uhr (noch 1 Minute).
	// <nil>
}

// The service issues a grant; the PC verifies it at offline sign-in; the service
// authorises each pushed mutation with the device's grants.
func ExampleVerifyGrant() {
	seed := mrand.NewChaCha8([32]byte{1})
	pub, key, _ := ed25519.GenerateKey(seed)
	issued := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)

	// Service: Erika signed in online on device dev-7.
	g, _ := identity.NewGrant("amt-wedel", "u-erika", model.RoleSachbearbeitung, "dev-7", issued, identity.DefaultOfflinePeriod, seed)
	token, _ := g.Sign(key)

	// PC, offline, ten days later and fifteen days later.
	for _, days := range []int{10, 15} {
		g, err := identity.VerifyGrant(token, pub, "dev-7", issued.AddDate(0, 0, days), identity.MaxClockSkew)
		fmt.Println(g.UserID, g.Expires.Format(time.DateOnly), errors.Is(err, identity.ErrGrantExpired))
	}

	// Service, at push: work from day 3 is Erika's; the Leitung never signed in there.
	var rev identity.Revocations
	at := issued.AddDate(0, 0, 3)
	fmt.Println(rev.Authorize([]identity.Grant{g}, "u-erika", "dev-7", at))
	fmt.Println(errors.Is(rev.Authorize([]identity.Grant{g}, "u-leitung", "dev-7", at), identity.ErrNoGrant))

	// The device is revoked: its grants end at once.
	rev.Devices = map[string]time.Time{"dev-7": issued.AddDate(0, 0, 4)}
	fmt.Println(errors.Is(rev.Authorize([]identity.Grant{g}, "u-erika", "dev-7", at), identity.ErrGrantRevoked))
	// Output:
	// u-erika 2026-12-21 false
	// u-erika 2026-12-21 true
	// <nil>
	// true
	// true
}

// Jonas stands in for Erika during her leave; the history names both.
func ExampleMayActFor() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	leave := identity.Absence{ID: "a1", Absent: "u-erika", Substitute: "u-jonas",
		From: time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)}
	if err := identity.CheckAbsence(nil, leave); err != nil {
		fmt.Println(err)
	}
	absences := []identity.Absence{leave}
	friday := time.Date(2026, 7, 10, 17, 0, 0, 0, berlin)
	fmt.Println(identity.MayActFor(absences, "u-jonas", "u-erika", friday, berlin))
	fmt.Println(identity.MayActFor(absences, "u-jonas", "u-erika", friday.AddDate(0, 0, 3), berlin))
	fmt.Println(identity.StandsInFor(absences, "u-jonas", friday, berlin))
	fmt.Println(identity.InSubstitution("Jonas Berg", "Erika Muster"))
	// Output:
	// true
	// false
	// [u-erika]
	// Jonas Berg in Vertretung für Erika Muster
}
