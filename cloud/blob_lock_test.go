package cloud_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// lockWatch counts the bytes of blob chunks read inside write transactions. On bbolt
// every tenant waits for a write transaction, so chunk data read there is data
// hashed or verified while everyone waits.
type lockWatch struct {
	cloud.Storage
	underLock atomic.Int64
}

func (w *lockWatch) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	return w.Storage.Update(ctx, tenant, func(tx cloud.TenantTx) error { return fn(watchedTx{tx, w}) })
}

type watchedTx struct {
	cloud.TenantTx
	w *lockWatch
}

// Chunk counts what it reads, except the small announced chunk list.
func (t watchedTx) Chunk(sha string, index int) ([]byte, error) {
	b, err := t.TenantTx.Chunk(sha, index)
	if index != math.MaxInt32 {
		t.w.underLock.Add(int64(len(b)))
	}
	return b, err
}

func (t watchedTx) ReplaceChunk(sha string, index int, data []byte) error {
	return t.TenantTx.(cloud.ChunkReplacer).ReplaceChunk(sha, index, data)
}

// blob is test content with its hash and chunk list.
type blob struct {
	data   []byte
	sha    string
	hashes []string
}

func newBlob(seed uint64, size int) blob {
	b := blob{data: make([]byte, size)}
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range b.data {
		b.data[i] = byte(r.Uint32())
	}
	sum := sha256.Sum256(b.data)
	b.sha = hex.EncodeToString(sum[:])
	for off := 0; off < size; off += wire.ChunkSize {
		c := sha256.Sum256(b.chunk(off / wire.ChunkSize))
		b.hashes = append(b.hashes, hex.EncodeToString(c[:]))
	}
	return b
}

func (b blob) chunk(i int) []byte {
	return b.data[i*wire.ChunkSize : min((i+1)*wire.ChunkSize, len(b.data))]
}

func (b blob) request(hashes []string) wire.MissingChunksRequest {
	return wire.MissingChunksRequest{SHA256: b.sha, Size: int64(len(b.data)), ChunkHashes: hashes}
}

// otherList is a chunk list of the blob's size that is not its own.
func (b blob) otherList(salt string) []string {
	out := make([]string, len(b.hashes))
	for i := range out {
		sum := sha256.Sum256([]byte(salt + b.hashes[i]))
		out[i] = hex.EncodeToString(sum[:])
	}
	return out
}

func (e *env) announce(d cloud.Device, req wire.MissingChunksRequest) []int {
	e.t.Helper()
	resp, err := e.svc.MissingChunks(e.ctx, d, req)
	if err != nil {
		e.t.Fatalf("MissingChunks: %v", err)
	}
	return resp.Missing
}

func (e *env) putChunks(d cloud.Device, b blob, idx []int) {
	e.t.Helper()
	for _, i := range idx {
		if err := e.svc.PutChunk(e.ctx, d, b.sha, i, b.chunk(i)); err != nil {
			e.t.Fatalf("PutChunk %d: %v", i, err)
		}
	}
}

func upTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestNoChunkReadUnderWriteLock: announcing a partly uploaded blob again with
// another chunk list, and completing a blob, read no chunk inside a write
// transaction. Regression for finding 3 of issue 11: both hashed every stored chunk
// while holding bbolt's single writer lock.
func TestNoChunkReadUnderWriteLock(t *testing.T) {
	w := &lockWatch{Storage: openBolt(t)}
	e := newEnvOver(t, w, cloud.Options{})
	b := newBlob(1, 8*wire.ChunkSize+1234)
	if got := e.announce(e.a1, b.request(b.hashes)); !slices.Equal(got, upTo(9)) {
		t.Fatalf("first announcement: missing %v", got)
	}
	e.putChunks(e.a1, b, upTo(8))
	w.underLock.Store(0)
	for round := range 3 {
		// Another list: the stored chunks are not its chunks.
		if got := e.announce(e.a1, b.request(b.otherList(string(rune('a'+round))))); !slices.Equal(got, upTo(9)) {
			t.Errorf("announcement with another list: missing %v, want all", got)
		}
		e.announce(e.a1, b.request(b.hashes))
	}
	if n := w.underLock.Load(); n != 0 {
		t.Errorf("re-announcing read %d bytes of chunks inside write transactions", n)
	}
	if got := e.announce(e.a1, b.request(b.hashes)); !slices.Equal(got, upTo(9)) {
		t.Fatalf("after the other lists: missing %v, want all (their chunks were removed)", got)
	}
	e.putChunks(e.a1, b, upTo(9))
	if n := w.underLock.Load(); n != 0 {
		t.Errorf("uploading and completing the blob read %d bytes of chunks inside write transactions", n)
	}
	var got []byte
	for i := range b.hashes {
		c, err := e.svc.Chunk(e.ctx, e.a2, b.sha, i)
		if err != nil {
			t.Fatalf("chunk %d of the complete blob: %v", i, err)
		}
		got = append(got, c...)
	}
	if !bytes.Equal(got, b.data) {
		t.Error("the complete blob differs from what was uploaded")
	}
	if missing := e.announce(e.a2, b.request(b.hashes)); len(missing) != 0 {
		t.Errorf("complete blob: missing %v", missing)
	}
	// The chunk list is gone with the upload; only the blob's bytes are stored.
	if used := storedBytes(e, tenantA); used != int64(len(b.data)) {
		t.Errorf("stored bytes %d, want %d", used, len(b.data))
	}
}

// storedBytes reads a tenant's StoredBytes.
func storedBytes(e *env, tenant string) int64 {
	e.t.Helper()
	var n int64
	err := e.store.View(e.ctx, tenant, func(tx cloud.TenantTx) error {
		var err error
		n, err = tx.StoredBytes()
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestReannounceDoesNotStallOtherTenants: while a device of tenant A announces a
// blob with 96 MiB stored again and again with changing chunk lists, tenant B's
// pushes stay fast. Regression for finding 3 of issue 11 (with 199 MiB stored, B's
// pushes went from 28 ms to 726 ms): on main each announcement hashed everything
// stored while every tenant's writes waited.
func TestReannounceDoesNotStallOtherTenants(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("stores 96 MiB and measures time; TestNoChunkReadUnderWriteLock checks the same under -race")
	}
	st := openBolt(t)
	st.SetNoSync(true) // B's push then costs well under a millisecond
	e := newEnvOver(t, st, cloud.Options{})
	const chunks = 96
	b := newBlob(2, chunks*wire.ChunkSize+1) // the last chunk, one byte, never comes
	e.announce(e.a1, b.request(b.hashes))
	e.putChunks(e.a1, b, upTo(chunks))

	// What hashing what is stored once takes here, now.
	start := time.Now()
	sha256.Sum256(b.data)
	hashing := time.Since(start)

	e.push(e.b1, e.create(e.b1, e.bruno, "case-b"))
	// Made before the announcing starts: the env's clock is not safe for
	// concurrent use.
	var comments []model.Mutation
	for i := range 30 {
		comments = append(comments, e.mut(e.b1, e.bruno, "case-b", model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: fmt.Sprint("k", i), Text: "Nachfrage"}}, nil))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for round := 0; ; round++ {
			select {
			case <-stop:
				return
			default:
			}
			list := b.hashes
			if round%2 == 1 {
				list = b.otherList("x")
			}
			if _, err := e.svc.MissingChunks(e.ctx, e.a1, b.request(list)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var lat []time.Duration
	for _, m := range comments {
		start := time.Now()
		e.push(e.b1, m)
		lat = append(lat, time.Since(start))
		time.Sleep(2 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	p50, p90, worst := lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)-1]
	t.Logf("hashing 96 MiB: %v; B's pushes meanwhile: p50 %v, p90 %v, max %v", hashing, p50, p90, worst)
	// Bounds relative to the hashing, so a loaded machine slows both sides; the
	// maximum is only logged (the one announcement that deletes the 96 chunks that
	// no longer match takes a few ms, more on a busy disk).
	if p50 > max(hashing/4, 5*time.Millisecond) || p90 > max(hashing/2, 20*time.Millisecond) {
		t.Errorf("B's pushes waited for A's announcements: p50 %v, p90 %v (hashing 96 MiB takes %v)", p50, p90, hashing)
	}
}

// TestBadBlobRemoved: chunks that each match their list but do not add up to the
// blob's hash make no blob; they are removed, so they cost the tenant nothing and
// the next announcement starts afresh.
func TestBadBlobRemoved(t *testing.T) {
	e := newEnv(t)
	b, other := newBlob(3, 2*wire.ChunkSize+10), newBlob(4, 2*wire.ChunkSize+10)
	lie := b.request(other.hashes)
	e.announce(e.a1, lie)
	for i := range 2 {
		if err := e.svc.PutChunk(e.ctx, e.a1, b.sha, i, other.chunk(i)); err != nil {
			t.Fatalf("chunk %d, which matches the list: %v", i, err)
		}
	}
	if err := e.svc.PutChunk(e.ctx, e.a1, b.sha, 2, other.chunk(2)); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("last chunk of a list that does not add up: %v", err)
	}
	if used := storedBytes(e, tenantA); used != 0 {
		t.Errorf("stored bytes %d after the bad blob was removed", used)
	}
	if got := e.announce(e.a1, b.request(b.hashes)); !slices.Equal(got, upTo(3)) {
		t.Errorf("announcement after the bad blob: missing %v, want all", got)
	}
}

// hookStore runs hook once, after the first Update that commits once it is armed.
type hookStore struct {
	cloud.Storage
	armed atomic.Bool
	hook  func()
}

func (s *hookStore) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	err := s.Storage.Update(ctx, tenant, fn)
	if err == nil && s.armed.CompareAndSwap(true, false) {
		s.hook()
	}
	return err
}

// TestIntakeListCannotBeReplaced: while intake stores a file, the chunk list it
// computed from the file is trusted: a device of the tenant announcing another list
// for the same file is refused instead of deleting intake's chunks or slipping its
// own bytes into the citizen's file.
func TestIntakeListCannotBeReplaced(t *testing.T) {
	hs := &hookStore{Storage: openBolt(t)}
	e := newEnvOver(t, hs, cloud.Options{})
	b := newBlob(40, 3*wire.ChunkSize+5)
	path := filepath.Join(t.TempDir(), "antrag.pdf")
	if err := os.WriteFile(path, b.data, 0o600); err != nil {
		t.Fatal(err)
	}
	var hookErr error
	hs.hook = func() { // right after intake announced its list
		_, hookErr = e.svc.MissingChunks(e.ctx, e.a1, b.request(b.otherList("device")))
	}
	hs.armed.Store(true)
	sub := cloud.Submission{TransactionID: "t-trusted", ZustaendigeStelle: "ou-bauamt-a",
		Representation: &cloud.IntakeFile{Name: "antrag.pdf", MediaType: "application/pdf", Size: int64(len(b.data)), SHA256: b.sha, Path: path}}
	if _, created, err := e.svc.Intake(e.ctx, e.intakeA, sub); err != nil || !created {
		t.Fatalf("intake: %v %v", created, err)
	}
	if !errors.Is(hookErr, cloud.ErrBadRequest) {
		t.Errorf("a device announcing another list during intake: %v, want ErrBadRequest", hookErr)
	}
	var got []byte
	for i := range b.hashes {
		c, err := e.svc.Chunk(e.ctx, e.a1, b.sha, i)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c...)
	}
	if !bytes.Equal(got, b.data) {
		t.Error("the intake file differs from what the form server sent")
	}
}
