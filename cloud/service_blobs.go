package cloud

import (
	"bytes"
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

	"github.com/ozgcloud/desktop/sync/wire"
)

// MaxBlobSize bounds one attachment.
const MaxBlobSize = 2 << 30

// manifestIndex is the chunk slot where the announced chunk list of an incomplete
// blob is kept (a blob never has that many chunks). Keeping it with the chunks makes
// the announcement survive a restart and stay inside the tenant, in both storages,
// without a table of its own.
const manifestIndex = math.MaxInt32

type manifest struct {
	Size   int64    `json:"size"`
	Hashes []string `json:"hashes"`
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

// MissingChunks answers which chunks of a blob the device's tenant lacks and records
// the announced chunk list, against which PutChunk checks each chunk.
func (s *Service) MissingChunks(ctx context.Context, d Device, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	if err := req.Validate(); err != nil {
		return wire.MissingChunksResponse{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if req.Size > MaxBlobSize {
		return wire.MissingChunksResponse{}, fmt.Errorf("%w: blob of %d bytes", ErrTooLarge, req.Size)
	}
	resp := wire.MissingChunksResponse{Missing: []int{}}
	err := s.store.Update(ctx, d.Tenant, func(tx TenantTx) error {
		if _, _, err := tx.Blob(req.SHA256); err == nil {
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		old, err := readManifest(tx, req.SHA256)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		// A different list for the same blob means stored chunks may not be the
		// listed ones; they are checked again instead of trusted.
		same := err == nil && old.Size == req.Size && slices.Equal(old.Hashes, req.ChunkHashes)
		if !same {
			b, err := json.Marshal(manifest{Size: req.Size, Hashes: req.ChunkHashes})
			if err != nil {
				return err
			}
			if err := putManifest(tx, req.SHA256, b); err != nil {
				return err
			}
		}
		for i, h := range req.ChunkHashes {
			ok, err := tx.HasChunk(req.SHA256, i)
			if err != nil {
				return err
			}
			if ok && !same {
				data, err := tx.Chunk(req.SHA256, i)
				if err != nil {
					return err
				}
				ok = hexSHA(data) == h
			}
			if !ok {
				resp.Missing = append(resp.Missing, i)
			}
		}
		if len(resp.Missing) == 0 {
			return completeBlob(tx, req.SHA256, manifest{Size: req.Size, Hashes: req.ChunkHashes})
		}
		return nil
	})
	if err != nil {
		return wire.MissingChunksResponse{}, fmt.Errorf("cloud: missing chunks of %s: %w", req.SHA256, err)
	}
	return resp, nil
}

// ChunkReplacer is an optional TenantTx method: overwrite a chunk slot. PutChunk may
// keep the first bytes stored in a slot (chunks are immutable), but the announced
// chunk list of a blob must be replaceable when a device announces a different one;
// without it the first announcement stays.
type ChunkReplacer interface {
	ReplaceChunk(sha string, index int, data []byte) error
}

// putManifest stores the announced chunk list.
func putManifest(tx TenantTx, sha string, b []byte) error {
	if r, ok := tx.(ChunkReplacer); ok {
		return r.ReplaceChunk(sha, manifestIndex, b)
	}
	return tx.PutChunk(sha, manifestIndex, b)
}

// PutChunk stores one chunk after checking its hash against the announced list;
// when the last one arrives and the whole hashes to sha, the blob is complete.
// ErrBadRequest for a chunk that was not announced or does not match.
func (s *Service) PutChunk(ctx context.Context, d Device, sha string, index int, data []byte) error {
	got := hexSHA(data)
	err := s.store.Update(ctx, d.Tenant, func(tx TenantTx) error {
		if _, _, err := tx.Blob(sha); err == nil {
			return nil // complete already: an idempotent repeat
		}
		m, err := readManifest(tx, sha)
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
		if err := tx.PutChunk(sha, index, data); err != nil {
			return err
		}
		for i := range m.Hashes {
			if ok, err := tx.HasChunk(sha, i); err != nil || !ok {
				return err
			}
		}
		return completeBlob(tx, sha, m)
	})
	if err != nil {
		return fmt.Errorf("cloud: put chunk %d of %s: %w", index, sha, err)
	}
	return nil
}

// completeBlob records the blob when its chunks hash to sha.
func completeBlob(tx TenantTx, sha string, m manifest) error {
	h := sha256.New()
	for i := range m.Hashes {
		data, err := tx.Chunk(sha, i)
		if err != nil {
			return err
		}
		h.Write(data)
	}
	if hex.EncodeToString(h.Sum(nil)) != sha {
		return fmt.Errorf("%w: the chunks of %s do not hash to it", ErrBadRequest, sha)
	}
	return tx.PutBlob(sha, m.Size, len(m.Hashes))
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

// storeFile stores a file as chunks of the tenant, one chunk per transaction (a
// repeat skips what is there), and returns its hash and chunk list; the blob record
// itself is written by the caller's transaction via completeBlob. It reads the file
// twice, first for the hashes (chunks are keyed by the whole blob's hash), so memory
// stays at one chunk.
func (s *Service) storeFile(ctx context.Context, tenant, path string) (string, manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", manifest{}, fmt.Errorf("cloud: open intake file: %w", err)
	}
	defer f.Close()
	var m manifest
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
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", manifest{}, fmt.Errorf("cloud: rewind intake file: %w", err)
	}
	err = eachChunk(f, buf, func(i int, c []byte) error {
		if hexSHA(c) != m.Hashes[i] {
			return fmt.Errorf("cloud: intake file changed while it was stored")
		}
		return s.store.Update(ctx, tenant, func(tx TenantTx) error {
			if ok, err := tx.HasChunk(sha, i); err != nil || ok {
				return err
			}
			return tx.PutChunk(sha, i, bytes.Clone(c))
		})
	})
	if err != nil {
		return "", manifest{}, fmt.Errorf("cloud: store intake chunk: %w", err)
	}
	return sha, m, nil
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
