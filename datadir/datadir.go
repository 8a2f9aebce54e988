// Package datadir checks the folder that holds a desktop's data (the store, its
// attachments, the view and print copies) before the app uses it. The folder holds
// citizens' data and the PC's sync token: another account that can read it or swap it
// for a link to somewhere else could read or plant cases. So the folder must be a real
// folder, not a link, belong to the user who runs the app and be open to nobody else.
package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// Prepare makes dir (mode 0700, with its parents) when it does not exist and checks
// it before use: see Check.
func Prepare(dir string, log *slog.Logger) error {
	// Lstat first: MkdirAll follows a link, and fails on a dangling one with a
	// message that does not say why.
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("datadir: create %s: %w", dir, err)
		}
	}
	return Check(dir, log)
}

// Check refuses dir when it is a link or not a folder, and on Unix when it belongs to
// another user than the one running the app. A folder of the user that others may
// read, write or enter is narrowed to 0700, and the log says so: that is what the
// app made it with, and only a mistake or a copy widens it. The folder's parents are
// not checked: a link higher up (a home folder on another disk) is common and theirs.
func Check(dir string, log *slog.Logger) error {
	return check(dir, os.Geteuid(), log)
}

// check is Check for the user uid (-1 on Windows, where owners are not compared).
func check(dir string, uid int, log *slog.Logger) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("datadir: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 || isReparsePoint(fi) {
		return fmt.Errorf("%w: %s", ErrLink, dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s", ErrNotDir, dir)
	}
	if owner, ok := ownerOf(fi); ok && owner != uid {
		return fmt.Errorf("%w: %s is owned by uid %d, the app runs as uid %d", ErrForeignOwner, dir, owner, uid)
	}
	return narrow(dir, fi.Mode(), log)
}

// The reasons a folder is refused, each said in German by the app (app/errors.go):
// a link (on Windows also a junction or another reparse point) could point
// anywhere, also into another user's folder; something else than a folder has the
// folder's name; another account (Unix) owns the folder and could read and change
// everything in it.
var (
	ErrLink         = errors.New("datadir: the data folder is a link")
	ErrNotDir       = errors.New("datadir: the data folder is not a folder")
	ErrForeignOwner = errors.New("datadir: the data folder belongs to another user")
)
