package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
)

// optionalTests cover the methods the service uses when a storage has them
// (cloud.RegistryViewer, cloud.ChunkReplacer) and the Tx mark of changes that the
// service's paging relies on. A storage without an optional method skips its test.
var optionalTests = []test{
	{"ChangeTxMark", testChangeTxMark},
	{"RegistryView", testRegistryView},
	{"ReplaceChunk", testReplaceChunk},
}

// appendMarked appends n changes in one Update, marked the way the service marks
// them (wire.Change.Tx = LastChange()+1 before the first), and returns the mark.
func appendMarked(t *testing.T, s cloud.Storage, tenant string, n int, caseID string) uint64 {
	t.Helper()
	var mark uint64
	update(t, s, tenant, func(tx cloud.TenantTx) error {
		last, err := tx.LastChange()
		if err != nil {
			return err
		}
		mark = last + 1
		for i := 0; i < n; i++ {
			ch := sampleChange(tenant, caseID, last+uint64(i)+1)
			ch.Tx = mark
			if _, err := tx.AppendChange(ch); err != nil {
				return err
			}
		}
		return nil
	})
	return mark
}

func testChangeTxMark(t *testing.T, s cloud.Storage) {
	seed(t, s)
	m1 := appendMarked(t, s, tenantA, 3, "case-1")
	m2 := appendMarked(t, s, tenantA, 1, "case-2")
	m3 := appendMarked(t, s, tenantA, 2, "case-3")
	if m1 != 1 || m2 != 4 || m3 != 5 {
		t.Fatalf("marks %d %d %d, want 1 4 5", m1, m2, m3)
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		list, err := cloud.ReadChanges(tx, 0, 100)
		noErr(t, "Changes", err)
		want := []uint64{1, 1, 1, 4, 5, 5}
		if len(list) != len(want) {
			t.Fatalf("%d changes, want %d", len(list), len(want))
		}
		for i, ch := range list {
			if ch.Tx != want[i] {
				t.Errorf("change %d: Tx = %d, want %d (the mark given to AppendChange)", ch.Seq, ch.Tx, want[i])
			}
		}
		return nil
	})
}

func testRegistryView(t *testing.T, s cloud.Storage) {
	rv, ok := s.(cloud.RegistryViewer)
	if !ok {
		t.Skip("the storage has no cloud.RegistryViewer")
	}
	seed(t, s)
	d := cloud.Device{ID: "dev-1", Tenant: tenantA, Code: "A1", TokenHash: hex64("tok"), Enrolled: t0}
	reg(t, s, func(r cloud.RegistryTx) error { return r.PutDevice(d) })

	// A Registry transaction is open and has written; RegistryView neither waits for
	// it nor sees its write.
	release := make(chan struct{})
	held := holdRegistry(t, s, "uncommitted", release)
	finished, err := within(func() error {
		return rv.RegistryView(context.Background(), func(r cloud.RegistryTx) error {
			got, err := r.DeviceByToken(d.TokenHash)
			if err != nil {
				return err
			}
			sameRecord(t, "DeviceByToken in RegistryView", got, d)
			if _, err := r.Tenant("uncommitted"); !errors.Is(err, cloud.ErrNotFound) {
				return fmt.Errorf("RegistryView sees an uncommitted registry write: %v", err)
			}
			return nil
		})
	})
	if !finished {
		t.Error("RegistryView waited for an open Registry transaction")
	} else if err != nil {
		t.Error(err)
	}
	close(release)
	awaitHeld(t, "Registry", held)

	var inner error
	err = rv.RegistryView(ctxT(t), func(r cloud.RegistryTx) error {
		inner = r.PutTenant(cloud.Tenant{ID: "written-in-view", Name: "x", Created: t0})
		return nil
	})
	if inner == nil && err == nil {
		t.Error("PutTenant in RegistryView: no error")
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		_, err := r.Tenant("written-in-view")
		isNotFound(t, "tenant written in RegistryView", err)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rv.RegistryView(ctx, func(r cloud.RegistryTx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("RegistryView with a cancelled ctx = %v, want one wrapping context.Canceled", err)
	}
	if err := rv.RegistryView(ctxT(t), func(r cloud.RegistryTx) error { return errBoom }); err != errBoom {
		t.Errorf("RegistryView returned %v, want fn's error unchanged", err)
	}
}

func testReplaceChunk(t *testing.T, s cloud.Storage) {
	seed(t, s)
	sha := hex64("manifest")
	var skipped bool
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		r, ok := tx.(cloud.ChunkReplacer)
		if !ok {
			skipped = true
			return nil
		}
		noErr(t, "PutChunk", tx.PutChunk(sha, 7, []byte("first")))
		noErr(t, "ReplaceChunk in the same tx", r.ReplaceChunk(sha, 7, []byte("second")))
		return nil
	})
	if skipped {
		t.Skip("the storage has no cloud.ChunkReplacer")
	}
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		return tx.(cloud.ChunkReplacer).ReplaceChunk(sha, 7, []byte("third, longer than before"))
	})
	update(t, s, tenantB, func(tx cloud.TenantTx) error {
		return tx.(cloud.ChunkReplacer).ReplaceChunk(sha, 7, []byte("B's own"))
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		got, err := tx.Chunk(sha, 7)
		noErr(t, "Chunk", err)
		if string(got) != "third, longer than before" {
			t.Errorf("Chunk after ReplaceChunk = %q", got)
		}
		wantRead(t, "HasChunk after ReplaceChunk", true)(tx.HasChunk(sha, 7))
		return nil
	})
}
