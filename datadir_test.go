package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/ozgcloud/desktop/store"
)

// A store in the roaming folder moves to the local one once; a roaming folder that
// comes back later (a roaming profile's copy) is left alone.
func TestMoveRoamingStore(t *testing.T) {
	base := t.TempDir()
	roaming, local := filepath.Join(base, "Roaming"), filepath.Join(base, "Local", "OZG-Cloud Desktop")
	old := filepath.Join(roaming, "OZG-Cloud Desktop")
	if err := os.MkdirAll(filepath.Join(old, "blobs"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]string{store.FileName: "store", filepath.Join("blobs", "ab"): "blob"} {
		if err := os.WriteFile(filepath.Join(old, name), []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	moveRoamingStore(roaming, local, log)
	for name, want := range map[string]string{store.FileName: "store", filepath.Join("blobs", "ab"): "blob"} {
		if b, err := os.ReadFile(filepath.Join(local, name)); err != nil || string(b) != want {
			t.Errorf("%s in the new folder: %q %v", name, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(old, store.FileName)); err == nil {
		t.Error("the roaming folder still holds a store")
	}
	// The profile brings the old folder back: the local store stays as it is.
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, store.FileName), []byte("alt"), 0o600); err != nil {
		t.Fatal(err)
	}
	moveRoamingStore(roaming, local, log)
	if b, _ := os.ReadFile(filepath.Join(local, store.FileName)); string(b) != "store" {
		t.Errorf("the local store became %q", b)
	}
}
