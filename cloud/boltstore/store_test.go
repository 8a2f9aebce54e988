package boltstore

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/storagetest"
)

func open(t *testing.T) cloud.Storage {
	s, err := Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storagetest.Run(t, open) }

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's flock belongs to the open file, so a second Open in this process
	// stands in for another process.
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
}
