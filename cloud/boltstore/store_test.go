package boltstore

import (
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
