package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// File is a PDF read into memory: its bytes, the newest trailer and the
// cross-reference entries of all revisions, newest first. Objects are parsed when
// asked for and kept. A File is not safe for concurrent use.
type File struct {
	data      []byte
	trailer   *Dict
	startxref int64
	xref      map[int]entry
	// xrefStream says the newest section is an xref stream, so an update writes one too.
	xrefStream bool
	repaired   bool
	cache      map[int]Object
	objstm     map[int]*objStream
}

type entry struct {
	offset int64 // byte offset, or the number of the object stream when inStm
	index  int   // position in the object stream
	gen    int
	inStm  bool
	free   bool
}

// Limits against hostile files.
const (
	maxSections = 1024    // cross-reference sections in one /Prev chain
	maxObjects  = 8 << 20 // object numbers
	maxChain    = 16      // references that point at references
)

// Read parses the cross-reference sections of data (classic tables and streams,
// hybrid files, following /Prev) and the trailer. When they cannot be read it finds
// the objects by their "n g obj" headers instead, as viewers do, and Repaired
// reports that. Errors wrap ErrMalformed, or ErrUnsupported for an encrypted file.
// File keeps data; the caller must not change it.
func Read(data []byte) (*File, error) {
	f := &File{data: data, cache: map[int]Object{}, objstm: map[int]*objStream{}}
	if err := f.readXref(); err != nil {
		if serr := f.scan(); serr != nil {
			return nil, err
		}
		f.repaired = true
	}
	if f.trailer.Get("Encrypt") != nil {
		return nil, fmt.Errorf("%w: encrypted", ErrUnsupported)
	}
	return f, nil
}

// Trailer returns the newest trailer (for an xref stream, its dictionary).
func (f *File) Trailer() *Dict { return f.trailer }

// Root returns the reference to the document catalog.
func (f *File) Root() Ref {
	r, _ := f.trailer.Ref("Root")
	return r
}

// StartXref returns the offset of the newest cross-reference section.
func (f *File) StartXref() int64 { return f.startxref }

// XRefStream reports whether the newest cross-reference section is a stream.
func (f *File) XRefStream() bool { return f.xrefStream }

// Repaired reports whether the cross-reference sections were unreadable and the
// objects were found by scanning the file.
func (f *File) Repaired() bool { return f.repaired }

// Size returns the trailer's /Size: one more than the highest object number.
func (f *File) Size() int {
	n, _ := f.trailer.Int("Size")
	if n < 0 || n > maxObjects {
		return 0
	}
	return int(n)
}

// Gen returns the generation number of object num.
func (f *File) Gen(num int) int { return f.xref[num].gen }

func (f *File) readXref() error {
	i := bytes.LastIndex(f.data, []byte("startxref"))
	if i < 0 {
		return fmt.Errorf("%w: no startxref", ErrMalformed)
	}
	j := skipSpace(f.data, i+len("startxref"))
	off, err := strconv.ParseInt(string(f.data[j:tokenEnd(f.data, j)]), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad startxref", ErrMalformed)
	}
	f.startxref = off
	f.xref = map[int]entry{}
	seen := map[int64]bool{}
	queue := []int64{off}
	for len(queue) > 0 {
		off := queue[0]
		queue = queue[1:]
		if seen[off] {
			continue // a loop in /Prev: every section is read once
		}
		if len(seen) >= maxSections {
			return fmt.Errorf("%w: more than %d cross-reference sections", ErrMalformed, maxSections)
		}
		seen[off] = true
		trailer, err := f.readSection(off)
		if err != nil {
			return err
		}
		if f.trailer == nil {
			f.trailer = trailer
			f.xrefStream = trailer.Name("Type") == "XRef"
		}
		// A hybrid file's /XRefStm is older than its table's own entries but newer than /Prev.
		if v, ok := trailer.Int("XRefStm"); ok {
			queue = append(queue, v)
		}
		if v, ok := trailer.Int("Prev"); ok {
			queue = append(queue, v)
		}
	}
	if _, ok := f.trailer.Ref("Root"); !ok {
		return fmt.Errorf("%w: trailer without /Root", ErrMalformed)
	}
	return nil
}

// readSection reads one xref table or stream at off and adds the entries not yet known.
func (f *File) readSection(off int64) (*Dict, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return nil, fmt.Errorf("%w: xref offset %d out of range", ErrMalformed, off)
	}
	i := skipSpace(f.data, int(off))
	if bytes.HasPrefix(f.data[i:], []byte("xref")) {
		return f.readTable(i + 4)
	}
	return f.readXrefStream(i)
}

func (f *File) add(num int, e entry) {
	if _, ok := f.xref[num]; !ok && num >= 0 && num < maxObjects {
		f.xref[num] = e
	}
}

func (f *File) readTable(i int) (*Dict, error) {
	b := f.data
	for {
		i = skipSpace(b, i)
		if bytes.HasPrefix(b[i:], []byte("trailer")) {
			v, _, err := parse(b, i+len("trailer"), 0)
			if err != nil {
				return nil, err
			}
			d, ok := v.(*Dict)
			if !ok {
				return nil, fmt.Errorf("%w: trailer is not a dictionary", ErrMalformed)
			}
			return d, nil
		}
		e := tokenEnd(b, i)
		start, err1 := strconv.Atoi(string(b[i:e]))
		i = skipSpace(b, e)
		e = tokenEnd(b, i)
		count, err2 := strconv.Atoi(string(b[i:e]))
		// An entry takes 20 bytes; a count the file cannot hold is a lie.
		if err1 != nil || err2 != nil || start < 0 || count < 0 || count > (len(b)-e)/18+1 || start > maxObjects {
			return nil, fmt.Errorf("%w: bad xref subsection at %d", ErrMalformed, i)
		}
		i = e
		for k := 0; k < count; k++ {
			var fl [3][]byte
			for n := range fl {
				i = skipSpace(b, i)
				e := tokenEnd(b, i)
				fl[n] = b[i:e]
				i = e
			}
			o, err1 := strconv.ParseInt(string(fl[0]), 10, 64)
			g, err2 := strconv.Atoi(string(fl[1]))
			if err1 != nil || err2 != nil || len(fl[2]) != 1 || (fl[2][0] != 'n' && fl[2][0] != 'f') {
				return nil, fmt.Errorf("%w: bad xref entry for %d", ErrMalformed, start+k)
			}
			f.add(start+k, entry{offset: o, gen: g, free: fl[2][0] == 'f'})
		}
	}
}

func (f *File) readXrefStream(i int) (*Dict, error) {
	_, _, pos, err := objectHeader(f.data, i)
	if err != nil {
		return nil, err
	}
	s, err := f.streamAt(pos, -1)
	if err != nil {
		return nil, err
	}
	st, ok := s.(*Stream)
	if !ok || st.Dict.Name("Type") != "XRef" {
		return nil, fmt.Errorf("%w: xref stream expected at %d", ErrMalformed, i)
	}
	d := st.Dict
	data, err := f.Decode(st)
	if err != nil {
		return nil, err
	}
	wv, _ := d.Get("W").(Array)
	if len(wv) != 3 {
		return nil, fmt.Errorf("%w: bad /W", ErrMalformed)
	}
	var w [3]int
	for k, v := range wv {
		n, ok := v.(Integer)
		if !ok || n < 0 || n > 8 {
			return nil, fmt.Errorf("%w: bad /W", ErrMalformed)
		}
		w[k] = int(n)
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 || w[1] == 0 {
		return nil, fmt.Errorf("%w: bad /W", ErrMalformed)
	}
	size, _ := d.Int("Size")
	index := []int64{0, size}
	if iv := d.Get("Index"); iv != nil {
		els, ok := iv.(Array)
		if !ok || len(els)%2 != 0 {
			return nil, fmt.Errorf("%w: bad /Index", ErrMalformed)
		}
		index = index[:0]
		for _, v := range els {
			n, ok := v.(Integer)
			if !ok || n < 0 || n > maxObjects {
				return nil, fmt.Errorf("%w: bad /Index", ErrMalformed)
			}
			index = append(index, int64(n))
		}
	}
	pos = 0
	field := func(n int, def int64) int64 {
		if n == 0 {
			return def
		}
		var v int64
		for k := 0; k < n; k++ {
			v = v<<8 | int64(data[pos+k])
		}
		pos += n
		return v
	}
	for k := 0; k+1 < len(index); k += 2 {
		for j := int64(0); j < index[k+1]; j++ {
			if pos+rowLen > len(data) {
				return nil, fmt.Errorf("%w: xref stream too short", ErrMalformed)
			}
			typ, f2, f3 := field(w[0], 1), field(w[1], 0), field(w[2], 0)
			num := int(index[k] + j)
			switch typ {
			case 0:
				f.add(num, entry{free: true})
			case 1:
				f.add(num, entry{offset: f2, gen: int(f3 & 0xFFFF)})
			case 2:
				if f2 < 0 || f2 > maxObjects || f3 < 0 || f3 > maxObjects {
					return nil, fmt.Errorf("%w: bad xref stream entry for %d", ErrMalformed, num)
				}
				f.add(num, entry{offset: f2, index: int(f3), inStm: true})
			}
		}
	}
	return d, nil
}

// objectHeader reads "num gen obj" at i and returns the offset after it.
func objectHeader(b []byte, i int) (num, gen, pos int, err error) {
	i = skipSpace(b, i)
	e := tokenEnd(b, i)
	n, err1 := strconv.Atoi(string(b[i:e]))
	i = skipSpace(b, e)
	e = tokenEnd(b, i)
	g, err2 := strconv.Atoi(string(b[i:e]))
	i = skipSpace(b, e)
	if err1 != nil || err2 != nil || n < 0 || !bytes.HasPrefix(b[i:], []byte("obj")) {
		return 0, 0, i, errAt(i, "object header expected")
	}
	return n, g, i + 3, nil
}
