package filekind

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// Bounds of what the classifier reads of a ZIP: the central directory (found
// from the end of the file) and at most a few small entries ([Content_Types].xml
// is not needed; ODF's mimetype entry is).
const (
	MaxDirectoryBytes = 4 << 20 // bytes read from a ZIP's end and central directory
	MaxListed         = 1000    // entries listed in Result.Entries
)

// Entry is one member of a ZIP archive as its central directory declares it; the
// app lists these and never extracts them.
type Entry struct {
	Name      string // cleaned per path element, "/" between them
	Size      uint64 // uncompressed size as declared (not checked: nothing is unpacked)
	Dangerous bool   // the name's extension is a dangerous one
	Encrypted bool
}

// zipInfo is what the central directory tells about a ZIP.
type zipInfo struct {
	kind      Kind   // ZIP, ODF, OOXML or Java
	odfType   string // content of the mimetype entry
	parts     map[string]bool
	macros    bool // vbaProject.bin in OOXML, Basic/ or Scripts/ in ODF
	entries   []Entry
	truncated bool
	dangerous bool // some entry has a dangerous name, or is encrypted
}

// errZIPTooLarge is returned when reading the directory passes MaxDirectoryBytes.
var errZIPTooLarge = errors.New("zip directory larger than the classifier reads")

// budgetReader is an io.ReaderAt that fails once more than n bytes were read.
type budgetReader struct {
	r io.ReaderAt
	n int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.n {
		return 0, errZIPTooLarge
	}
	n, err := b.r.ReadAt(p, off)
	b.n -= int64(n)
	return n, err
}

// readZIP reads the central directory of r within MaxDirectoryBytes and tells
// what kind of ZIP it is. Errors: errZIPTooLarge, or the archive is unreadable.
func readZIP(r io.ReaderAt, size int64) (*zipInfo, error) {
	br := &budgetReader{r: r, n: MaxDirectoryBytes}
	// archive/zip sizes its list by the count the end record declares (up to a
	// thirtieth of the file): look first, so memory stays bounded too.
	if n, err := declaredEntries(br, size); err != nil {
		return nil, err
	} else if n > MaxDirectoryBytes/46 { // 46 bytes: the smallest directory record
		return nil, fmt.Errorf("%w: %d entries declared", errZIPTooLarge, n)
	}
	zr, err := zip.NewReader(br, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, errZIPTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("filekind: read zip directory: %w", err)
	}
	z := &zipInfo{kind: ZIP, parts: map[string]bool{}}
	hasManifestMF, hasClass := false, false
	for i, f := range zr.File {
		lower := strings.ToLower(f.Name)
		base := lower[strings.LastIndexByte(lower, '/')+1:]
		if top, _, ok := strings.Cut(lower, "/"); ok {
			z.parts[top+"/"] = true
		}
		z.parts[lower] = true
		switch {
		case base == "vbaproject.bin", strings.HasPrefix(lower, "basic/"), strings.HasPrefix(lower, "scripts/"):
			z.macros = true
		case lower == "meta-inf/manifest.mf":
			hasManifestMF = true
		case strings.HasSuffix(lower, ".class"):
			hasClass = true
		}
		e := Entry{Name: cleanPath(f.Name), Size: f.UncompressedSize64, Encrypted: f.Flags&1 != 0}
		e.Dangerous = !strings.HasSuffix(f.Name, "/") && DangerousName(f.Name)
		z.dangerous = z.dangerous || e.Dangerous || e.Encrypted
		if i < MaxListed {
			z.entries = append(z.entries, e)
		} else {
			z.truncated = true
		}
	}
	switch {
	case len(zr.File) > 0 && zr.File[0].Name == "mimetype":
		z.odfType, err = readSmall(zr.File[0], 100)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(z.odfType, "application/vnd.oasis.opendocument.") {
			z.kind = ODF
		}
	case z.parts["[content_types].xml"]:
		z.kind = OOXML
	case hasManifestMF || hasClass:
		z.kind = Java
	}
	return z, nil
}

// readSmall returns the first n bytes of a stored or deflated entry, reading
// through the same budget as the directory.
func readSmall(f *zip.File, n int64) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("filekind: open zip entry %q: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, n))
	if err != nil && !errors.Is(err, zip.ErrChecksum) {
		return "", fmt.Errorf("filekind: read zip entry %q: %w", f.Name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// cleanPath cleans each element of a member's path as a file name, so that the
// list shows no control or bidirectional characters and no "..".
func cleanPath(name string) string {
	parts := strings.FieldsFunc(strings.ReplaceAll(name, `\`, "/"), func(r rune) bool { return r == '/' })
	out := parts[:0]
	for _, p := range parts {
		if model.UsableFileName(p) {
			out = append(out, model.CleanFileName(p, ""))
		}
	}
	if len(out) == 0 {
		return model.DefaultFileName
	}
	return strings.Join(out, "/")
}

// declaredEntries returns the number of entries the end of central directory
// record (or its ZIP64 form) declares; 0 when none is found (archive/zip then
// reports the archive unreadable).
func declaredEntries(r io.ReaderAt, size int64) (uint64, error) {
	tail := make([]byte, min(size, 22+65535+20))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		if errors.Is(err, errZIPTooLarge) {
			return 0, err
		}
		return 0, fmt.Errorf("filekind: read zip end: %w", err)
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return 0, nil
	}
	n := uint64(binary.LittleEndian.Uint16(tail[i+10:]))
	if n != 0xffff || i < 20 || string(tail[i-20:i-16]) != "PK\x06\x07" {
		return n, nil
	}
	// ZIP64: the locator before the end record points at the ZIP64 end record.
	off := int64(binary.LittleEndian.Uint64(tail[i-20+8:]))
	rec := make([]byte, 56)
	if off < 0 || off > size-56 {
		return 0, nil
	}
	if _, err := r.ReadAt(rec, off); err != nil {
		if errors.Is(err, errZIPTooLarge) {
			return 0, err
		}
		return 0, fmt.Errorf("filekind: read zip64 end: %w", err)
	}
	if string(rec[:4]) != "PK\x06\x06" {
		return 0, nil
	}
	return binary.LittleEndian.Uint64(rec[32:]), nil
}
