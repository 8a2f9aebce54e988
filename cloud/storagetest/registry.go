package storagetest

import (
	"sort"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
)

var registryTests = []test{
	{"Tenants", testTenants},
	{"OrgUnits", testOrgUnits},
	{"Users", testUsers},
	{"Enrollments", testEnrollments},
	{"Devices", testDevices},
	{"DeviceCodeUnique", testDeviceCodeUnique},
	{"IntakeCredentials", testIntakeCredentials},
	{"UsableAfterErrExists", testUsableAfterErrExists},
	{"VerificationNotFound", testVerificationNotFound},
}

func testTenants(t *testing.T, s cloud.Storage) {
	a := cloud.Tenant{ID: tenantA, Name: "Stadt Musterstadt", Created: t0}
	b := cloud.Tenant{ID: tenantB, Name: "Gemeinde Beispielhausen", Created: t0.Add(time.Hour)}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "Tenant before put")(r.Tenant(tenantA))
		wantAnyOrder(t, "Tenants of an empty store", []cloud.Tenant{})(r.Tenants())
		noErr(t, "PutTenant a", r.PutTenant(a))
		noErr(t, "PutTenant b", r.PutTenant(b))
		wantRead(t, "Tenant in same tx", a)(r.Tenant(tenantA))
		return nil
	})
	a.Name = "Stadt Musterstadt (neu)"
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutTenant(a) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Tenant after replace", a)(r.Tenant(tenantA))
		list, err := r.Tenants()
		noErr(t, "Tenants", err)
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
		sameRecord(t, "Tenants[0]", pick(list, 0), b)
		sameRecord(t, "Tenants[1]", pick(list, 1), a)
		if len(list) != 2 {
			t.Errorf("Tenants: %d, want 2", len(list))
		}
		wantNotFound(t, "Tenant unknown")(r.Tenant("nirgendwo"))
		return nil
	})
}

func pick[T any](list []T, i int) T {
	var zero T
	if i < len(list) {
		return list[i]
	}
	return zero
}

func testOrgUnits(t *testing.T, s cloud.Storage) {
	seed(t, s)
	ou1 := cloud.OrgUnit{ID: "010000000001", Tenant: tenantA, Name: "Bauamt"}
	ou2 := cloud.OrgUnit{ID: "010000000002", Tenant: tenantA, Name: "Ordnungsamt"}
	ou3 := cloud.OrgUnit{ID: "020000000001", Tenant: tenantB, Name: "Bürgerbüro"}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "OrgUnit before put")(r.OrgUnit(ou1.ID))
		for _, o := range []cloud.OrgUnit{ou1, ou2, ou3} {
			noErr(t, "PutOrgUnit "+o.ID, r.PutOrgUnit(o))
		}
		return nil
	})
	ou1.Name = "Bauamt und Umwelt"
	reg(t, s, func(r cloud.RegistryTx) error {
		noErr(t, "PutOrgUnit replace in the same tenant", r.PutOrgUnit(ou1))
		return nil
	})
	// Intake routes by org unit ID alone, so another tenant must not take it over.
	err := s.Registry(ctxT(t), func(r cloud.RegistryTx) error {
		return r.PutOrgUnit(cloud.OrgUnit{ID: ou1.ID, Tenant: tenantB, Name: "Gekapert"})
	})
	isExists(t, "PutOrgUnit with another tenant's ID", err)
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "OrgUnit after replace and takeover attempt", ou1)(r.OrgUnit(ou1.ID))
		wantAnyOrder(t, "OrgUnits(A)", []cloud.OrgUnit{ou1, ou2})(r.OrgUnits(tenantA))
		wantRead(t, "OrgUnits(B)", []cloud.OrgUnit{ou3})(r.OrgUnits(tenantB))
		wantAnyOrder(t, "OrgUnits(unknown)", []cloud.OrgUnit{})(r.OrgUnits("nirgendwo"))
		return nil
	})
}

func testUsers(t *testing.T, s cloud.Storage) {
	seed(t, s)
	u1 := cloud.User{ID: "u1", Tenant: tenantA, Name: "Anna Müller", Role: model.RoleSachbearbeitung}
	u2 := cloud.User{ID: "u2", Tenant: tenantA, Name: "Bernd Schäfer", Role: model.RoleLeitung}
	u3 := cloud.User{ID: "u3", Tenant: tenantB, Name: "Clara Groß", Role: model.RoleAdministration}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantAnyOrder(t, "Users before put", []cloud.User{})(r.Users(tenantA))
		for _, u := range []cloud.User{u1, u2, u3} {
			noErr(t, "PutUser "+u.ID, r.PutUser(u))
		}
		return nil
	})
	u1.Role = model.RoleLeitung
	u1.Name = "Anna Müller-Lüdenscheidt"
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutUser(u1) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantAnyOrder(t, "Users(A) after replace", []cloud.User{u1, u2})(r.Users(tenantA))
		wantRead(t, "Users(B)", []cloud.User{u3})(r.Users(tenantB))
		return nil
	})
}

func testEnrollments(t *testing.T, s cloud.Storage) {
	seed(t, s)
	e := cloud.Enrollment{CodeHash: hex64("enroll-1"), Tenant: tenantA, Expires: t0.Add(24 * time.Hour)}
	other := cloud.Enrollment{CodeHash: hex64("enroll-2"), Tenant: tenantB, Expires: t0.Add(time.Hour)}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "Enrollment before put")(r.Enrollment(e.CodeHash))
		noErr(t, "PutEnrollment", r.PutEnrollment(e))
		noErr(t, "PutEnrollment other", r.PutEnrollment(other))
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Enrollment", e)(r.Enrollment(e.CodeHash))
		return nil
	})
	e.UsedAt = ptr(t0.Add(time.Minute))
	e.UsedBy = "dev-1"
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutEnrollment(e) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Enrollment after use", e)(r.Enrollment(e.CodeHash))
		wantRead(t, "Enrollment other untouched", other)(r.Enrollment(other.CodeHash))
		return nil
	})
}

func testDevices(t *testing.T, s cloud.Storage) {
	seed(t, s)
	d1 := cloud.Device{ID: "dev-1", Tenant: tenantA, Code: "A1", TokenHash: hex64("tok-1"), Enrolled: t0}
	d2 := cloud.Device{ID: "dev-2", Tenant: tenantA, Code: "A2", TokenHash: hex64("tok-2"), Enrolled: t0,
		CopyOf: "dev-1", CopyFrom: "dev-1", CopyIncarnation: "copy-store"}
	d3 := cloud.Device{ID: "dev-3", Tenant: tenantB, Code: "A1", TokenHash: hex64("tok-3"), Enrolled: t0}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "Device before put")(r.Device(d1.ID))
		wantNotFound(t, "DeviceByToken before put")(r.DeviceByToken(d1.TokenHash))
		for _, d := range []cloud.Device{d1, d2, d3} {
			noErr(t, "PutDevice "+d.ID, r.PutDevice(d))
		}
		wantRead(t, "DeviceByToken in the same tx", d1)(r.DeviceByToken(d1.TokenHash))
		return nil
	})
	// A new token (re-enrollment) must retire the old one at once.
	old := d1.TokenHash
	d1.TokenHash = hex64("tok-1-new")
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutDevice(d1) })
	d2.RevokedAt = ptr(t0.Add(2 * time.Hour))
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutDevice(d2) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "DeviceByToken with the replaced token")(r.DeviceByToken(old))
		wantRead(t, "DeviceByToken new token", d1)(r.DeviceByToken(d1.TokenHash))
		wantRead(t, "Device revoked", d2)(r.Device(d2.ID))
		wantRead(t, "DeviceByToken of a revoked device (the service checks RevokedAt)", d2)(r.DeviceByToken(d2.TokenHash))
		wantRead(t, "DeviceByToken B", d3)(r.DeviceByToken(d3.TokenHash))
		wantAnyOrder(t, "Devices(A)", []cloud.Device{d1, d2})(r.Devices(tenantA))
		wantRead(t, "Devices(B)", []cloud.Device{d3})(r.Devices(tenantB))
		return nil
	})
}

func testDeviceCodeUnique(t *testing.T, s cloud.Storage) {
	seed(t, s)
	d1 := cloud.Device{ID: "dev-1", Tenant: tenantA, Code: "K7", TokenHash: hex64("t1"), Enrolled: t0}
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutDevice(d1) })

	// Same code, same tenant, another device: refused, and the refused device is not
	// half stored (no ID, no token).
	d2 := cloud.Device{ID: "dev-2", Tenant: tenantA, Code: "K7", TokenHash: hex64("t2"), Enrolled: t0}
	err := s.Registry(ctxT(t), func(r cloud.RegistryTx) error { return r.PutDevice(d2) })
	isExists(t, "PutDevice with a code taken in the tenant", err)
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "refused device by ID")(r.Device(d2.ID))
		wantNotFound(t, "refused device by token")(r.DeviceByToken(d2.TokenHash))
		wantRead(t, "holder of the code untouched", d1)(r.Device(d1.ID))
		return nil
	})

	// Re-putting the holder itself is fine, and so is the same code in another tenant.
	reg(t, s, func(r cloud.RegistryTx) error {
		noErr(t, "PutDevice same device again", r.PutDevice(d1))
		return r.PutDevice(cloud.Device{ID: "dev-b", Tenant: tenantB, Code: "K7", TokenHash: hex64("tb"), Enrolled: t0})
	})

	// When the holder moves to another code, the old one is free again.
	d1.Code = "K8"
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutDevice(d1) })
	reg(t, s, func(r cloud.RegistryTx) error {
		noErr(t, "PutDevice with a freed code", r.PutDevice(d2))
		return nil
	})
	d3 := cloud.Device{ID: "dev-3", Tenant: tenantA, Code: "K8", TokenHash: hex64("t3"), Enrolled: t0}
	err = s.Registry(ctxT(t), func(r cloud.RegistryTx) error { return r.PutDevice(d3) })
	isExists(t, "PutDevice with the holder's new code", err)
}

func testIntakeCredentials(t *testing.T, s cloud.Storage) {
	seed(t, s)
	c := cloud.IntakeCredential{ID: "ic-1", Tenant: tenantA, TokenHash: hex64("ic-tok-1"), Created: t0}
	c2 := cloud.IntakeCredential{ID: "ic-2", Tenant: tenantB, TokenHash: hex64("ic-tok-2"), Created: t0}
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "IntakeCredentialByToken before put")(r.IntakeCredentialByToken(c.TokenHash))
		noErr(t, "PutIntakeCredential", r.PutIntakeCredential(c))
		noErr(t, "PutIntakeCredential 2", r.PutIntakeCredential(c2))
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "IntakeCredentialByToken", c)(r.IntakeCredentialByToken(c.TokenHash))
		return nil
	})
	old := c.TokenHash
	c.TokenHash = hex64("ic-tok-rotated")
	c.RevokedAt = ptr(t0.Add(time.Hour))
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutIntakeCredential(c) })
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "IntakeCredentialByToken with the replaced token")(r.IntakeCredentialByToken(old))
		wantRead(t, "IntakeCredential after replace", c)(r.IntakeCredentialByToken(c.TokenHash))
		wantRead(t, "IntakeCredential 2", c2)(r.IntakeCredentialByToken(c2.TokenHash))
		return nil
	})
}

func testVerificationNotFound(t *testing.T, s cloud.Storage) {
	reg(t, s, func(r cloud.RegistryTx) error {
		wantNotFound(t, "Verification of an empty store")(r.Verification("ABCD-EFGH"))
		return nil
	})
}

// testUsableAfterErrExists: a caller that gets ErrExists may try again in the same
// transaction (another device code, another org unit). In PostgreSQL a failed unique
// insert would abort the whole transaction, so an implementation must check first.
func testUsableAfterErrExists(t *testing.T, s cloud.Storage) {
	seed(t, s)
	reg(t, s, func(r cloud.RegistryTx) error {
		noErr(t, "PutDevice", r.PutDevice(cloud.Device{ID: "dev-1", Tenant: tenantA, Code: "K1", TokenHash: hex64("t1"), Enrolled: t0}))
		return r.PutOrgUnit(cloud.OrgUnit{ID: "ou-a", Tenant: tenantA, Name: "Bauamt"})
	})
	d2 := cloud.Device{ID: "dev-2", Tenant: tenantA, Code: "K1", TokenHash: hex64("t2"), Enrolled: t0}
	ou := cloud.OrgUnit{ID: "ou-b", Tenant: tenantB, Name: "Bürgerbüro"}
	reg(t, s, func(r cloud.RegistryTx) error {
		isExists(t, "PutDevice with a taken code", r.PutDevice(d2))
		d2.Code = "K2"
		noErr(t, "PutDevice with the next code in the same tx", r.PutDevice(d2))
		isExists(t, "PutOrgUnit of another tenant", r.PutOrgUnit(cloud.OrgUnit{ID: "ou-a", Tenant: tenantB, Name: "x"}))
		noErr(t, "PutOrgUnit after ErrExists in the same tx", r.PutOrgUnit(ou))
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "device put after ErrExists", d2)(r.Device(d2.ID))
		wantRead(t, "org unit put after ErrExists", ou)(r.OrgUnit(ou.ID))
		return nil
	})
	v := cloud.Verification{Code: "V-1", Tenant: tenantA, FileNumber: "F", SignedAt: t0, Hash: hex64("v")}
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutVerification(v) })
	update(t, s, tenantB, func(tx cloud.TenantTx) error {
		isExists(t, "PutVerification of A's code", tx.PutVerification(cloud.Verification{Code: "V-1", Tenant: tenantB, SignedAt: t0}))
		return tx.PutCaseHead(sampleCase(tenantB, "case-after", 1))
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead("case-after")
		noErr(t, "case put after ErrExists in the same Update", err)
		return nil
	})
}
