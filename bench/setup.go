package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

// config says which demo cases both sides hold and where they are kept.
type config struct {
	N     int
	Seed  int64
	Now   time.Time
	Cache string // folder kept between runs; "" = a temporary folder removed at the end
}

// defaultNow is the fixed "now" of the demo data, so cached stores stay valid.
var defaultNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// sides holds both stores, loaded with the same cases.
type sides struct {
	ours  *store.DB
	lite  *lite
	today int32
	dir   string
	temp  bool
	// Seconds spent building what was not cached (0 when reused).
	seedOurs, buildLite time.Duration
}

// open loads both sides, reusing the stores under cfg.Cache when a finished build for
// the same cases is there. Builds go to a ".tmp" name first, so an interrupted run
// is never taken for a finished one.
func open(cfg config) (*sides, error) {
	s := &sides{today: index.DayNumber(cfg.Now)}
	if cfg.Cache == "" {
		d, err := os.MkdirTemp("", "ozgcloud-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: temp dir: %w", err)
		}
		s.dir, s.temp = d, true
	} else {
		s.dir = filepath.Join(cfg.Cache, fmt.Sprintf("n%d-seed%d-%s", cfg.N, cfg.Seed, cfg.Now.UTC().Format("20060102T150405Z")))
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return nil, fmt.Errorf("bench: cache dir: %w", err)
		}
	}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()

	storeDir := filepath.Join(s.dir, "store")
	if !exists(storeDir) {
		t0 := time.Now()
		if err := seedOurs(storeDir, cfg); err != nil {
			return nil, err
		}
		s.seedOurs = time.Since(t0)
	}
	db, err := store.Open(storeOptions(storeDir, cfg.Now))
	if err != nil {
		return nil, fmt.Errorf("bench: open our store: %w", err)
	}
	s.ours = db

	litePath := filepath.Join(s.dir, "cases.sqlite")
	if !exists(litePath) {
		t0 := time.Now()
		tmp := litePath + ".tmp"
		os.Remove(tmp)
		if err := buildLite(tmp, cfg.N, cfg.Seed, cfg.Now); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, litePath); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		s.buildLite = time.Since(t0)
	}
	l, err := openLite(litePath)
	if err != nil {
		return nil, err
	}
	s.lite = l
	ok = true
	return s, nil
}

func storeOptions(dir string, now time.Time) store.Options {
	return store.Options{Dir: dir, Device: demo.DeviceCode, Now: func() time.Time { return now }}
}

func seedOurs(dir string, cfg config) error {
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	db, err := store.Open(storeOptions(tmp, cfg.Now))
	if err != nil {
		return fmt.Errorf("bench: create our store: %w", err)
	}
	if err := demo.Seed(db, cfg.N, cfg.Seed, cfg.Now); err != nil {
		db.Close()
		return fmt.Errorf("bench: seed our store: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("bench: close our store: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// Close closes both stores and removes a temporary folder.
func (s *sides) Close() error {
	var errs []error
	if s.ours != nil {
		errs = append(errs, s.ours.Close())
	}
	if s.lite != nil {
		errs = append(errs, s.lite.Close())
	}
	if s.temp {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}
