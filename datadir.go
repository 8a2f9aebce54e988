package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/ozgcloud/desktop/store"
)

// Earlier versions kept the store in the roaming %APPDATA%, which Windows domains
// with roaming profiles copy to every PC the clerk logs on to, and back at logoff:
// a copied data folder on several PCs (issue 18). The store now lives in
// %LOCALAPPDATA%; moveRoamingStore moves an existing one over once.

// movedSuffix names the old folder after its store was copied over (a rename
// across volumes, e.g. with folder redirection, cannot move it).
const movedSuffix = " (verschoben)"

// moveRoamingStore moves the data folder of the app under roaming (%APPDATA%) to
// dir when dir holds no store yet and the old folder does: by renaming it, or, when
// that fails (another volume), by copying it and renaming the old folder with
// movedSuffix, so that no later start, on this PC or another, takes it for a store.
// Failures are logged; the app then starts on dir.
func moveRoamingStore(roaming, dir string, log *slog.Logger) {
	if roaming == "" {
		return
	}
	old := filepath.Join(roaming, filepath.Base(dir))
	if err := moveStore(old, dir); err != nil {
		log.Error("move the data folder out of the roaming profile", "from", old, "to", dir, "err", err)
	}
}

func moveStore(old, dir string) error {
	if _, err := os.Stat(filepath.Join(old, store.FileName)); err != nil {
		return nil // nothing to move
	}
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err == nil {
		return nil // moved before; the old folder came back with a roaming profile
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the new folder is not empty: %w", err)
	}
	if err := os.Rename(old, dir); err == nil {
		return nil
	}
	tmp := dir + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := copyTree(old, tmp); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	return os.Rename(old, old+movedSuffix)
}

// copyTree copies the folder src to dst, file by file, synced.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
