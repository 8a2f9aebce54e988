//go:build !windows

package zone

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMarkInternetOutsideWindows(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "Antrag.pdf")
	if err := os.WriteFile(p, []byte("%PDF-1.7"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := MarkInternet(p, "rathaus.example"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %d files", len(entries))
	}
}
