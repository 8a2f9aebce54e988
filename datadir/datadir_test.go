//go:build unix

package datadir

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func logTo(buf *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(buf, nil)) }

func mode(t *testing.T, dir string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

// A new folder is made 0700 (with its parents), accepted, and nothing is logged.
func TestPrepareMakesAPrivateFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "share", "ozgcloud-desktop")
	var log bytes.Buffer
	if err := Prepare(dir, logTo(&log)); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); !m.IsDir() || m.Perm() != 0o700 {
		t.Errorf("mode %v, want drwx------", m)
	}
	if log.Len() != 0 {
		t.Errorf("logged for a fine folder: %s", log.String())
	}
	// An existing fine folder is accepted again, unchanged.
	if err := Prepare(dir, logTo(&log)); err != nil || log.Len() != 0 {
		t.Errorf("second Prepare: %v, log %q", err, log.String())
	}
}

// A link to a folder is refused, even when it points to a fine folder of the user;
// the folder it points to is left alone.
func TestLinkRefused(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "ozgcloud-desktop")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	err := Prepare(link, logTo(&log))
	if !errors.Is(err, ErrLink) || !strings.Contains(err.Error(), link) {
		t.Fatalf("err = %v, want ErrLink naming %s", err, link)
	}
	if m := mode(t, target); m.Perm() != 0o755 {
		t.Errorf("the link's target was changed to %v", m)
	}
	// A dangling link is refused as a link, and nothing is made where it points.
	dangling, gone := filepath.Join(base, "dangling"), filepath.Join(base, "gone")
	if err := os.Symlink(gone, dangling); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(dangling, logTo(&log)); !errors.Is(err, ErrLink) {
		t.Errorf("dangling link: %v, want ErrLink", err)
	}
	if _, err := os.Lstat(gone); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was made: %v", err)
	}
}

// A file where the folder should be is refused.
func TestFileRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ozgcloud-desktop")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Check(p, logTo(new(bytes.Buffer))); !errors.Is(err, ErrNotDir) {
		t.Errorf("err = %v, want ErrNotDir", err)
	}
}

// The user's own folder that others may enter, read or write is narrowed to the
// owner's rights and the log says so; set-id and sticky bits go too.
func TestOpenFolderNarrowed(t *testing.T) {
	for _, m := range []fs.FileMode{0o777, 0o755, 0o750, 0o701, 0o700 | fs.ModeSetgid, 0o700 | fs.ModeSticky} {
		t.Run(m.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, m); err != nil {
				t.Fatal(err)
			}
			if got := mode(t, dir) &^ fs.ModeDir; got != m {
				t.Fatalf("test setup: mode %v, want %v", got, m)
			}
			var log bytes.Buffer
			if err := Check(dir, logTo(&log)); err != nil {
				t.Fatal(err)
			}
			if got := mode(t, dir); got != fs.ModeDir|0o700 {
				t.Errorf("mode after Check %v, want drwx------", got)
			}
			if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), dir) {
				t.Errorf("log does not say so: %q", log.String())
			}
		})
	}
}

// A folder of another user is refused and left as it is, whatever its mode.
func TestForeignOwnerRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	me := os.Geteuid()
	var log bytes.Buffer
	err := check(dir, me+1, logTo(&log))
	if !errors.Is(err, ErrForeignOwner) {
		t.Fatalf("err = %v, want ErrForeignOwner", err)
	}
	if m := mode(t, dir); m.Perm() != 0o777 {
		t.Errorf("another user's folder was changed to %v", m)
	}
	if os.Geteuid() != 0 {
		return
	}
	// As root (CI), a folder really owned by nobody (65534) is refused through Check.
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir, logTo(&log)); !errors.Is(err, ErrForeignOwner) {
		t.Errorf("Check of a folder owned by 65534: %v, want ErrForeignOwner", err)
	}
}
