package cloud

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// MaxBlobSize bounds one attachment.
const MaxBlobSize = 2 << 30

// manifestIndex is the chunk slot where the announced chunk list of an incomplete
// blob is kept (a blob never has that many chunks). Keeping it with the chunks makes
// the announcement survive a restart and stay inside the tenant, in both storages,
// without a table of its own. It is removed when the blob is complete.
const manifestIndex = math.MaxInt32

// manifest is an announced chunk list. The service keeps one rule for every stored
// chunk slot of an incomplete blob: its bytes hash to the manifest's entry for it.
// Chunks are written only after checking their hash against the manifest, and
// announcing another list deletes the slots whose entry changed. So which chunks
// are present and good is known without reading or hashing any of them, and the
// hashing that remains (each arriving chunk, the whole blob once) runs outside the
// write transaction, which on bbolt every tenant waits for.
type manifest struct {
	Size   int64    `json:"size"`
	Hashes []string `json:"hashes"`
	// Announced is when the list was last announced; the janitor removes uploads
	// not announced again for a while (zero in lists from before it existed).
	Announced time.Time `json:"announced,omitzero"`
	// Trusted marks a list the service computed itself from the file (intake): a
	// device announcing another list for the same blob is wrong and refused.
	Trusted bool `json:"trusted,omitempty"`
}

// sameList reports whether two manifests announce the same chunks.
func (m manifest) sameList(o manifest) bool {
	return m.Size == o.Size && slices.Equal(m.Hashes, o.Hashes)
}

func hexSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func readManifest(tx TenantTx, sha string) (manifest, error) {
	var m manifest
	b, err := tx.Chunk(sha, manifestIndex)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode chunk list of %s: %w", sha, err)
	}
	return m, nil
}

// chunkLen is the length chunk index of a blob of size must have.
func chunkLen(size int64, index int) int64 {
	return min(wire.ChunkSize, size-int64(index)*wire.ChunkSize)
}

// errBlobMoved says the chunk list of a blob changed (another announcement, the
// janitor) between hashing its chunks and recording it; the client tries again.
var errBlobMoved = errors.New("cloud: the blob's chunk list changed while it was checked")

// MissingChunks answers which chunks of a blob the device's tenant lacks and records
// the announced chunk list, against which PutChunk checks each chunk. When none is
// missing, the blob is checked and recorded as complete. A blob over the tenant's
// attachment quota, or one whose missing chunks would not fit its storage quota, is
// refused with a *QuotaError.
func (s *Service) MissingChunks(ctx context.Context, d Device, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	if err := req.Validate(); err != nil {
		return wire.MissingChunksResponse{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if req.Size > MaxBlobSize {
		return wire.MissingChunksResponse{}, fmt.Errorf("%w: blob of %d bytes", ErrTooLarge, req.Size)
	}
	m := manifest{Size: req.Size, Hashes: req.ChunkHashes, Announced: s.now().UTC()}
	var missing []int
	complete := false
	err := s.store.Update(ctx, d.Tenant, func(tx TenantTx) error {
		var err error
		missing, complete, err = s.announceInQuota(tx, req.SHA256, m)
		return err
	})
	if err != nil {
		return wire.MissingChunksResponse{}, fmt.Errorf("cloud: missing chunks of %s: %w", req.SHA256, err)
	}
	if !complete && len(missing) == 0 {
		if err := s.finishBlob(ctx, d.Tenant, req.SHA256, m); err != nil {
			return wire.MissingChunksResponse{}, err
		}
	}
	return wire.MissingChunksResponse{Missing: append([]int{}, missing...)}, nil
}

// announceInQuota announces m as the chunk list of sha (see announce) when the blob
// fits the tenant's quota: its size the attachment quota, its missing chunks the
// storage left. complete reports a blob that is there already; nothing changes then.
func (s *Service) announceInQuota(tx TenantTx, sha string, m manifest) (missing []int, complete bool, err error) {
	if _, _, err := tx.Blob(sha); err == nil {
		return nil, true, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	q, err := s.quotaOf(tx)
	if err != nil {
		return nil, false, err
	}
	if m.Size > q.MaxAttachment {
		return nil, false, attachmentQuota(m.Size, q)
	}
	missing, err = announce(tx, sha, m)
	if err != nil {
		return nil, false, err
	}
	var need int64
	for _, i := range missing {
		need += chunkLen(m.Size, i)
	}
	return missing, false, checkStorage(tx, need, q)
}

// announce records m as the chunk list of sha and returns the indexes of the chunks
// still missing. Stored chunks whose entry differs from the list before (or that
// had no list) are deleted, which keeps the manifest's rule without reading them.
// A list the service computed itself is never replaced by another.
func announce(tx TenantTx, sha string, m manifest) ([]int, error) {
	old, err := readManifest(tx, sha)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if found && old.Trusted && !old.sameList(m) {
		return nil, fmt.Errorf("%w: the chunk list does not match the file %s", ErrBadRequest, sha)
	}
	m.Trusted = m.Trusted || (found && old.Trusted)
	stored, err := tx.StoredChunks(sha)
	if err != nil {
		return nil, err
	}
	have := make([]bool, len(m.Hashes))
	for _, i := range stored {
		switch {
		case i == manifestIndex:
		case found && i < len(old.Hashes) && i < len(m.Hashes) && old.Hashes[i] == m.Hashes[i] &&
			chunkLen(old.Size, i) == chunkLen(m.Size, i):
			have[i] = true
		default:
			if err := tx.DeleteChunk(sha, i); err != nil {
				return nil, err
			}
		}
	}
	if err := putManifestOf(tx, sha, m); err != nil {
		return nil, err
	}
	missing := []int{}
	for i, ok := range have {
		if !ok {
			missing = append(missing, i)
		}
	}
	return missing, nil
}

// ChunkReplacer is an optional TenantTx method: overwrite a chunk slot. PutChunk may
// keep the first bytes stored in a slot (chunks are immutable), but the announced
// chunk list of a blob must be replaceable when a device announces a different one;
// without it the list is deleted and stored again.
type ChunkReplacer interface {
	ReplaceChunk(sha string, index int, data []byte) error
}

// putManifestOf stores m as the announced chunk list of sha.
func putManifestOf(tx TenantTx, sha string, m manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode chunk list of %s: %w", sha, err)
	}
	if r, ok := tx.(ChunkReplacer); ok {
		return r.ReplaceChunk(sha, manifestIndex, b)
	}
	if err := tx.DeleteChunk(sha, manifestIndex); err != nil {
		return err
	}
	return tx.PutChunk(sha, manifestIndex, b)
}

// PutChunk stores one chunk after checking its hash (computed before the write
// transaction) against the announced list; when the last one arrives, the blob is
// checked and recorded as complete. ErrBadRequest for a chunk that was not announced
// or does not match, a *QuotaError when the tenant's storage is full.
func (s *Service) PutChunk(ctx context.Context, d Device, sha string, index int, data []byte) error {
	got := hexSHA(data)
	var m manifest
	last := false
	err := s.store.Update(ctx, d.Tenant, func(tx TenantTx) error {
		if _, _, err := tx.Blob(sha); err == nil {
			return nil // complete already: an idempotent repeat
		}
		var err error
		m, err = readManifest(tx, sha)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: chunks of %s were not announced", ErrBadRequest, sha)
		}
		if err != nil {
			return err
		}
		if index < 0 || index >= len(m.Hashes) {
			return fmt.Errorf("%w: chunk %d of %d", ErrBadRequest, index, len(m.Hashes))
		}
		if int64(len(data)) != chunkLen(m.Size, index) || got != m.Hashes[index] {
			return fmt.Errorf("%w: chunk %d of %s does not match its hash", ErrBadRequest, index, sha)
		}
		has, err := tx.HasChunk(sha, index)
		if err != nil {
			return err
		}
		if !has {
			q, err := s.quotaOf(tx)
			if err != nil {
				return err
			}
			if m.Size > q.MaxAttachment {
				return attachmentQuota(m.Size, q)
			}
			if err := checkStorage(tx, int64(len(data)), q); err != nil {
				return err
			}
			if err := tx.PutChunk(sha, index, data); err != nil {
				return err
			}
		}
		last, err = allStored(tx, sha, len(m.Hashes))
		return err
	})
	if err != nil {
		return fmt.Errorf("cloud: put chunk %d of %s: %w", index, sha, err)
	}
	if last {
		return s.finishBlob(ctx, d.Tenant, sha, m)
	}
	return nil
}

// allStored reports whether chunks 0..n-1 of sha are all stored.
func allStored(tx TenantTx, sha string, n int) (bool, error) {
	stored, err := tx.StoredChunks(sha)
	if err != nil {
		return false, err
	}
	have := 0
	for _, i := range stored {
		if i < n {
			have++
		}
	}
	return have == n, nil
}

// finishBlob checks that the chunks of sha, listed by m, hash to sha and records the
// blob as complete. The chunks are read one per View and hashed outside any write
// transaction; the Update that records the blob only checks that the list is still
// m (by the manifest's rule the bytes are then the ones hashed) and that every chunk
// is there. Chunks that do not add up to sha are deleted with their list, so the
// next announcement starts afresh.
func (s *Service) finishBlob(ctx context.Context, tenant, sha string, m manifest) error {
	h := sha256.New()
	for i := range m.Hashes {
		err := s.store.View(ctx, tenant, func(tx TenantTx) error {
			data, err := tx.Chunk(sha, i)
			h.Write(data)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("cloud: finish blob %s: chunk %d: %w", sha, i, errBlobMoved)
		}
		if err != nil {
			return fmt.Errorf("cloud: finish blob %s: %w", sha, err)
		}
	}
	good := hex.EncodeToString(h.Sum(nil)) == sha
	err := s.store.Update(ctx, tenant, func(tx TenantTx) error {
		if _, _, err := tx.Blob(sha); err == nil {
			return nil // finished by a concurrent request
		}
		cur, err := readManifest(tx, sha)
		if errors.Is(err, ErrNotFound) {
			return errBlobMoved
		}
		if err != nil {
			return err
		}
		if !cur.sameList(m) {
			return errBlobMoved
		}
		if !good {
			return deleteChunks(tx, sha)
		}
		ok, err := allStored(tx, sha, len(m.Hashes))
		if err != nil {
			return err
		}
		if !ok {
			return errBlobMoved
		}
		if err := tx.PutBlob(sha, m.Size, len(m.Hashes)); err != nil {
			return err
		}
		return tx.DeleteChunk(sha, manifestIndex)
	})
	if err != nil {
		return fmt.Errorf("cloud: finish blob %s: %w", sha, err)
	}
	if !good {
		return fmt.Errorf("%w: the chunks of %s do not hash to it", ErrBadRequest, sha)
	}
	return nil
}

// deleteChunks removes every chunk slot of sha, its list included.
func deleteChunks(tx TenantTx, sha string) error {
	stored, err := tx.StoredChunks(sha)
	if err != nil {
		return err
	}
	for _, i := range stored {
		if err := tx.DeleteChunk(sha, i); err != nil {
			return err
		}
	}
	return nil
}

// Chunk returns one chunk of a complete blob of the device's tenant (ErrNotFound).
func (s *Service) Chunk(ctx context.Context, d Device, sha string, index int) ([]byte, error) {
	var out []byte
	err := s.store.View(ctx, d.Tenant, func(tx TenantTx) error {
		_, n, err := tx.Blob(sha)
		if err != nil {
			return err
		}
		if index < 0 || index >= n {
			return fmt.Errorf("chunk %d of %d: %w", index, n, ErrNotFound)
		}
		out, err = tx.Chunk(sha, index)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cloud: chunk %d of %s: %w", index, sha, err)
	}
	return out, nil
}

// storeFile stores a file (an intake part spooled to disk) as a complete blob of the
// tenant and returns its hash and chunk list. It reads the file twice, first for the
// hashes, so memory stays at one chunk; all hashing happens outside the write
// transactions. The list is announced as trusted first (another list for the same
// blob is then refused), the chunks follow one per transaction (a repeat skips what
// is there), and finishBlob checks and records the whole. A file over the tenant's
// attachment quota or one that does not fit its storage is refused with a
// *QuotaError.
func (s *Service) storeFile(ctx context.Context, tenant, path string) (string, manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", manifest{}, fmt.Errorf("cloud: open intake file: %w", err)
	}
	defer f.Close()
	m := manifest{Trusted: true}
	whole := sha256.New()
	buf := make([]byte, wire.ChunkSize)
	err = eachChunk(f, buf, func(_ int, c []byte) error {
		whole.Write(c)
		m.Hashes = append(m.Hashes, hexSHA(c))
		m.Size += int64(len(c))
		return nil
	})
	if err != nil {
		return "", manifest{}, err
	}
	sha := hex.EncodeToString(whole.Sum(nil))
	m.Announced = s.now().UTC()
	complete := false
	err = s.store.Update(ctx, tenant, func(tx TenantTx) error {
		var err error
		_, complete, err = s.announceInQuota(tx, sha, m)
		return err
	})
	if err != nil || complete {
		return sha, m, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", manifest{}, fmt.Errorf("cloud: rewind intake file: %w", err)
	}
	err = eachChunk(f, buf, func(i int, c []byte) error {
		if hexSHA(c) != m.Hashes[i] {
			return fmt.Errorf("cloud: intake file changed while it was stored")
		}
		return s.store.Update(ctx, tenant, func(tx TenantTx) error {
			if _, _, err := tx.Blob(sha); err == nil {
				return nil // a device completed the same file meanwhile
			}
			if ok, err := tx.HasChunk(sha, i); err != nil || ok {
				return err
			}
			cur, err := readManifest(tx, sha)
			if err != nil || !cur.sameList(m) {
				return cmp.Or(err, errBlobMoved)
			}
			q, err := s.quotaOf(tx)
			if err != nil {
				return err
			}
			if err := checkStorage(tx, int64(len(c)), q); err != nil {
				return err
			}
			return tx.PutChunk(sha, i, c)
		})
	})
	if err != nil {
		return "", manifest{}, fmt.Errorf("cloud: store intake chunk: %w", err)
	}
	return sha, m, s.finishBlob(ctx, tenant, sha, m)
}

func eachChunk(r io.Reader, buf []byte, fn func(int, []byte) error) error {
	for i := 0; ; i++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if err := fn(i, buf[:n]); err != nil {
				return err
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cloud: read intake file: %w", err)
		}
	}
}
