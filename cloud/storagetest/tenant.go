package storagetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

var tenantTests = []test{
	{"TenantOfTx", testTenantOfTx},
	{"Cases", testCases},
	{"History", testHistory},
	{"ChangesNumbering", testChangesNumbering},
	{"ChangesPaging", testChangesPaging},
	{"DeviceSeq", testDeviceSeq},
	{"Conflicts", testConflicts},
	{"Intake", testIntake},
	{"Chunks", testChunks},
	{"ChunkBuffers", testChunkBuffers},
	{"Blobs", testBlobs},
	{"Verification", testVerification},
	{"VerificationCodeOfAnotherTenant", testVerificationOtherTenant},
	{"ViewIsReadOnly", testViewReadOnly},
}

func testTenantOfTx(t *testing.T, s cloud.Storage) {
	seed(t, s)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		if tx.Tenant() != tenantA {
			t.Errorf("Update: Tenant() = %q, want %q", tx.Tenant(), tenantA)
		}
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		if tx.Tenant() != tenantB {
			t.Errorf("View: Tenant() = %q, want %q", tx.Tenant(), tenantB)
		}
		return nil
	})
}

func testCases(t *testing.T, s cloud.Storage) {
	seed(t, s)
	c1 := sampleCase(tenantA, "case-1", 1)
	c2 := sampleCase(tenantA, "case-2", 1)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantNotFound(t, "Case before put")(tx.CaseHead(c1.ID))
		noErr(t, "PutCaseHead", tx.PutCaseHead(c1))
		noErr(t, "PutCase 2", tx.PutCaseHead(c2))
		wantRead(t, "Case in the same tx", c1)(tx.CaseHead(c1.ID))
		return nil
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "Case", c1)(tx.CaseHead(c1.ID))
		return nil
	})
	c1 = sampleCase(tenantA, "case-1", 2)
	c1.Comments = nil
	c1.LegalDeadline = nil
	c1.Status = model.StatusInBearbeitung
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutCaseHead(c1) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		got, err := tx.CaseHead(c1.ID)
		noErr(t, "Case", err)
		// A replace, not a merge: the removed comment and deadline must be gone.
		sameJSON(t, "Case after replace", got, c1)
		wantRead(t, "Case 2 untouched", c2)(tx.CaseHead(c2.ID))
		wantNotFound(t, "Case unknown")(tx.CaseHead("case-unknown"))
		return nil
	})
}

func testHistory(t *testing.T, s cloud.Storage) {
	seed(t, s)
	h := func(seqs ...uint64) []model.HistoryEntry {
		var out []model.HistoryEntry
		for _, q := range seqs {
			out = append(out, sampleHistory("case-1", q))
		}
		return out
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantAnyOrder(t, "History before append", []model.HistoryEntry{})(tx.History("case-1"))
		return nil
	})
	// Out of order across and within calls, with seq 10 after 9 so that a storage
	// keyed by decimal strings ("10" < "9") shows itself.
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.AppendHistory("case-1", h(3, 1)) })
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "AppendHistory", tx.AppendHistory("case-1", h(2, 10, 9)))
		noErr(t, "AppendHistory other case", tx.AppendHistory("case-2", []model.HistoryEntry{sampleHistory("case-2", 1)}))
		return nil
	})
	// Idempotent re-append (a retried push, a replayed change).
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.AppendHistory("case-1", h(1, 2, 3)) })
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.AppendHistory("case-1", nil) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "History in seq order, no duplicates", h(1, 2, 3, 9, 10))(tx.History("case-1"))
		wantRead(t, "History of another case", []model.HistoryEntry{sampleHistory("case-2", 1)})(tx.History("case-2"))
		return nil
	})
}

func testChangesNumbering(t *testing.T, s cloud.Storage) {
	seed(t, s)
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "LastChange of an empty tenant", uint64(0))(tx.LastChange())
		wantAnyOrder(t, "Changes of an empty tenant", []wire.Change{})(cloud.ReadChanges(tx, 0, 10))
		return nil
	})
	appendOne := func(tenant string, v uint64) uint64 {
		var seq uint64
		update(t, s, tenant, func(tx cloud.TenantTx) error {
			var err error
			seq, err = tx.AppendChange(sampleChange(tenant, "case-1", v))
			return err
		})
		return seq
	}
	for want := uint64(1); want <= 3; want++ {
		if got := appendOne(tenantA, want); got != want {
			t.Errorf("AppendChange #%d in A = %d", want, got)
		}
	}
	// Numbering is per tenant: B starts at 1 although A is at 3.
	if got := appendOne(tenantB, 1); got != 1 {
		t.Errorf("first AppendChange in B = %d, want 1", got)
	}
	// Several in one transaction, and LastChange sees them before commit.
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for want := uint64(4); want <= 6; want++ {
			wantRead(t, "AppendChange in one tx", want)(tx.AppendChange(sampleChange(tenantA, "case-2", want)))
		}
		wantRead(t, "LastChange inside the tx", uint64(6))(tx.LastChange())
		return nil
	})
	if got := appendOne(tenantB, 2); got != 2 {
		t.Errorf("second AppendChange in B = %d, want 2", got)
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		list, err := cloud.ReadChanges(tx, 0, 100)
		noErr(t, "Changes", err)
		if len(list) != 6 {
			t.Fatalf("Changes(0,100) in A: %d entries, want 6", len(list))
		}
		for i, ch := range list {
			want := sampleChange(tenantA, "case-1", uint64(i+1))
			if i >= 3 {
				want = sampleChange(tenantA, "case-2", uint64(i+1))
			}
			want.Seq = uint64(i + 1)
			sameJSON(t, fmt.Sprintf("change %d", i+1), ch, want)
		}
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		wantRead(t, "LastChange B", uint64(2))(tx.LastChange())
		return nil
	})
}

func testChangesPaging(t *testing.T, s cloud.Storage) {
	seed(t, s)
	const n = 25
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for i := 1; i <= n; i++ {
			if _, err := tx.AppendChange(sampleChange(tenantA, fmt.Sprintf("case-%d", i%4), uint64(i))); err != nil {
				return err
			}
		}
		return nil
	})
	seqs := func(list []wire.Change) []uint64 {
		out := []uint64{}
		for _, c := range list {
			out = append(out, c.Seq)
		}
		return out
	}
	rangeOf := func(from, to uint64) []uint64 {
		out := []uint64{}
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
	cases := []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{0, 1, rangeOf(1, 1)},
		{0, 10, rangeOf(1, 10)},
		{10, 10, rangeOf(11, 20)},
		{20, 10, rangeOf(21, 25)},
		{9, 11, rangeOf(10, 20)}, // 9 and 10 sort wrongly as strings
		{24, 100, rangeOf(25, 25)},
		{25, 10, rangeOf(1, 0)},
		{1000, 10, rangeOf(1, 0)},
		{0, n, rangeOf(1, n)},
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for _, c := range cases {
			list, err := cloud.ReadChanges(tx, c.after, c.limit)
			noErr(t, "Changes", err)
			sameJSON(t, fmt.Sprintf("Changes(%d, %d) seqs", c.after, c.limit), seqs(list), c.want)
		}
		wantRead(t, "LastChange", uint64(n))(tx.LastChange())
		return nil
	})
	// Paging through the whole log in pages of 7 meets every change once.
	var got []uint64
	var cursor uint64
	for page := 0; page < 10; page++ {
		var list []wire.Change
		view(t, s, tenantA, func(tx cloud.TenantTx) error {
			var err error
			list, err = cloud.ReadChanges(tx, cursor, 7)
			return err
		})
		if len(list) == 0 {
			break
		}
		got = append(got, seqs(list)...)
		cursor = list[len(list)-1].Seq
	}
	sameJSON(t, "paged seqs", got, rangeOf(1, n))
}

func testDeviceSeq(t *testing.T, s cloud.Storage) {
	seed(t, s)
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "DeviceSeq before set", uint64(0))(tx.DeviceSeq("dev-1"))
		return nil
	})
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "SetDeviceSeq", tx.SetDeviceSeq("dev-1", 7))
		noErr(t, "SetDeviceSeq 2", tx.SetDeviceSeq("dev-2", 1<<40))
		wantRead(t, "DeviceSeq in the same tx", uint64(7))(tx.DeviceSeq("dev-1"))
		return nil
	})
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.SetDeviceSeq("dev-1", 8) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for dev, want := range map[string]uint64{"dev-1": 8, "dev-2": 1 << 40, "dev-3": 0} {
			wantRead(t, "DeviceSeq("+dev+")", want)(tx.DeviceSeq(dev))
		}
		return nil
	})
}

func testConflicts(t *testing.T, s cloud.Storage) {
	seed(t, s)
	k2 := sampleConflict("k-2", "case-1")
	k1 := sampleConflict("k-1", "case-1")
	k3 := sampleConflict("k-3", "case-2")
	k10 := sampleConflict("k-10", "case-1")
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantNotFound(t, "Conflict before put")(tx.Conflict("k-1"))
		wantAnyOrder(t, "Conflicts before put", []wire.Conflict{})(tx.Conflicts(""))
		for _, k := range []wire.Conflict{k2, k3, k1, k10} {
			noErr(t, "PutConflict "+k.ID, tx.PutConflict(k))
		}
		return nil
	})
	k1.ServerValue = []byte(`"clerk-9"`)
	k1.ClientAt = nano.Add(2 * time.Hour)
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutConflict(k1) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "Conflict after replace", k1)(tx.Conflict("k-1"))
		list, err := tx.Conflicts("case-1")
		noErr(t, "Conflicts(case-1)", err)
		// ID order is byte order: "k-1" < "k-10" < "k-2".
		sameJSON(t, "Conflicts(case-1) in ID order", list, []wire.Conflict{k1, k10, k2})
		wantRead(t, "Conflicts() of the tenant in ID order", []wire.Conflict{k1, k10, k2, k3})(tx.Conflicts(""))
		wantAnyOrder(t, "Conflicts of a case without any", []wire.Conflict{})(tx.Conflicts("case-none"))
		return nil
	})
}

func testIntake(t *testing.T, s cloud.Storage) {
	seed(t, s)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantNotFound(t, "IntakeCase before put")(tx.IntakeCase("tx-1"))
		noErr(t, "PutIntake", tx.PutIntake("tx-1", "case-1"))
		noErr(t, "PutIntake 2", tx.PutIntake("tx-2", "case-2"))
		wantRead(t, "IntakeCase in the same tx", "case-1")(tx.IntakeCase("tx-1"))
		return nil
	})
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "PutIntake again (a retried submission)", tx.PutIntake("tx-1", "case-1"))
		return nil
	})
	// The same transaction ID from a form server of another tenant is a different
	// application.
	update(t, s, tenantB, func(tx cloud.TenantTx) error { return tx.PutIntake("tx-1", "case-b") })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for txID, want := range map[string]string{"tx-1": "case-1", "tx-2": "case-2"} {
			wantRead(t, "IntakeCase("+txID+")", want)(tx.IntakeCase(txID))
		}
		wantNotFound(t, "IntakeCase unknown")(tx.IntakeCase("tx-3"))
		return nil
	})
}

func chunkData(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

func testChunks(t *testing.T, s cloud.Storage) {
	seed(t, s)
	sha := hex64("blob-1")
	big := chunkData(1, wire.ChunkSize)
	tail := chunkData(2, 1234)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "HasChunk before put", false)(tx.HasChunk(sha, 0))
		wantNotFound(t, "Chunk before put")(tx.Chunk(sha, 0))
		noErr(t, "PutChunk 0", tx.PutChunk(sha, 0, big))
		noErr(t, "PutChunk 2", tx.PutChunk(sha, 2, tail))
		return nil
	})
	// Idempotent: a resumed upload sends chunk 0 again.
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutChunk(sha, 0, big) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for idx, want := range map[int]bool{0: true, 1: false, 2: true, 3: false} {
			wantRead(t, fmt.Sprintf("HasChunk(%d)", idx), want)(tx.HasChunk(sha, idx))
		}
		got, err := tx.Chunk(sha, 0)
		noErr(t, "Chunk 0", err)
		if !bytes.Equal(got, big) {
			t.Errorf("Chunk 0: %d bytes back, differ from the %d put", len(got), len(big))
		}
		got, err = tx.Chunk(sha, 2)
		noErr(t, "Chunk 2", err)
		if !bytes.Equal(got, tail) {
			t.Error("Chunk 2 differs")
		}
		wantNotFound(t, "Chunk 1 never put")(tx.Chunk(sha, 1))
		wantNotFound(t, "Chunk of another blob")(tx.Chunk(hex64("other"), 0))
		return nil
	})
}

// testChunkBuffers catches storages that keep the caller's slice (bbolt keeps the
// value slice until commit) or hand out memory that is only valid inside the
// transaction (bbolt's mmap).
func testChunkBuffers(t *testing.T, s cloud.Storage) {
	seed(t, s)
	sha := hex64("blob-buf")
	buf := chunkData(3, 4096)
	want := bytes.Clone(buf)
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "PutChunk", tx.PutChunk(sha, 0, buf))
		for i := range buf { // the caller reuses its buffer for the next chunk
			buf[i] = 0xEE
		}
		return tx.PutChunk(sha, 1, buf)
	})
	var out []byte
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		var err error
		out, err = tx.Chunk(sha, 0)
		return err
	})
	// Grow the store a lot, which makes bbolt remap its file.
	for round := 0; round < 3; round++ {
		update(t, s, tenantA, func(tx cloud.TenantTx) error {
			for i := 0; i < 6; i++ {
				if err := tx.PutChunk(hex64(fmt.Sprintf("filler-%d-%d", round, i)), 0, chunkData(byte(i), wire.ChunkSize)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if !bytes.Equal(out, want) {
		t.Error("chunk read in a View changed after the View ended (slice into storage memory?) or the caller's buffer was stored after PutChunk returned")
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		got, err := tx.Chunk(sha, 0)
		noErr(t, "Chunk", err)
		if !bytes.Equal(got, want) {
			t.Error("stored chunk 0 changed when the caller reused its buffer after PutChunk")
		}
		return nil
	})
}

func testBlobs(t *testing.T, s cloud.Storage) {
	seed(t, s)
	sha := hex64("blob-2")
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		_, _, err := tx.Blob(sha)
		isNotFound(t, "Blob before put", err)
		noErr(t, "PutBlob", tx.PutBlob(sha, 50<<20+3, 51))
		noErr(t, "PutBlob empty", tx.PutBlob(hex64(""), 0, 0))
		return nil
	})
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutBlob(sha, 50<<20+3, 51) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		size, n, err := tx.Blob(sha)
		noErr(t, "Blob", err)
		if size != 50<<20+3 || n != 51 {
			t.Errorf("Blob = (%d, %d), want (%d, 51)", size, n, 50<<20+3)
		}
		size, n, err = tx.Blob(hex64(""))
		noErr(t, "Blob empty", err)
		if size != 0 || n != 0 {
			t.Errorf("empty Blob = (%d, %d)", size, n)
		}
		_, _, err = tx.Blob(hex64("never"))
		isNotFound(t, "Blob unknown", err)
		return nil
	})
}

func testVerification(t *testing.T, s cloud.Storage) {
	seed(t, s)
	v := cloud.Verification{Code: "K4M7-Q2XP", Tenant: tenantA, FileNumber: "BA-2026-00017",
		SignedAt: t0, Hash: hex64("pdf")}
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutVerification(v) })
	// The tenant on the record is the transaction's, whatever the caller wrote.
	w := cloud.Verification{Code: "ZZ99-AA11", Tenant: tenantA, FileNumber: "BB-1", SignedAt: t0, Hash: hex64("pdf2")}
	update(t, s, tenantB, func(tx cloud.TenantTx) error { return tx.PutVerification(w) })
	w.Tenant = tenantB
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Verification", v)(r.Verification(v.Code))
		wantRead(t, "Verification put by B naming A", w)(r.Verification(w.Code))
		wantNotFound(t, "Verification unknown")(r.Verification("NOPE-NOPE"))
		return nil
	})
	// Re-put by the same tenant (a retried push) is fine.
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutVerification(v) })
}

func testVerificationOtherTenant(t *testing.T, s cloud.Storage) {
	seed(t, s)
	v := cloud.Verification{Code: "K4M7-Q2XP", Tenant: tenantA, FileNumber: "BA-2026-00017",
		SignedAt: t0, Hash: hex64("pdf")}
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutVerification(v) })
	err := s.Update(ctxT(t), tenantB, func(tx cloud.TenantTx) error {
		return tx.PutVerification(cloud.Verification{Code: v.Code, Tenant: tenantB,
			FileNumber: "X-1", SignedAt: t0, Hash: hex64("forged")})
	})
	isExists(t, "PutVerification of a code held by another tenant", err)
	reg(t, s, func(r cloud.RegistryTx) error {
		wantRead(t, "Verification of A after B's attempt", v)(r.Verification(v.Code))
		return nil
	})
}

func testViewReadOnly(t *testing.T, s cloud.Storage) {
	seed(t, s)
	writes := map[string]func(tx cloud.TenantTx) error{
		"PutCaseHead": func(tx cloud.TenantTx) error { return tx.PutCaseHead(sampleCase(tenantA, "case-1", 1)) },
		"AppendHistory": func(tx cloud.TenantTx) error {
			return tx.AppendHistory("case-1", []model.HistoryEntry{sampleHistory("case-1", 1)})
		},
		"AppendChange": func(tx cloud.TenantTx) error {
			_, err := tx.AppendChange(sampleChange(tenantA, "case-1", 1))
			return err
		},
		"SetDeviceSeq": func(tx cloud.TenantTx) error { return tx.SetDeviceSeq("dev-1", 3) },
		"PutConflict":  func(tx cloud.TenantTx) error { return tx.PutConflict(sampleConflict("k-1", "case-1")) },
		"PutIntake":    func(tx cloud.TenantTx) error { return tx.PutIntake("tx-1", "case-1") },
		"PutChunk":     func(tx cloud.TenantTx) error { return tx.PutChunk(hex64("b"), 0, []byte("x")) },
		"PutBlob":      func(tx cloud.TenantTx) error { return tx.PutBlob(hex64("b"), 1, 1) },
		"PutVerification": func(tx cloud.TenantTx) error {
			return tx.PutVerification(cloud.Verification{Code: "C-1", Tenant: tenantA, SignedAt: t0})
		},
	}
	for name, w := range writes {
		var inner error
		err := s.View(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
			inner = w(tx)
			return nil
		})
		if inner == nil && err == nil {
			t.Errorf("%s in a View: no error", name)
		}
	}
	assertEmpty(t, s, tenantA, "after writes attempted in View")
}
