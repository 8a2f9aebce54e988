package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Blobs are files named by the hex SHA-256 of their content under Dir/blobs/ab/ (ab =
// the first two hex digits). A blob is written to Dir/blobs/tmp first and renamed into
// place, so a crash never leaves a half-written blob under its final name.

func (db *DB) blobDir() string { return filepath.Join(db.dir, "blobs") }
func (db *DB) tmpDir() string  { return filepath.Join(db.dir, "blobs", "tmp") }

func (db *DB) blobPath(sha string) string {
	return filepath.Join(db.blobDir(), sha[:2], sha)
}

func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// PutBlob stores r's content and returns its hex SHA-256 and size. The content is
// fsynced before it gets its name; content already stored is not written twice.
// ErrTooLarge beyond MaxAttachmentSize, and nothing is left behind.
func (db *DB) PutBlob(r io.Reader) (string, int64, error) { return db.putBlob(r, true) }

// PutBlobUnsynced stores r like PutBlob but leaves making it durable to the next
// SyncBlobs, so that a batch of blobs (the attachments of many mails) costs one flush
// instead of two fsyncs each. Nothing may refer to the blob before SyncBlobs returned.
func (db *DB) PutBlobUnsynced(r io.Reader) (string, int64, error) { return db.putBlob(r, false) }

func (db *DB) putBlob(r io.Reader, sync bool) (string, int64, error) {
	f, err := os.CreateTemp(db.tmpDir(), "blob-*")
	if err != nil {
		return "", 0, fmt.Errorf("store: put blob: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, db.maxBlob+1))
	if err != nil {
		return "", 0, fmt.Errorf("store: put blob: %w", err)
	}
	if n > db.maxBlob {
		return "", 0, fmt.Errorf("store: put blob: %w (limit %d bytes)", ErrTooLarge, db.maxBlob)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return "", 0, fmt.Errorf("store: put blob: sync: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return "", 0, fmt.Errorf("store: put blob: %w", err)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	if err := db.place(tmp, sha, sync); err != nil {
		return "", 0, err
	}
	done = true
	return sha, n, nil
}

// place renames the temp file to the blob's name, or removes it when the blob is
// already there. With sync, the directory entries are fsynced too.
func (db *DB) place(tmp, sha string, sync bool) error {
	final := db.blobPath(sha)
	if _, err := os.Stat(final); err == nil {
		return os.Remove(tmp)
	}
	dir := filepath.Dir(final)
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: put blob: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: put blob: %w", err)
	}
	if !sync {
		db.blobMu.Lock()
		db.unsynced = append(db.unsynced, final)
		db.unsyncedDir[dir] = true
		if statErr != nil {
			db.unsyncedDir[db.blobDir()] = true
		}
		db.blobMu.Unlock()
		return nil
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("store: put blob: %w", err)
	}
	if statErr != nil {
		if err := syncDir(db.blobDir()); err != nil {
			return fmt.Errorf("store: put blob: %w", err)
		}
	}
	return nil
}

// PutBlobNoSync stores b like PutBlob but without fsync, for bulk demo data; the caller
// calls SyncBlobs once at the end. It does not apply the size limit.
func (db *DB) PutBlobNoSync(b []byte) (string, error) {
	sum := sha256.Sum256(b)
	sha := hex.EncodeToString(sum[:])
	if _, err := os.Stat(db.blobPath(sha)); err == nil {
		return sha, nil
	}
	f, err := os.CreateTemp(db.tmpDir(), "blob-*")
	if err != nil {
		return "", fmt.Errorf("store: put blob: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("store: put blob: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("store: put blob: %w", err)
	}
	if err := db.place(f.Name(), sha, false); err != nil {
		return "", err
	}
	return sha, nil
}

// SyncBlobs fsyncs every blob written by PutBlobNoSync since the last call, and their
// directories.
func (db *DB) SyncBlobs() error {
	db.blobMu.Lock()
	files, dirs := db.unsynced, db.unsyncedDir
	db.unsynced, db.unsyncedDir = nil, map[string]bool{}
	db.blobMu.Unlock()
	if len(files) > 0 {
		if err := syncBlobFiles(db.blobDir(), files); err != nil {
			return fmt.Errorf("store: sync blobs: %w", err)
		}
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("store: sync blobs: %w", err)
		}
	}
	return nil
}

// BlobPath returns the file holding the blob, or an error wrapping ErrNotFound.
func (db *DB) BlobPath(sha string) (string, error) {
	if !validSHA(sha) {
		return "", fmt.Errorf("store: blob %q: %w", sha, ErrNotFound)
	}
	p := db.blobPath(sha)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("store: blob %s: %w", sha, ErrNotFound)
		}
		return "", fmt.Errorf("store: blob %s: %w", sha, err)
	}
	return p, nil
}

// cleanBlobTemp removes temp files a crash left behind.
func (db *DB) cleanBlobTemp() {
	entries, err := os.ReadDir(db.tmpDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(db.tmpDir(), e.Name())); err != nil {
			db.log.Warn("store: remove blob temp file", "err", err)
		}
	}
}

// syncDir makes a rename durable. Windows cannot fsync a directory; NTFS journals the
// rename itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
