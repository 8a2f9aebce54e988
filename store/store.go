// Package store is the desktop's local case store: one bbolt file with the cases, their
// history chains, list indexes, the outbox of mutations, the sync state and this PC's
// typed settings, plus content-addressed blobs. Every committed transaction that
// changed cases publishes their IDs on the change feed (feed.go).
package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on Windows PCs without a zoneinfo database

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/store/index"
)

// FileName is the name of the store file inside Options.Dir.
const FileName = "ozgcloud.db"

// DefaultMaxAttachmentSize applies when Options.MaxAttachmentSize is 0.
const DefaultMaxAttachmentSize = 100 << 20

// lockTimeout bounds how long Open waits for another process's file lock.
const lockTimeout = 500 * time.Millisecond

// Errors returned by the store; test with errors.Is.
var (
	// ErrLocked: another process has the store open.
	ErrLocked = errors.New("store: the store is in use by another process")
	// ErrCorrupt: the file is not a readable store; it was not changed.
	ErrCorrupt = errors.New("store: the store file is damaged or not a store")
	// ErrSchemaTooNew: a newer version of the program wrote the file.
	ErrSchemaTooNew = errors.New("store: the store was written by a newer version")
	// ErrNotFound: no such case, clerk, setting or blob.
	ErrNotFound = errors.New("store: not found")
	// ErrTooLarge: an attachment exceeds MaxAttachmentSize.
	ErrTooLarge = errors.New("store: attachment too large")
	// ErrDuplicateFileNumber: another case already holds the file number.
	ErrDuplicateFileNumber = errors.New("store: file number already in use")
	// ErrExists: a case with the ID already exists.
	ErrExists = errors.New("store: case already exists")
)

// Options configure Open.
type Options struct {
	Dir string // data folder: Dir/ozgcloud.db, Dir/blobs/
	// Device is the code in file numbers, e.g. "A7" (letters and digits). It is stored
	// at first open and fixed after; empty at first open means the first four hex
	// digits of the device ID, upper case.
	Device            string
	Now               func() time.Time // nil = time.Now
	Rand              io.Reader        // UUIDv7 randomness; nil = crypto/rand
	MaxAttachmentSize int64            // 0 = 100 MB
	Logger            *slog.Logger     // nil = discard
	Location          *time.Location   // nil = Europe/Berlin
	// NoSync skips fsync on commits: for tests and simulations only, which crash a
	// store by closing it, never by losing the page cache.
	NoSync bool
}

// DB is an open store. Reads may run concurrently; writes are serialized.
type DB struct {
	bolt     *bolt.DB
	dir      string
	path     string
	device   string
	deviceID string
	maxBlob  int64
	now      func() time.Time
	log      *slog.Logger
	loc      *time.Location

	// mu serializes writers and covers the in-memory index update after each commit,
	// so the index sees writes in commit order. It also guards rand and txChanges.
	mu   sync.Mutex
	rand io.Reader
	idx  *index.Index

	// txChanges collects what the write transaction running now changes (feed.go).
	txChanges *changeSet
	feed      feed

	// pending holds committed rows not yet in idx, in commit order: Import queues its
	// rows so that a bulk load of many batches sorts the index once, at the next read,
	// instead of after every batch. pendMu guards pending and each flush.
	pendMu  sync.Mutex
	pending []index.Row

	blobMu      sync.Mutex
	unsyncedDir map[string]bool
	unsynced    []string
}

var deviceCodeRE = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)

// Open opens or creates the store in o.Dir. It returns an error wrapping ErrLocked when
// another process holds the file, ErrCorrupt (naming the file) when the file is not a
// readable store, and ErrSchemaTooNew when a newer version wrote it; in those cases the
// file is left as it was.
func Open(o Options) (*DB, error) {
	if o.Dir == "" {
		return nil, errors.New("store: open: no data folder given")
	}
	if o.Device != "" && !deviceCodeRE.MatchString(o.Device) {
		return nil, fmt.Errorf("store: open: device code %q: use 1 to 8 letters or digits", o.Device)
	}
	db := &DB{
		dir:         o.Dir,
		path:        filepath.Join(o.Dir, FileName),
		maxBlob:     o.MaxAttachmentSize,
		now:         o.Now,
		log:         o.Logger,
		loc:         o.Location,
		rand:        o.Rand,
		unsyncedDir: map[string]bool{},
	}
	if db.maxBlob <= 0 {
		db.maxBlob = DefaultMaxAttachmentSize
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.rand == nil {
		db.rand = rand.Reader
	}
	if db.loc == nil {
		loc, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			return nil, fmt.Errorf("store: open: load time zone: %w", err)
		}
		db.loc = loc
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, "blobs", "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("store: open: create data folder: %w", err)
	}
	if err := precheck(db.path); err != nil {
		return nil, err
	}
	bdb, err := openBolt(db.path)
	if err != nil {
		return nil, err
	}
	bdb.NoSync, bdb.NoGrowSync = o.NoSync, o.NoSync
	db.bolt = bdb
	if err := db.init(o.Device); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	db.cleanBlobTemp()
	return db, nil
}

// openBolt opens the bbolt file and maps its errors to ours.
func openBolt(path string) (*bolt.DB, error) {
	var bdb *bolt.DB
	err := guard(path, func() error {
		var err error
		bdb, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout:         lockTimeout,
			FreelistType:    bolt.FreelistMapType,
			InitialMmapSize: initialMmapSize,
		})
		return err
	})
	if err != nil {
		return nil, mapOpenError(path, err)
	}
	if initialMmapSize > 0 {
		// bbolt grows a file whose mapping exceeds AllocSize by AllocSize beyond what
		// it needs; with the large mapping that would be 16 MB from the first case on.
		bdb.AllocSize = allocSize
	}
	return bdb, nil
}

// init reads or creates the meta data, migrates old schemas, creates missing buckets
// and loads the in-memory index.
func (db *DB) init(device string) error {
	var (
		schema   uint64
		fresh    bool
		foreign  bool
		needInit bool
	)
	err := guard(db.path, func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				n := 0
				_ = tx.ForEach(func([]byte, *bolt.Bucket) error { n++; return nil })
				fresh, foreign = n == 0, n > 0
				return nil
			}
			schema = readU64(meta.Get(metaSchema))
			db.device = string(meta.Get(metaDevice))
			db.deviceID = string(meta.Get(metaDeviceID))
			for _, name := range allBuckets {
				if tx.Bucket(name) == nil {
					needInit = true
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, db.path, err)
	}
	switch {
	case foreign:
		return fmt.Errorf("%w: %s holds no OZG-Cloud Desktop data", ErrCorrupt, db.path)
	case !fresh && schema == 0:
		return fmt.Errorf("%w: %s has no schema version", ErrCorrupt, db.path)
	case schema > schemaVersion:
		return fmt.Errorf("%w: %s has schema %d, this version knows up to %d", ErrSchemaTooNew, db.path, schema, schemaVersion)
	}
	if fresh || needInit || schema < schemaVersion || db.deviceID == "" {
		if err := db.bolt.Update(func(tx *bolt.Tx) error {
			return db.setup(tx, fresh, schema, device)
		}); err != nil {
			return fmt.Errorf("store: open %s: %w", db.path, err)
		}
	} else if device != "" && device != db.device {
		db.log.Warn("store: device code is fixed at first open; keeping the stored one",
			"stored", db.device, "given", device)
	}
	return db.loadIndex()
}

// setup creates buckets and meta data of a fresh store and migrates an old one.
func (db *DB) setup(tx *bolt.Tx, fresh bool, schema uint64, device string) error {
	beforeSignIn := !fresh && tx.Bucket(bucketUsers) == nil
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if db.deviceID == "" {
		id, err := uuid.NewV7FromReader(db.rand)
		if err != nil {
			return fmt.Errorf("make device ID: %w", err)
		}
		db.deviceID = id.String()
		if err := meta.Put(metaDeviceID, []byte(db.deviceID)); err != nil {
			return err
		}
	}
	if db.device == "" {
		db.device = device
		if db.device == "" {
			u := uuid.MustParse(db.deviceID)
			db.device = fmt.Sprintf("%X", u[12:14])
		}
		if err := meta.Put(metaDevice, []byte(db.device)); err != nil {
			return err
		}
	}
	if fresh {
		return meta.Put(metaSchema, u64(schemaVersion))
	}
	if err := db.migrate(tx, schema); err != nil {
		return err
	}
	if beforeSignIn {
		return moveLegacyDrafts(tx)
	}
	return nil
}

// loadIndex fills the in-memory index from the rows bucket. Rows are derived data: if
// one does not decode (say, a row format this version no longer reads), every index
// is rebuilt from the cases.
func (db *DB) loadIndex() error {
	var rows []index.Row
	var bad error
	err := guard(db.path, func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			var vals [][]byte
			if err := tx.Bucket(bucketRows).ForEach(func(_, v []byte) error {
				vals = append(vals, v)
				return nil
			}); err != nil {
				return err
			}
			rows = make([]index.Row, len(vals))
			bad = decodeRows(db.path, vals, rows)
			return nil
		})
	})
	if err == nil && bad != nil && !errors.Is(bad, ErrCorrupt) {
		db.log.Warn("store: rebuilding the list index", "reason", bad.Error())
		if err := db.bolt.Update(func(tx *bolt.Tx) error {
			return rebuildIndexes(tx, nil)
		}); err != nil {
			return fmt.Errorf("store: rebuild indexes of %s: %w", db.path, err)
		}
		return db.loadIndex()
	}
	if err == nil {
		err = bad
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, db.path, err)
	}
	db.idx = index.New()
	db.idx.PutMany(rows)
	return nil
}

// decodeRows decodes vals into rows on every core; decoding is most of the time Open
// takes besides building the index.
func decodeRows(path string, vals [][]byte, rows []index.Row) error {
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Go(func() {
			errs[g] = guard(path, func() error {
				for i := g; i < len(vals); i += workers {
					if err := rows[i].UnmarshalBinary(vals[i]); err != nil {
						return fmt.Errorf("row %d: %w", i, err)
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Close closes the store file.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the store file.
func (db *DB) Path() string { return db.path }

// Dir returns the data folder.
func (db *DB) Dir() string { return db.dir }

// DeviceCode returns the device code used in file numbers.
func (db *DB) DeviceCode() string { return db.device }

// DeviceID returns the device's UUID, the first part of its mutation IDs.
func (db *DB) DeviceID() string { return db.deviceID }

// MaxAttachmentSize returns the attachment size limit in bytes.
func (db *DB) MaxAttachmentSize() int64 { return db.maxBlob }

// Location returns the time zone in which calendar dates are taken.
func (db *DB) Location() *time.Location { return db.loc }

// CaseCount returns the number of cases.
func (db *DB) CaseCount() int { return db.index().Len() }

// smallFlush is the most queued rows put one by one; more are cheaper to merge with
// one re-sort (PutMany).
const smallFlush = 256

// index returns the in-memory index with every committed row in it.
func (db *DB) index() *index.Index {
	db.pendMu.Lock()
	defer db.pendMu.Unlock()
	if len(db.pending) == 0 {
		return db.idx
	}
	if len(db.pending) <= smallFlush {
		for _, r := range db.pending {
			db.idx.Put(r)
		}
	} else {
		db.idx.PutMany(db.pending)
	}
	db.pending = nil
	return db.idx
}

// indexRows records rows just committed; the caller holds db.mu. Bulk rows are
// queued; others go straight in unless rows are queued before them.
func (db *DB) indexRows(rows []index.Row, bulk bool) {
	db.pendMu.Lock()
	defer db.pendMu.Unlock()
	if bulk || len(db.pending) > 0 {
		db.pending = append(db.pending, rows...)
		return
	}
	for _, r := range rows {
		db.idx.Put(r)
	}
}

// newID returns a UUIDv7; the caller holds db.mu.
func (db *DB) newID() (string, error) {
	id, err := uuid.NewV7FromReader(db.rand)
	if err != nil {
		return "", fmt.Errorf("store: make ID: %w", err)
	}
	return id.String(), nil
}
