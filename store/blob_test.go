package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tmpFiles(t *testing.T, db *DB) int {
	t.Helper()
	e, err := os.ReadDir(db.tmpDir())
	if err != nil {
		t.Fatal(err)
	}
	return len(e)
}

func TestBlobs(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Device: "A7", MaxAttachmentSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	content := []byte(strings.Repeat("Bauplan ", 100))
	sum := sha256.Sum256(content)
	want := hex.EncodeToString(sum[:])
	sha, n, err := db.PutBlob(bytes.NewReader(content))
	if err != nil || sha != want || n != int64(len(content)) {
		t.Fatalf("put: %s %d %v", sha, n, err)
	}
	p, err := db.BlobPath(sha)
	if err != nil || p != filepath.Join(dir, "blobs", sha[:2], sha) {
		t.Fatalf("path %s %v", p, err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Fatal("content differs")
	}
	fi, _ := os.Stat(p)
	sha2, _, err := db.PutBlob(bytes.NewReader(content))
	if err != nil || sha2 != sha {
		t.Fatalf("second put: %s %v", sha2, err)
	}
	if fi2, _ := os.Stat(p); !os.SameFile(fi, fi2) {
		t.Error("dedup rewrote the blob")
	}
	if n := tmpFiles(t, db); n != 0 {
		t.Errorf("%d temp files left", n)
	}

	// Exactly at the limit is fine; one byte more is not, and leaves nothing behind.
	if _, _, err := db.PutBlob(bytes.NewReader(make([]byte, 1000))); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	big := bytes.Repeat([]byte{7}, 1001)
	if _, _, err := db.PutBlob(bytes.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	bigSum := sha256.Sum256(big)
	if _, err := db.BlobPath(hex.EncodeToString(bigSum[:])); !errors.Is(err, ErrNotFound) {
		t.Errorf("too large blob stored: %v", err)
	}
	if n := tmpFiles(t, db); n != 0 {
		t.Errorf("%d temp files left after ErrTooLarge", n)
	}

	// A failing reader leaves nothing behind either.
	if _, _, err := db.PutBlob(io.MultiReader(bytes.NewReader([]byte("abc")), failReader{})); err == nil {
		t.Error("read error not reported")
	}
	if n := tmpFiles(t, db); n != 0 {
		t.Errorf("%d temp files left after a read error", n)
	}

	for _, bad := range []string{"", "zz", strings.Repeat("A", 64), "../" + strings.Repeat("a", 61)} {
		if _, err := db.BlobPath(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("BlobPath(%q) = %v", bad, err)
		}
	}

	shaA, err := db.PutBlobNoSync([]byte("Darstellung A"))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := db.PutBlobNoSync([]byte("Darstellung A")); again != shaA {
		t.Error("no-sync dedup")
	}
	if err := db.SyncBlobs(); err != nil {
		t.Fatal(err)
	}
	if p, err := db.BlobPath(shaA); err != nil {
		t.Fatal(err)
	} else if got, _ := os.ReadFile(p); string(got) != "Darstellung A" {
		t.Errorf("no-sync content %q", got)
	}

	// Temp files of a crash are removed at the next open.
	os.WriteFile(filepath.Join(db.tmpDir(), "blob-crashed"), []byte("x"), 0o600)
	db.Close()
	db, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if n := tmpFiles(t, db); n != 0 {
		t.Errorf("%d temp files after reopen", n)
	}
	if db.MaxAttachmentSize() != DefaultMaxAttachmentSize {
		t.Errorf("default limit %d", db.MaxAttachmentSize())
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }
