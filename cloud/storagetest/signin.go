package storagetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
)

// signInTests pin the registry's records of sign-in (issue 10): a user's sign-in
// state, the index from an invitation's hash to its user, grant windows per device,
// absences per tenant and the key that signs grants.
var signInTests = []test{
	{"UserSignInState", testUserSignInState},
	{"InvitationIndex", testInvitationIndex},
	{"TenantOfflineDays", testTenantOfflineDays},
	{"Grants", testGrants},
	{"Absences", testAbsences},
	{"GrantKey", testGrantKey},
}

func testUserSignInState(t *testing.T, s cloud.Storage) {
	seed(t, s)
	until := t0.Add(2 * time.Minute)
	u := cloud.User{ID: "u1", Tenant: tenantA, Name: "Anna Müller", Role: model.RoleSachbearbeitung,
		Verifier:   "$argon2id$v=19$m=32768,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		Invitation: &identity.Invitation{UserID: "u1", Hash: hex64("code-1"), Expires: t0.Add(7 * 24 * time.Hour), Used: t0},
		Lockout:    identity.Lockout{Failures: 2, Locks: 1, Until: until},
	}
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutUser(u) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "user with sign-in state", []cloud.User{u})(r.Users(tenantA))
		return nil
	})
	u.Deactivated, u.GrantsNotBefore = ptr(t0.Add(time.Hour)), ptr(t0.Add(time.Hour))
	u.Lockout = identity.Lockout{}
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutUser(u) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "deactivated user", []cloud.User{u})(r.Users(tenantA))
		return nil
	})
	if v, ok := s.(cloud.RegistryViewer); ok {
		err := v.RegistryView(ctxT(t), func(r cloud.RegistryTx) error {
			wantRead(t, "user in a view", []cloud.User{u})(r.Users(tenantA))
			return nil
		})
		noErr(t, "RegistryView", err)
	}
}

// A new invitation replaces the old one: the old code must no longer find the user,
// or a reset would leave the code it meant to void usable.
func testInvitationIndex(t *testing.T, s cloud.Storage) {
	seed(t, s)
	inv := func(code string) *identity.Invitation {
		return &identity.Invitation{UserID: "u1", Hash: hex64(code), Expires: t0.Add(time.Hour)}
	}
	u := cloud.User{ID: "u1", Tenant: tenantA, Name: "Anna Müller", Role: model.RoleSachbearbeitung, Invitation: inv("first")}
	other := cloud.User{ID: "u2", Tenant: tenantB, Name: "Bernd Schäfer", Role: model.RoleLeitung, Invitation: inv("other")}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "UserByInvitation before put")(r.UserByInvitation(hex64("first")))
		noErr(t, "PutUser u1", r.PutUser(u))
		noErr(t, "PutUser u2", r.PutUser(other))
		wantRead(t, "UserByInvitation", u)(r.UserByInvitation(hex64("first")))
		return nil
	})
	u.Invitation = inv("second")
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutUser(u) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "UserByInvitation of the replaced code")(r.UserByInvitation(hex64("first")))
		wantRead(t, "UserByInvitation of the new code", u)(r.UserByInvitation(hex64("second")))
		wantRead(t, "UserByInvitation of another tenant's user", other)(r.UserByInvitation(hex64("other")))
		return nil
	})
	u.Invitation = nil
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutUser(u) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "UserByInvitation after the invitation was removed")(r.UserByInvitation(hex64("second")))
		return nil
	})
}

func testTenantOfflineDays(t *testing.T, s cloud.Storage) {
	a := cloud.Tenant{ID: tenantA, Name: "Stadt Musterstadt", Created: t0, OfflineDays: 5}
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutTenant(a) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Tenant with offline days", a)(r.Tenant(tenantA))
		wantRead(t, "Tenants with offline days", []cloud.Tenant{a})(r.Tenants())
		return nil
	})
}

func testGrants(t *testing.T, s cloud.Storage) {
	seed(t, s)
	day := t0.Truncate(time.Second)
	g1 := cloud.Grant{ID: "g1", Tenant: tenantA, UserID: "u1", DeviceID: "d1", IssuedAt: day, Expires: day.Add(14 * 24 * time.Hour)}
	g2 := cloud.Grant{ID: "g2", Tenant: tenantA, UserID: "u2", DeviceID: "d1", IssuedAt: day.Add(time.Hour), Expires: day.Add(15 * 24 * time.Hour)}
	g3 := cloud.Grant{ID: "g3", Tenant: tenantA, UserID: "u1", DeviceID: "d2", IssuedAt: day, Expires: day.Add(time.Hour)}
	// Device IDs are the service's UUIDs, but the registry must not mix tenants even
	// where they would meet.
	g4 := cloud.Grant{ID: "g4", Tenant: tenantB, UserID: "u9", DeviceID: "d1", IssuedAt: day, Expires: day.Add(time.Hour)}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantAnyOrder(t, "Grants of an empty store", []cloud.Grant{})(r.Grants(tenantA, "d1"))
		for _, g := range []cloud.Grant{g2, g1, g3, g4} {
			noErr(t, "PutGrant "+g.ID, r.PutGrant(g))
		}
		return nil
	})
	g1.Expires = g1.Expires.Add(24 * time.Hour) // extended by a later sign-in
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutGrant(g1) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Grants(A, d1)", []cloud.Grant{g1, g2})(r.Grants(tenantA, "d1"))
		wantRead(t, "Grants(A, d2)", []cloud.Grant{g3})(r.Grants(tenantA, "d2"))
		wantRead(t, "Grants(B, d1)", []cloud.Grant{g4})(r.Grants(tenantB, "d1"))
		wantAnyOrder(t, "Grants of device d (a prefix of d1)", []cloud.Grant{})(r.Grants(tenantA, "d"))
		return nil
	})
}

func testAbsences(t *testing.T, s cloud.Storage) {
	seed(t, s)
	day := func(d int) time.Time { return time.Date(2026, 7, d, 0, 0, 0, 0, time.UTC) }
	a1 := cloud.Absence{Absence: identity.Absence{ID: "a1", Absent: "u1", Substitute: "u2", From: day(6), To: day(10)},
		Tenant: tenantA, By: "u1", Recorded: t0}
	a2 := cloud.Absence{Absence: identity.Absence{ID: "a2", Absent: "u2", Substitute: "u1", From: day(20), To: day(24)},
		Tenant: tenantA, By: "u3", Recorded: t0}
	b1 := cloud.Absence{Absence: identity.Absence{ID: "a1", Absent: "u9", Substitute: "u8", From: day(1), To: day(2)},
		Tenant: tenantB, By: "u9", Recorded: t0}
	reg(t, s, func(r cloud.RegistryTx) error {
		for _, a := range []cloud.Absence{a2, a1, b1} {
			noErr(t, "PutAbsence "+a.ID, r.PutAbsence(a))
		}
		return nil
	})
	a1.To = day(12)
	reg(t, s, func(r cloud.RegistryTx) error {
		noErr(t, "PutAbsence replace", r.PutAbsence(a1))
		noErr(t, "DeleteAbsence a2", r.DeleteAbsence(tenantA, "a2"))
		noErr(t, "DeleteAbsence of an unknown ID", r.DeleteAbsence(tenantA, "nirgendwo"))
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Absences(A)", []cloud.Absence{a1})(r.Absences(tenantA))
		wantRead(t, "Absences(B) after A deleted one with the same ID elsewhere", []cloud.Absence{b1})(r.Absences(tenantB))
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error { return r.DeleteAbsence(tenantB, "a1") })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Absences(A) after B deleted its a1", []cloud.Absence{a1})(r.Absences(tenantA))
		return nil
	})
}

func testGrantKey(t *testing.T, s cloud.Storage) {
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "GrantKey before put")(r.GrantKey())
		return nil
	})
	key := bytes.Repeat([]byte{0xa5, 0x00, 0xff}, 22)[:64]
	want := bytes.Clone(key)
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutGrantKey(key) })
	key[0] = 1 // the caller may reuse its slice
	reg(t, s, func(r cloud.RegistryTx) error {
		got, err := r.GrantKey()
		noErr(t, "GrantKey", err)
		if !bytes.Equal(got, want) {
			t.Errorf("GrantKey = %x, want %x", got, want)
		}
		return nil
	})
}
