package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// blobsOf returns the hashes of the files a mutation refers to; the server must hold
// them before it gets the mutation, or a colleague's PC would pull a case whose
// attachment no one can download.
func blobsOf(m model.Mutation) []string {
	var atts []model.Attachment
	switch m.Kind {
	case model.KindAttachment:
		var p model.AttachmentPayload
		if json.Unmarshal(m.Payload, &p) == nil {
			atts = append(atts, p.Attachment)
		}
	case model.KindDecision:
		var p model.DecisionPayload
		if json.Unmarshal(m.Payload, &p) == nil && p.Decision.Document != nil {
			atts = append(atts, *p.Decision.Document)
		}
	case model.KindMessage:
		var p model.MessagePayload
		if json.Unmarshal(m.Payload, &p) == nil {
			atts = append(atts, p.Message.Attachments...)
		}
	case model.KindCreate:
		var p model.CreatePayload
		if json.Unmarshal(m.Payload, &p) == nil {
			if p.Case.Representation != nil {
				atts = append(atts, *p.Case.Representation)
			}
			atts = append(atts, p.Case.Attachments...)
			for _, msg := range p.Case.Messages {
				atts = append(atts, msg.Attachments...)
			}
		}
	}
	var out []string
	for _, a := range atts {
		if a.SHA256 != "" {
			out = append(out, a.SHA256)
		}
	}
	return out
}

// files is the store's attachments as the engine moves them.
type files interface {
	BlobPath(sha string) (string, error)
	WantedBlobs(limit int) ([]store.WantedBlob, error)
	PlaceBlob(sha string, r io.Reader) error
}

// upload makes sure the server holds the blob: it asks which chunks are missing and
// sends only those, so after an interruption only the chunk in flight is sent again.
func (c *Client) upload(ctx context.Context, sha string) error {
	c.mu.Lock()
	done := c.uploaded[sha]
	c.mu.Unlock()
	if done {
		return nil
	}
	path, err := c.db.BlobPath(sha)
	if errors.Is(err, store.ErrNotFound) {
		// Not on this PC (a case pulled before its attachment arrived); whoever
		// added it uploads it.
		c.log.Warn("sync: attachment to upload is not on this PC", "sha256", sha)
		return nil
	}
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("client: open blob: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("client: open blob: %w", err)
	}
	hashes, err := c.chunkHashes(sha, f, fi.Size())
	if err != nil {
		return err
	}
	req := wire.MissingChunksRequest{SHA256: sha, Size: fi.Size(), ChunkHashes: hashes}
	resp, err := c.remote.MissingChunks(ctx, req)
	if err != nil {
		return err
	}
	if err := resp.ValidateFor(req); err != nil {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	buf := make([]byte, wire.ChunkSize)
	for _, i := range resp.Missing {
		n, err := f.ReadAt(buf, int64(i)*wire.ChunkSize)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("client: read blob chunk %d: %w", i, err)
		}
		if err := c.remote.PutChunk(ctx, sha, i, buf[:n]); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.uploaded[sha] = true
	delete(c.hashes, sha)
	c.mu.Unlock()
	return nil
}

// chunkHashes returns the hex SHA-256 of each chunk, kept while the upload is not
// done so a resumed upload does not read the whole file again.
func (c *Client) chunkHashes(sha string, f *os.File, size int64) ([]string, error) {
	c.mu.Lock()
	h, ok := c.hashes[sha]
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	h = make([]string, 0, wire.ChunkCount(size))
	buf := make([]byte, wire.ChunkSize)
	for off := int64(0); off < size; off += wire.ChunkSize {
		n, err := f.ReadAt(buf, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("client: hash blob: %w", err)
		}
		sum := sha256.Sum256(buf[:n])
		h = append(h, hex.EncodeToString(sum[:]))
	}
	c.mu.Lock()
	c.hashes[sha] = h
	c.mu.Unlock()
	return h, nil
}

// downloads fetches every attachment the store still wants.
func (c *Client) downloads(ctx context.Context) error {
	wanted, err := c.db.WantedBlobs(0)
	if err != nil {
		return err
	}
	for _, w := range wanted {
		err := c.download(ctx, w)
		var we *wire.Error
		if errors.As(err, &we) && !Retryable(err) {
			// The server does not have it (the uploader has not finished) or refuses
			// it: the blob stays wanted and is tried again next round, but it must not
			// hold up pushing and pulling, which a failed round would.
			c.log.Warn("sync: attachment not downloadable yet", "sha256", w.SHA256, "err", err)
			continue
		}
		if err != nil {
			return fmt.Errorf("client: download attachment %s: %w", w.SHA256, err)
		}
		c.changed()
	}
	return nil
}

// download fetches one blob chunk by chunk into PartialDir/<sha>.part. After each
// chunk is on disk, <sha>.idx records how many are complete, so a download broken off
// (or a PC switched off) resumes at the first chunk it does not have. The whole file
// is checked against its hash before the store takes it.
func (c *Client) download(ctx context.Context, w store.WantedBlob) error {
	if err := os.MkdirAll(c.partial, 0o700); err != nil {
		return err
	}
	part := filepath.Join(c.partial, w.SHA256+".part")
	idx := filepath.Join(c.partial, w.SHA256+".idx")
	have := 0
	if b, err := os.ReadFile(idx); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n >= 0 {
			have = n
		}
	}
	total := wire.ChunkCount(w.Size)
	have = min(have, total)
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	// Bytes after the last recorded chunk may be half a chunk; they are fetched again.
	if err := f.Truncate(int64(have) * wire.ChunkSize); err != nil {
		return err
	}
	for i := have; i < total; i++ {
		data, err := c.remote.Chunk(ctx, w.SHA256, i)
		if err != nil {
			return err
		}
		want := int64(wire.ChunkSize)
		if i == total-1 {
			want = w.Size - int64(i)*wire.ChunkSize
		}
		if int64(len(data)) != want {
			return fmt.Errorf("%w: chunk %d has %d bytes, want %d", ErrProtocol, i, len(data), want)
		}
		if _, err := f.WriteAt(data, int64(i)*wire.ChunkSize); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		if err := os.WriteFile(idx, []byte(strconv.Itoa(i+1)), 0o600); err != nil {
			return err
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != w.SHA256 {
		f.Close()
		os.Remove(part)
		os.Remove(idx)
		return fmt.Errorf("%w: downloaded content hashes to %s", ErrProtocol, got)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := c.db.PlaceBlob(w.SHA256, f); err != nil {
		return err
	}
	f.Close()
	os.Remove(part)
	os.Remove(idx)
	return nil
}
