package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"

	berrors "go.etcd.io/bbolt/errors"
)

// bbolt's on-disk meta page, read here before bbolt maps the file: bbolt trusts a
// valid meta page and would fault (SIGBUS) on a file truncated below its high-water
// mark, so Open checks what bbolt cannot. Layout (native byte order, as bbolt writes
// it): a 16-byte page header, then magic, version, pageSize, flags (uint32 each), the
// root bucket (root pgid, sequence), freelist pgid, pgid (high-water mark), txid and an
// FNV-64a checksum over everything from magic to txid.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaSize        = 64
	metaSumOffset   = 56
	pgidNoFreelist  = ^uint64(0)
	defaultPageSize = 4096
)

type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64
	txid     uint64
}

func parseMeta(b []byte) (boltMeta, error) {
	if len(b) < pageHeaderSize+metaSize {
		return boltMeta{}, errors.New("meta page cut short")
	}
	m := b[pageHeaderSize : pageHeaderSize+metaSize]
	ne := binary.NativeEndian
	if ne.Uint32(m[0:]) != boltMagic {
		return boltMeta{}, errors.New("not a bbolt file")
	}
	if ne.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, errors.New("unknown bbolt version")
	}
	h := fnv.New64a()
	h.Write(m[:metaSumOffset])
	if h.Sum64() != ne.Uint64(m[metaSumOffset:]) {
		return boltMeta{}, errors.New("meta checksum mismatch")
	}
	return boltMeta{
		pageSize: ne.Uint32(m[8:]),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		pgid:     ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, nil
}

// precheck reads path's meta pages and reports ErrCorrupt (naming the file) when
// bbolt could not safely open it. A missing or empty file is fine: bbolt creates it.
func precheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	corrupt := func(why string) error {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, path, why)
	}
	head := make([]byte, pageHeaderSize+metaSize)
	if _, err := io.ReadFull(f, head); err != nil {
		return corrupt("file too short")
	}
	m0, err0 := parseMeta(head)
	ps := int64(defaultPageSize)
	if err0 == nil {
		ps = int64(m0.pageSize)
	}
	second := make([]byte, pageHeaderSize+metaSize)
	_, err1 := f.ReadAt(second, ps)
	var m1 boltMeta
	if err1 == nil {
		m1, err1 = parseMeta(second)
	}
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		return corrupt(err0.Error())
	case err0 != nil:
		m = m1
	case err1 != nil:
		m = m0
	case m1.txid > m0.txid:
		m = m1
	default:
		m = m0
	}
	if m.pageSize < 512 || m.pageSize&(m.pageSize-1) != 0 {
		return corrupt("bad page size")
	}
	if m.pgid < 2 || m.root >= m.pgid || (m.freelist >= m.pgid && m.freelist != pgidNoFreelist) {
		return corrupt("meta page points outside the file")
	}
	if int64(m.pgid)*int64(m.pageSize) > size {
		return corrupt(fmt.Sprintf("file cut short (%d of %d bytes)", size, int64(m.pgid)*int64(m.pageSize)))
	}
	return nil
}

// mapOpenError turns bbolt's open errors into ours.
func mapOpenError(path string, err error) error {
	switch {
	case errors.Is(err, ErrCorrupt):
		return err
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w: %s", ErrLocked, path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

// guard runs fn and turns a panic or memory fault inside bbolt (a damaged page) into
// ErrCorrupt. Only used while opening, where a damaged file must give a message, not
// a crash.
func guard(path string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	return fn()
}
