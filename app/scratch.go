package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Scratch keeps the copies of citizens' files made for the OS viewer (ansicht/) and
// the printer (druck/) short-lived: at start and every hour it removes those older
// than MaxAge, and when the app ends all of them. A viewer may still show a copy
// then; on Windows an open file stays until the next start removes it.
type Scratch struct {
	dataDir string
	now     func() time.Time
	log     *slog.Logger
	every   time.Duration
}

// ScratchMaxAge is how long a copy for viewing or printing is kept while the app runs.
const ScratchMaxAge = 24 * time.Hour

// NewScratch returns the cleaner of the data folder's view and print folders.
func NewScratch(e Env) *Scratch {
	b := newBase(e)
	return &Scratch{dataDir: e.DataDir, now: b.now, log: b.log, every: time.Hour}
}

// Run removes old copies now and every hour, and all copies when ctx ends.
func (s *Scratch) Run(ctx context.Context) error {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		s.clean(s.now().Add(-ScratchMaxAge))
		select {
		case <-ctx.Done():
			s.clean(time.Time{}.AddDate(100000, 0, 0)) // everything
			return nil
		case <-t.C:
		}
	}
}

// clean removes what the view and print folders hold that was last changed
// before cutoff.
func (s *Scratch) clean(cutoff time.Time) {
	for _, folder := range []string{viewFolder, printFolder} {
		dir := filepath.Join(s.dataDir, folder)
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.log.Warn("scratch: read folder", "folder", folder, "err", err)
			}
			continue
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(cutoff) {
				continue
			}
			if err := removeAll(filepath.Join(dir, e.Name())); err != nil {
				s.log.Warn("scratch: remove", "folder", folder, "err", err)
			}
		}
	}
}

// removeAll is os.RemoveAll for copies made read-only (Windows refuses to delete
// a read-only file).
func removeAll(p string) error {
	_ = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			_ = os.Chmod(q, 0o600)
		}
		return nil
	})
	return os.RemoveAll(p)
}
