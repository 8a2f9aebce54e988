package storagetest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
)

// usageTests cover what quotas and the janitor of abandoned uploads rely on: the
// stored-bytes counter (exact after repeats, replacements, deletions, rollbacks and
// concurrent writers), the listing of chunk slots, and the tenant's quota record.
var usageTests = []test{
	{"StoredBytes", testStoredBytes},
	{"StoredBytesRollback", testStoredBytesRollback},
	{"StoredBytesConcurrent", testStoredBytesConcurrent},
	{"ChunkSlots", testChunkSlots},
	{"Quota", testQuota},
}

// storedBytes reads the counter in a View.
func storedBytes(t *testing.T, s cloud.Storage, tenant string) int64 {
	t.Helper()
	var n int64
	view(t, s, tenant, func(tx cloud.TenantTx) error {
		var err error
		n, err = tx.StoredBytes()
		return err
	})
	return n
}

// countedBytes is what the counter must say: the lengths of every slot of shas.
func countedBytes(t *testing.T, s cloud.Storage, tenant string, shas []string) int64 {
	t.Helper()
	var n int64
	view(t, s, tenant, func(tx cloud.TenantTx) error {
		for _, sha := range shas {
			idx, err := tx.StoredChunks(sha)
			noErr(t, "StoredChunks", err)
			for _, i := range idx {
				b, err := tx.Chunk(sha, i)
				noErr(t, "Chunk", err)
				n += int64(len(b))
			}
		}
		return nil
	})
	return n
}

func testStoredBytes(t *testing.T, s cloud.Storage) {
	seed(t, s)
	s1, s2 := hex64("usage-1"), hex64("usage-2")
	if n := storedBytes(t, s, tenantA); n != 0 {
		t.Fatalf("StoredBytes of a new tenant = %d", n)
	}
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "PutChunk", tx.PutChunk(s1, 0, chunkData(1, 1000)))
		noErr(t, "PutChunk", tx.PutChunk(s1, 1, chunkData(2, 10)))
		wantRead(t, "StoredBytes inside the Update that wrote", int64(1010))(tx.StoredBytes())
		return nil
	})
	// A resumed upload sends chunk 0 again: counted once. The same bytes in another
	// blob's slot are another slot.
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "PutChunk again", tx.PutChunk(s1, 0, chunkData(1, 1000)))
		return tx.PutChunk(s2, 0, chunkData(1, 1000))
	})
	if n := storedBytes(t, s, tenantA); n != 2010 {
		t.Errorf("after a repeated chunk: StoredBytes = %d, want 2010", n)
	}
	if n := storedBytes(t, s, tenantB); n != 0 {
		t.Errorf("tenant B's StoredBytes = %d after A's writes", n)
	}
	var replacer bool
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		if r, ok := tx.(cloud.ChunkReplacer); ok {
			replacer = true
			noErr(t, "ReplaceChunk longer", r.ReplaceChunk(s2, 0, chunkData(3, 1500)))
			noErr(t, "ReplaceChunk shorter", r.ReplaceChunk(s1, 1, chunkData(4, 4)))
		}
		noErr(t, "DeleteChunk", tx.DeleteChunk(s1, 0))
		noErr(t, "DeleteChunk of an empty slot", tx.DeleteChunk(s1, 7))
		return tx.DeleteChunk(hex64("never stored"), 0)
	})
	want := int64(10 + 1000)
	if replacer {
		want = 4 + 1500
	}
	if n := storedBytes(t, s, tenantA); n != want {
		t.Errorf("after replace and delete: StoredBytes = %d, want %d", n, want)
	}
	if n := countedBytes(t, s, tenantA, []string{s1, s2}); n != want {
		t.Errorf("the slots hold %d bytes, want %d", n, want)
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "HasChunk after DeleteChunk", false)(tx.HasChunk(s1, 0))
		_, err := tx.Chunk(s1, 0)
		isNotFound(t, "Chunk after DeleteChunk", err)
		return nil
	})
	if err := s.View(ctxT(t), tenantA, func(tx cloud.TenantTx) error { return tx.DeleteChunk(s1, 1) }); err == nil {
		t.Error("DeleteChunk in a View succeeded")
	}
	if n := storedBytes(t, s, tenantA); n != want {
		t.Errorf("after DeleteChunk in a View: StoredBytes = %d, want %d", n, want)
	}
}

func testStoredBytesRollback(t *testing.T, s cloud.Storage) {
	seed(t, s)
	sha := hex64("usage-rollback")
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.PutChunk(sha, 0, chunkData(1, 300)) })
	err := s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "PutChunk", tx.PutChunk(sha, 1, chunkData(2, 5000)))
		noErr(t, "DeleteChunk", tx.DeleteChunk(sha, 0))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v, want errBoom", err)
	}
	if n := storedBytes(t, s, tenantA); n != 300 {
		t.Errorf("after a rolled-back Update: StoredBytes = %d, want 300", n)
	}
}

// testStoredBytesConcurrent: writers of one tenant put and delete the same slots at
// once, as devices resuming the same upload do; the counter ends equal to what the
// slots hold.
func testStoredBytesConcurrent(t *testing.T, s cloud.Storage) {
	seed(t, s)
	shas := []string{hex64("conc-1"), hex64("conc-2"), hex64("conc-3")}
	slot := func(r *rand.Rand) (string, int, []byte) {
		i := r.IntN(len(shas))
		idx := r.IntN(4)
		// Each slot has one content, as chunks of one blob do.
		return shas[i], idx, chunkData(byte(i*4+idx), 100+i*1000+idx*10)
	}
	const workers, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for range rounds {
				err := s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
					for range 3 {
						sha, idx, data := slot(r)
						var err error
						if r.IntN(3) == 0 {
							err = tx.DeleteChunk(sha, idx)
						} else {
							err = tx.PutChunk(sha, idx, data)
						}
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, want := storedBytes(t, s, tenantA), countedBytes(t, s, tenantA, shas); got != want {
		t.Errorf("StoredBytes = %d, the slots hold %d", got, want)
	}
}

func testChunkSlots(t *testing.T, s cloud.Storage) {
	seed(t, s)
	s1, s2, s3, s4 := hex64("slots-1"), hex64("slots-2"), hex64("slots-3"), hex64("slots-4")
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for _, i := range []int{5, 0, math.MaxInt32, 2} {
			noErr(t, "PutChunk", tx.PutChunk(s1, i, []byte(fmt.Sprint(i))))
		}
		noErr(t, "PutChunk", tx.PutChunk(s2, 1, []byte("x")))
		return tx.PutChunk(s3, math.MaxInt32, []byte("{}"))
	})
	update(t, s, tenantB, func(tx cloud.TenantTx) error { return tx.PutChunk(s4, math.MaxInt32, []byte("{}")) })
	sorted := func(v ...string) []string { slices.Sort(v); return v }
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "StoredChunks", []int{0, 2, 5, math.MaxInt32})(tx.StoredChunks(s1))
		wantAnyOrder(t, "StoredChunks of another tenant's blob", []int{})(tx.StoredChunks(s4))
		got, err := tx.BlobsWithChunk(math.MaxInt32)
		noErr(t, "BlobsWithChunk", err)
		if want := sorted(s1, s3); !slices.Equal(got, want) {
			t.Errorf("BlobsWithChunk(MaxInt32) = %v, want %v", got, want)
		}
		wantRead(t, "BlobsWithChunk(1)", []string{s2})(tx.BlobsWithChunk(1))
		wantAnyOrder(t, "BlobsWithChunk(3)", []string{})(tx.BlobsWithChunk(3))
		return nil
	})
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.DeleteChunk(s1, math.MaxInt32) })
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "BlobsWithChunk(MaxInt32) after delete", []string{s3})(tx.BlobsWithChunk(math.MaxInt32))
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		wantRead(t, "B's BlobsWithChunk", []string{s4})(tx.BlobsWithChunk(math.MaxInt32))
		return nil
	})
}

func testQuota(t *testing.T, s cloud.Storage) {
	seed(t, s)
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "Quota of a new tenant", cloud.Quota{})(tx.Quota())
		return nil
	})
	q := cloud.Quota{MaxStorage: 5 << 30, MaxAttachment: 20 << 20}
	update(t, s, tenantA, func(tx cloud.TenantTx) error { return tx.SetQuota(q) })
	err := s.Update(ctxT(t), tenantA, func(tx cloud.TenantTx) error {
		noErr(t, "SetQuota", tx.SetQuota(cloud.Quota{MaxIntake: 1}))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v", err)
	}
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "Quota", q)(tx.Quota())
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		wantRead(t, "B's Quota after A's was set", cloud.Quota{})(tx.Quota())
		return nil
	})
	if err := s.View(ctxT(t), tenantA, func(tx cloud.TenantTx) error { return tx.SetQuota(cloud.Quota{}) }); err == nil {
		t.Error("SetQuota in a View succeeded")
	}
}

// CheckStoredBytes fails t unless each tenant's StoredBytes is the one in want; for
// a storage's own tests of what it stored before the counter existed.
func CheckStoredBytes(t *testing.T, s cloud.Storage, want map[string]int64) {
	t.Helper()
	for tenant, n := range want {
		if got := storedBytes(t, s, tenant); got != n {
			t.Errorf("tenant %s: StoredBytes = %d, want %d", tenant, got, n)
		}
	}
}
