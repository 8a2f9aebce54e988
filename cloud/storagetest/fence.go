package storagetest

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

// fenceTests: the incarnation accepted per device, the sums of consumed mutations,
// and the file-number index the storage keeps with the case heads.
var fenceTests = []test{
	{"DeviceHolder", testDeviceHolder},
	{"MutationSums", testMutationSums},
	{"FileNumbers", testFileNumbers},
	{"Epochs", testEpochs},
	{"RevokeCopies", testRevokeCopies},
}

// testRevokeCopies: revoking a device through the service on this storage revokes
// the devices its copied data folders re-enrolled as, and theirs, and no other;
// the copies revoked now are returned, the others keep working.
func testRevokeCopies(t *testing.T, s cloud.Storage) {
	seed(t, s)
	svc := cloud.New(s, cloud.Options{
		Now:    func() time.Time { return t0.Add(time.Hour) },
		Logger: slog.New(slog.DiscardHandler),
	})
	dev := func(id, tenant, copyOf, copyFrom string) cloud.Device {
		return cloud.Device{ID: id, Tenant: tenant, Code: "K" + id[len(id)-1:], TokenHash: hex64("tok-" + id),
			Enrolled: t0, CopyOf: copyOf, CopyFrom: copyFrom, CopyIncarnation: "inc-" + id}
	}
	devs := []cloud.Device{
		dev("pc-1", tenantA, "", ""),
		dev("pc-2", tenantA, "pc-1", "pc-1"), // a copy of pc-1
		dev("pc-3", tenantA, "pc-1", "pc-2"), // a copy of that copy
		dev("pc-4", tenantA, "pc-1", ""),     // re-enrolled with pc-1's token before CopyFrom was kept
		dev("pc-5", tenantA, "", ""),         // another PC
		dev("pc-6", tenantA, "pc-5", "pc-5"), // its copy
		dev("pc-7", tenantB, "", ""),
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		for _, d := range devs {
			noErr(t, "PutDevice "+d.ID, r.PutDevice(d))
		}
		return nil
	})
	revoke := func(id string, want ...string) {
		t.Helper()
		got, err := svc.RevokeDevice(ctxT(t), id)
		noErr(t, "RevokeDevice "+id, err)
		var ids []string
		for _, d := range got {
			ids = append(ids, d.ID)
			if d.RevokedAt == nil {
				t.Errorf("revoking %s returned %s without RevokedAt", id, d.ID)
			}
		}
		slices.Sort(ids)
		if !slices.Equal(ids, want) {
			t.Errorf("revoking %s revoked the copies %q, want %q", id, ids, want)
		}
	}
	revoke("pc-2", "pc-3")
	revoke("pc-1", "pc-4") // pc-2 and pc-3 were revoked already
	revoke("pc-1")         // again: nothing more
	revoked := map[string]bool{"pc-1": true, "pc-2": true, "pc-3": true, "pc-4": true}
	reg(t, s, func(r cloud.RegistryTx) error {
		for _, d := range devs {
			got, err := r.Device(d.ID)
			noErr(t, "Device "+d.ID, err)
			if (got.RevokedAt != nil) != revoked[d.ID] {
				t.Errorf("%s: revoked at %v, want revoked %v", d.ID, got.RevokedAt, revoked[d.ID])
			}
			if got.CopyFrom != d.CopyFrom {
				t.Errorf("%s: CopyFrom %q, want %q", d.ID, got.CopyFrom, d.CopyFrom)
			}
		}
		return nil
	})
	if _, err := svc.Authenticate(ctxT(t), "tok-pc-3"); err == nil {
		t.Error("the copy of the copy still authenticates")
	}
	if _, err := svc.Authenticate(ctxT(t), "tok-pc-6"); err != nil {
		t.Errorf("another PC's copy is refused: %v", err)
	}
}

// testEpochs: every change comes back with the epoch its transaction set, from any
// starting point; a rolled-back epoch leaves no trace.
func testEpochs(t *testing.T, s cloud.Storage) {
	seed(t, s)
	appendN := func(epoch string, set bool, n int, fail bool) {
		t.Helper()
		err := s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
			if set {
				tx.AppendEpoch(epoch)
			}
			for range n {
				if _, err := tx.AppendChange(samplePatch("case-1", 2)); err != nil {
					return err
				}
			}
			if fail {
				return errBoom
			}
			return nil
		})
		if !fail {
			noErr(t, "append", err)
		}
	}
	appendN("e1", true, 2, false)
	appendN("", false, 1, false)
	appendN("e2", true, 2, false)
	appendN("e3", true, 2, true) // rolled back
	appendN("e2", true, 1, false)
	appendN("e4", true, 1, false)
	want := []string{"e1", "e1", "", "e2", "e2", "e2", "e4"}
	for after := range len(want) {
		var got []string
		view(t, s, tenantA, func(tx cloud.TenantTx) error {
			return tx.EachChange(uint64(after), 100, func(rc cloud.RawChange) (bool, error) {
				got = append(got, rc.Epoch)
				return true, nil
			})
		})
		if !slices.Equal(got, want[after:]) {
			t.Errorf("epochs after %d: %q, want %q", after, got, want[after:])
		}
	}
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		return tx.EachChange(0, 100, func(rc cloud.RawChange) (bool, error) {
			t.Errorf("tenant B sees change %d of tenant A", rc.Seq)
			return true, nil
		})
	})
}

func testDeviceHolder(t *testing.T, s cloud.Storage) {
	seed(t, s)
	holder := func(tenant, dev string) (uint64, string) {
		t.Helper()
		var seq uint64
		var h string
		view(t, s, tenant, func(tx cloud.TenantTx) error {
			var err error
			seq, h, err = tx.DeviceHolder(dev)
			return err
		})
		return seq, h
	}
	if seq, h := holder(tenantA, "dev-1"); seq != 0 || h != "" {
		t.Errorf("a new device: seq %d, holder %q", seq, h)
	}
	// The holder alone, then the seq: neither write clears the other.
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.SetDeviceHolder("dev-1", "inc-aaaaaaaa") })
	if seq, h := holder(tenantA, "dev-1"); seq != 0 || h != "inc-aaaaaaaa" {
		t.Errorf("holder set: seq %d, holder %q", seq, h)
	}
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.SetDeviceSeq("dev-1", 7) })
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		if seq, h, err := tx.DeviceHolder("dev-1"); err != nil || seq != 7 || h != "inc-aaaaaaaa" {
			t.Errorf("in the Update that reads it: seq %d, holder %q, %v", seq, h, err)
		}
		return tx.SetDeviceHolder("dev-1", "inc-bbbbbbbb")
	})
	if seq, h := holder(tenantA, "dev-1"); seq != 7 || h != "inc-bbbbbbbb" {
		t.Errorf("after seq and a new holder: seq %d, holder %q", seq, h)
	}
	// A rolled-back Update changes nothing; another tenant sees nothing.
	s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
		if err := tx.SetDeviceHolder("dev-1", "inc-cccccccc"); err != nil {
			return err
		}
		return errBoom
	})
	if _, h := holder(tenantA, "dev-1"); h != "inc-bbbbbbbb" {
		t.Errorf("a rolled-back holder stayed: %q", h)
	}
	if seq, h := holder(tenantB, "dev-1"); seq != 0 || h != "" {
		t.Errorf("tenant B sees seq %d, holder %q of tenant A's device", seq, h)
	}
}

func testMutationSums(t *testing.T, s cloud.Storage) {
	seed(t, s)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for seq, sum := range map[uint64]string{3: "sum-3", 4: "sum-4", 6: "sum-6"} {
			if err := tx.PutMutationSum("dev-1", seq, sum); err != nil {
				return err
			}
		}
		return tx.PutMutationSum("dev-2", 4, "other-4")
	})
	update(t, s, tenantB, func(tx cloud.TenantTx) error { return tx.PutMutationSum("dev-1", 5, "b-5") })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		got, err := tx.MutationSums("dev-1", 2, 7)
		noErr(t, "MutationSums", err)
		if want := []string{"", "sum-3", "sum-4", "", "sum-6", ""}; !slices.Equal(got, want) {
			t.Errorf("dev-1 2..7: %q, want %q", got, want)
		}
		got, err = tx.MutationSums("dev-2", 4, 4)
		noErr(t, "MutationSums", err)
		if !slices.Equal(got, []string{"other-4"}) {
			t.Errorf("dev-2 4..4: %q", got)
		}
		got, err = tx.MutationSums("dev-3", 1, 2)
		noErr(t, "MutationSums", err)
		if !slices.Equal(got, []string{"", ""}) {
			t.Errorf("a device without sums: %q", got)
		}
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		got, err := tx.MutationSums("dev-1", 3, 5)
		noErr(t, "MutationSums", err)
		if !slices.Equal(got, []string{"", "", "b-5"}) {
			t.Errorf("tenant B's dev-1 3..5: %q (tenant A's sums leak, or B's are lost)", got)
		}
		return nil
	})
	// A second sum for a seq replaces the first (a restored service consumes it anew).
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutMutationSum("dev-1", 3, "again-3") })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		got, err := tx.MutationSums("dev-1", 3, 3)
		noErr(t, "MutationSums", err)
		if !slices.Equal(got, []string{"again-3"}) {
			t.Errorf("replaced sum: %q", got)
		}
		return nil
	})
}

func testFileNumbers(t *testing.T, s cloud.Storage) {
	seed(t, s)
	put := func(tenant, id, fn string) {
		t.Helper()
		c := sampleCase(tenant, id, 1)
		c.Comments, c.Messages = nil, nil
		c.FileNumber = fn
		update(t, s, tenant, func(tx cloud.TenantTx) error { return tx.PutCaseHead(c) })
	}
	check := func(tenant, fn string, want []string, dups []cloud.FileNumberCases) {
		t.Helper()
		view(t, s, tenant, func(tx cloud.TenantTx) error {
			got, err := tx.CasesByFileNumber(fn)
			noErr(t, "CasesByFileNumber", err)
			if !slices.Equal(got, want) {
				t.Errorf("%s: cases of %s: %q, want %q", tenant, fn, got, want)
			}
			d, err := tx.FileNumberDuplicates()
			noErr(t, "FileNumberDuplicates", err)
			if len(d) > 0 || len(dups) > 0 {
				sameJSON(t, tenant+": duplicates", d, dups)
			}
			return nil
		})
	}
	put(tenantA, "case-b", "BAU-2026-0001-AB1")
	put(tenantA, "case-a", "BAU-2026-0001-AB1") // a duplicate, as stored before the check
	put(tenantA, "case-c", "BAU-2026-0002-AB1")
	put(tenantB, "case-x", "BAU-2026-0001-AB1")
	dups := []cloud.FileNumberCases{{FileNumber: "BAU-2026-0001-AB1", Cases: []string{"case-a", "case-b"}}}
	check(tenantA, "BAU-2026-0001-AB1", []string{"case-a", "case-b"}, dups)
	check(tenantB, "BAU-2026-0001-AB1", []string{"case-x"}, nil)
	check(tenantA, "BAU-2026-0009-AB1", nil, dups)
	// A head written again with its number keeps one entry; a new number moves it.
	put(tenantA, "case-b", "BAU-2026-0001-AB1")
	put(tenantA, "case-a", "BAU-2026-0003-SV")
	check(tenantA, "BAU-2026-0001-AB1", []string{"case-b"}, nil)
	check(tenantA, "BAU-2026-0003-SV", []string{"case-a"}, nil)
	// A rolled-back head leaves the index as it was.
	s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
		c := sampleCase(tenantA, "case-c", 2)
		c.Comments, c.Messages = nil, nil
		c.FileNumber = "BAU-2026-0001-AB1"
		if err := tx.PutCaseHead(c); err != nil {
			return err
		}
		return errBoom
	})
	check(tenantA, "BAU-2026-0002-AB1", []string{"case-c"}, nil)
	check(tenantA, "BAU-2026-0001-AB1", []string{"case-b"}, nil)
}
