package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

var txTests = []test{
	{"UpdateErrorRollsBack", testUpdateErrorRollsBack},
	{"UpdatePanicRollsBack", testUpdatePanicRollsBack},
	{"RegistryErrorRollsBack", testRegistryErrorRollsBack},
	{"RegistryPanicRollsBack", testRegistryPanicRollsBack},
	{"TenantIsolation", testTenantIsolation},
	{"ContextCancelled", testContextCancelled},
	{"PrefixKeys", testPrefixKeys},
}

// Keys writeAll uses and assertEmpty looks for.
const (
	kCase   = "case-1"
	kDevice = "dev-1"
	kConfl  = "k-1"
	kIntake = "tx-1"
	kVerify = "C-1"
)

var kBlob = hex64("b")

// writeAll writes one record of every kind a TenantTx can write.
func writeAll(tx cloud.TenantTx) error {
	tenant := tx.Tenant()
	steps := []func() error{
		func() error { return tx.PutCaseHead(sampleCase(tenant, kCase, 1)) },
		func() error { return tx.AppendHistory(kCase, []model.HistoryEntry{sampleHistory(kCase, 1)}) },
		func() error { _, err := tx.AppendChange(sampleChange(tenant, kCase, 1)); return err },
		func() error { return tx.SetDeviceSeq(kDevice, 3) },
		func() error { return tx.PutConflict(sampleConflict(kConfl, kCase)) },
		func() error { return tx.PutIntake(kIntake, kCase) },
		func() error { return tx.PutChunk(kBlob, 0, []byte("chunk")) },
		func() error { return tx.PutBlob(kBlob, 5, 1) },
		func() error {
			return tx.PutVerification(cloud.Verification{Code: kVerify + "-" + tenant, Tenant: tenant,
				FileNumber: "F-1", SignedAt: t0, Hash: hex64("v")})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// assertEmpty checks that tenant has none of what writeAll writes, through View and
// through the registry's verification index.
func assertEmpty(t *testing.T, s cloud.Storage, tenant, when string) {
	t.Helper()
	view(t, s, tenant, func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead(kCase)
		isNotFound(t, "Case "+when, err)
		h, err := tx.History(kCase)
		if err != nil && !errors.Is(err, cloud.ErrNotFound) {
			t.Errorf("History %s: %v", when, err)
		}
		if len(h) != 0 {
			t.Errorf("History %s: %d entries", when, len(h))
		}
		wantRead(t, "LastChange "+when, uint64(0))(tx.LastChange())
		wantAnyOrder(t, "Changes "+when, []wire.Change{})(cloud.ReadChanges(tx, 0, 100))
		wantRead(t, "DeviceSeq "+when, uint64(0))(tx.DeviceSeq(kDevice))
		_, err = tx.Conflict(kConfl)
		isNotFound(t, "Conflict "+when, err)
		wantAnyOrder(t, "Conflicts "+when, []wire.Conflict{})(tx.Conflicts(""))
		wantAnyOrder(t, "Conflicts(case) "+when, []wire.Conflict{})(tx.Conflicts(kCase))
		_, err = tx.IntakeCase(kIntake)
		isNotFound(t, "IntakeCase "+when, err)
		wantRead(t, "HasChunk "+when, false)(tx.HasChunk(kBlob, 0))
		_, err = tx.Chunk(kBlob, 0)
		isNotFound(t, "Chunk "+when, err)
		_, _, err = tx.Blob(kBlob)
		isNotFound(t, "Blob "+when, err)
		return nil
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		_, err := r.Verification(kVerify + "-" + tenant)
		isNotFound(t, "Verification "+when, err)
		return nil
	})
}

func testUpdateErrorRollsBack(t *testing.T, s cloud.Storage) {
	seed(t, s)
	err := s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
		if err := writeAll(tx); err != nil {
			t.Errorf("writeAll: %v", err)
		}
		return errBoom
	})
	if err != errBoom {
		t.Errorf("Update returned %v, want fn's error unchanged", err)
	}
	assertEmpty(t, s, tenantA, "after a failed Update")
	// The change number of the rolled-back change may be skipped, never handed out
	// twice, and the tenant keeps working.
	var seq uint64
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		var err error
		seq, err = tx.AppendChange(sampleChange(tenantA, kCase, 1))
		return err
	})
	if seq < 1 {
		t.Errorf("AppendChange after a rollback = %d", seq)
	}
}

func testUpdatePanicRollsBack(t *testing.T, s cloud.Storage) {
	seed(t, s)
	type marker struct{ s string }
	func() {
		defer func() {
			r := recover()
			if m, ok := r.(marker); !ok || m.s != "boom" {
				t.Errorf("recovered %v, want fn's panic value unchanged", r)
			}
		}()
		_ = s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
			if err := writeAll(tx); err != nil {
				t.Errorf("writeAll: %v", err)
			}
			panic(marker{"boom"})
		})
	}()
	// The tenant's lock must be free again (net/http recovers handler panics, so a
	// lock held forever would stop the tenant).
	done := make(chan error, 1)
	go func() {
		done <- s.Update(context.Background(), tenantA, func(tx cloud.TenantTx) error { return nil })
	}()
	select {
	case err := <-done:
		noErr(t, "Update after a panic", err)
	case <-time.After(waitLimit):
		t.Fatal("Update after a panic in another Update of the tenant did not finish: lock not released")
	}
	assertEmpty(t, s, tenantA, "after a panicking Update")
}

// registryAll writes one record of every kind a RegistryTx can write.
func registryAll(r cloud.RegistryTx) error {
	steps := []func() error{
		func() error { return r.PutTenant(cloud.Tenant{ID: "t-x", Name: "X", Created: t0}) },
		func() error { return r.PutOrgUnit(cloud.OrgUnit{ID: "ou-x", Tenant: "t-x", Name: "X"}) },
		func() error {
			return r.PutUser(cloud.User{ID: "u-x", Tenant: "t-x", Name: "X", Role: model.RoleLeitung})
		},
		func() error {
			return r.PutEnrollment(cloud.Enrollment{CodeHash: hex64("e-x"), Tenant: "t-x", Expires: t0})
		},
		func() error {
			return r.PutDevice(cloud.Device{ID: "d-x", Tenant: "t-x", Code: "X1", TokenHash: hex64("d-x"), Enrolled: t0})
		},
		func() error {
			return r.PutIntakeCredential(cloud.IntakeCredential{ID: "i-x", Tenant: "t-x", TokenHash: hex64("i-x"), Created: t0})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func assertRegistryEmpty(t *testing.T, s cloud.Storage, when string) {
	t.Helper()
	reg(t, s, func(r cloud.RegistryTx) error {
		_, err := r.Tenant("t-x")
		isNotFound(t, "Tenant "+when, err)
		list, err := r.Tenants()
		noErr(t, "Tenants", err)
		for _, x := range list {
			if x.ID == "t-x" {
				t.Errorf("Tenants %s lists t-x", when)
			}
		}
		_, err = r.OrgUnit("ou-x")
		isNotFound(t, "OrgUnit "+when, err)
		ous, err := r.OrgUnits("t-x")
		noErr(t, "OrgUnits", err)
		us, err := r.Users("t-x")
		noErr(t, "Users", err)
		ds, err := r.Devices("t-x")
		noErr(t, "Devices", err)
		if len(ous)+len(us)+len(ds) != 0 {
			t.Errorf("%s: %d org units, %d users, %d devices of t-x", when, len(ous), len(us), len(ds))
		}
		_, err = r.Enrollment(hex64("e-x"))
		isNotFound(t, "Enrollment "+when, err)
		_, err = r.Device("d-x")
		isNotFound(t, "Device "+when, err)
		_, err = r.DeviceByToken(hex64("d-x"))
		isNotFound(t, "DeviceByToken "+when, err)
		_, err = r.IntakeCredentialByToken(hex64("i-x"))
		isNotFound(t, "IntakeCredentialByToken "+when, err)
		return nil
	})
}

func testRegistryErrorRollsBack(t *testing.T, s cloud.Storage) {
	err := s.Registry(ctxT(t), func(r cloud.RegistryTx) error {
		if err := registryAll(r); err != nil {
			t.Errorf("registryAll: %v", err)
		}
		return errBoom
	})
	if err != errBoom {
		t.Errorf("Registry returned %v, want fn's error unchanged", err)
	}
	assertRegistryEmpty(t, s, "after a failed Registry")
	// The device code and org unit ID of the rolled-back writes are free.
	reg(t, s, registryAll)
}

func testRegistryPanicRollsBack(t *testing.T, s cloud.Storage) {
	func() {
		defer func() {
			if r := recover(); r != "registry boom" {
				t.Errorf("recovered %v, want fn's panic value unchanged", r)
			}
		}()
		_ = s.Registry(ctxT(t), func(r cloud.RegistryTx) error {
			if err := registryAll(r); err != nil {
				t.Errorf("registryAll: %v", err)
			}
			panic("registry boom")
		})
	}()
	done := make(chan error, 1)
	go func() {
		done <- s.Registry(context.Background(), func(r cloud.RegistryTx) error { return nil })
	}()
	select {
	case err := <-done:
		noErr(t, "Registry after a panic", err)
	case <-time.After(waitLimit):
		t.Fatal("Registry after a panic did not finish: lock not released")
	}
	assertRegistryEmpty(t, s, "after a panicking Registry")
}

func testTenantIsolation(t *testing.T, s cloud.Storage) {
	seed(t, s)
	update(t, s, tenantA, writeAll)
	// Every kind of record of A, looked up in B with A's keys: nothing.
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead(kCase)
		isNotFound(t, "B reads A's case", err)
		h, _ := tx.History(kCase)
		if len(h) != 0 {
			t.Errorf("B reads A's history: %d entries", len(h))
		}
		return nil
	})
	assertEmpty(t, s, tenantB, "in B after writes in A")
	update(t, s, tenantB, func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead(kCase)
		isNotFound(t, "B reads A's case in Update", err)
		// Writes in B under A's keys must not touch A's records.
		return writeAll(tx)
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		c, err := tx.CaseHead(kCase)
		noErr(t, "A's case", err)
		if c.Tenant != tenantA {
			t.Errorf("A's case overwritten by B: tenant %q", c.Tenant)
		}
		wantRead(t, "A's LastChange after B's writes", uint64(1))(tx.LastChange())
		ch, err := cloud.ReadChanges(tx, 0, 10)
		noErr(t, "Changes", err)
		if len(ch) != 1 || ch[0].Case.Tenant != tenantA {
			t.Errorf("A's changes after B's writes: %d, want 1 of A", len(ch))
		}
		return nil
	})
	// An unknown tenant sees nothing either.
	assertEmpty(t, s, "unbekannt", "in a tenant that does not exist")
}

func testContextCancelled(t *testing.T, s cloud.Storage) {
	seed(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := s.Update(ctx, tenantA, func(tx cloud.TenantTx) error {
		called = true
		return writeAll(tx)
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update with a cancelled ctx = %v (fn called: %v), want one wrapping context.Canceled", err, called)
	}
	err = s.View(ctx, tenantA, func(tx cloud.TenantTx) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("View with a cancelled ctx = %v, want one wrapping context.Canceled", err)
	}
	err = s.Registry(ctx, registryAll)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Registry with a cancelled ctx = %v, want one wrapping context.Canceled", err)
	}
	assertEmpty(t, s, tenantA, "after Update with a cancelled ctx")
	assertRegistryEmpty(t, s, "after Registry with a cancelled ctx")
}

// testPrefixKeys catches key encodings that confuse one key with the start of another
// (a prefix scan for "case-1" that also finds "case-10", a tenant "t" whose keys are a
// prefix of tenant "t/x"'s) and separators inside IDs.
func testPrefixKeys(t *testing.T, s cloud.Storage) {
	tenants := []string{"t", "t/x", "t:x", "t2", "tö"}
	seed(t, s, tenants...)
	reg(t, s, func(r cloud.RegistryTx) error {
		for i, tn := range tenants {
			noErr(t, "PutOrgUnit", r.PutOrgUnit(cloud.OrgUnit{ID: "ou-" + tn, Tenant: tn, Name: tn}))
			noErr(t, "PutUser", r.PutUser(cloud.User{ID: "u-" + tn, Tenant: tn, Name: tn, Role: model.RoleLeitung}))
			noErr(t, "PutDevice", r.PutDevice(cloud.Device{ID: "d-" + tn, Tenant: tn, Code: "C" + string(rune('A'+i)),
				TokenHash: hex64("d-" + tn), Enrolled: t0}))
		}
		return nil
	})
	ids := []string{"case-1", "case-10", "case-1/0", "case-1:0", "case'1", "case-1%", "case-1_"}
	for _, tn := range tenants {
		update(t, s, tn, func(tx cloud.TenantTx) error {
			for _, id := range ids {
				c := sampleCase(tn, id, 1)
				c.Title = tn + " " + id
				if err := tx.PutCaseHead(c); err != nil {
					return err
				}
				e := sampleHistory(id, 1)
				e.Summary = tn + " " + id
				if err := tx.AppendHistory(id, []model.HistoryEntry{e}); err != nil {
					return err
				}
				k := sampleConflict("k-"+id, id)
				k.ClientAuthor = tn
				if err := tx.PutConflict(k); err != nil {
					return err
				}
				if err := tx.PutIntake("tx-"+id, id); err != nil {
					return err
				}
				if err := tx.SetDeviceSeq("dev-"+id, uint64(len(id))); err != nil {
					return err
				}
			}
			return nil
		})
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		for _, tn := range tenants {
			ous, err := r.OrgUnits(tn)
			noErr(t, "OrgUnits", err)
			us, err := r.Users(tn)
			noErr(t, "Users", err)
			ds, err := r.Devices(tn)
			noErr(t, "Devices", err)
			if len(ous) != 1 || len(us) != 1 || len(ds) != 1 {
				t.Errorf("tenant %q: %d org units, %d users, %d devices, want one each", tn, len(ous), len(us), len(ds))
			}
		}
		return nil
	})
	for _, tn := range tenants {
		view(t, s, tn, func(tx cloud.TenantTx) error {
			for _, id := range ids {
				c, err := tx.CaseHead(id)
				noErr(t, "Case "+id, err)
				if c.Title != tn+" "+id {
					t.Errorf("tenant %q case %q: title %q", tn, id, c.Title)
				}
				h, err := tx.History(id)
				noErr(t, "History", err)
				if len(h) != 1 || h[0].Summary != tn+" "+id {
					t.Errorf("tenant %q: History(%q) has %d entries (another case's or tenant's?)", tn, id, len(h))
				}
				ks, err := tx.Conflicts(id)
				noErr(t, "Conflicts", err)
				if len(ks) != 1 || ks[0].CaseID != id || ks[0].ClientAuthor != tn {
					t.Errorf("tenant %q: Conflicts(%q) has %d entries (another case's or tenant's?)", tn, id, len(ks))
				}
				wantRead(t, "tenant "+tn+": IntakeCase(tx-"+id+")", id)(tx.IntakeCase("tx-" + id))
				wantRead(t, "tenant "+tn+": DeviceSeq(dev-"+id+")", uint64(len(id)))(tx.DeviceSeq("dev-" + id))
			}
			all, err := tx.Conflicts("")
			noErr(t, "Conflicts()", err)
			if len(all) != len(ids) {
				t.Errorf("tenant %q: Conflicts() has %d entries, want %d", tn, len(all), len(ids))
			}
			return nil
		})
	}
}
