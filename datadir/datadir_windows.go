//go:build windows

package datadir

import (
	"io/fs"
	"log/slog"
	"syscall"
)

// Windows: untested here (the tests run on Linux). The folder lives in the user's
// %LOCALAPPDATA%, whose ACL already keeps other users out; only links are refused.

// isReparsePoint reports symlinks, junctions (which Go no longer reports as
// symlinks) and other reparse points.
func isReparsePoint(fi fs.FileInfo) bool {
	d, ok := fi.Sys().(*syscall.Win32FileAttributeData)
	return ok && d.FileAttributes&syscall.FILE_ATTRIBUTE_REPARSE_POINT != 0
}

func ownerOf(fs.FileInfo) (int, bool) { return 0, false }

func narrow(string, fs.FileMode, *slog.Logger) error { return nil }
