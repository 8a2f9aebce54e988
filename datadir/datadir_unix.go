//go:build unix

package datadir

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"syscall"
)

func isReparsePoint(fs.FileInfo) bool { return false }

// ownerOf returns the uid that owns the folder.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// narrow takes group's and others' rights (and set-id and sticky bits) from the
// folder; the owner's stay as they are.
func narrow(dir string, mode fs.FileMode, log *slog.Logger) error {
	if mode&(0o077|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) == 0 {
		return nil
	}
	now := mode.Perm() & 0o700
	if err := os.Chmod(dir, now); err != nil {
		return fmt.Errorf("datadir: restrict %s to its owner: %w", dir, err)
	}
	log.Warn("data folder was open to other users; now only its owner may use it",
		"dir", dir, "was", mode.String(), "now", now.String())
	return nil
}
