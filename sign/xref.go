package sign

import (
	"bytes"
	"fmt"
	"strconv"
)

type xrefEntry struct {
	offset int64 // byte offset, or the object stream's number when inStream
	index  int   // position in the object stream
	gen    int
	inStm  bool
	free   bool
}

// document is a parsed PDF: its bytes, the newest trailer and the merged
// cross-reference table of all revisions.
type document struct {
	data      []byte
	trailer   *dict
	startxref int64
	xref      map[int]xrefEntry
	objstm    map[int][]byte
	// xrefStream says the newest section is an xref stream, so an update writes one too.
	xrefStream bool
}

const maxSections = 1024

// parseTrailer reads the cross-reference chain that ends at the last startxref.
func parseTrailer(data []byte) (*document, error) {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no startxref", ErrPDF)
	}
	j := skipSpace(data, i+len("startxref"))
	off, ok := integer(data[j:tokenEnd(data, j)])
	if !ok {
		return nil, fmt.Errorf("%w: bad startxref", ErrPDF)
	}
	doc := &document{data: data, startxref: off, xref: map[int]xrefEntry{}, objstm: map[int][]byte{}}
	seen := map[int64]bool{}
	queue := []int64{off}
	for len(queue) > 0 {
		off := queue[0]
		queue = queue[1:]
		if seen[off] || len(seen) > maxSections {
			continue
		}
		seen[off] = true
		trailer, err := doc.readSection(off)
		if err != nil {
			return nil, err
		}
		if doc.trailer == nil {
			doc.trailer = trailer
			doc.xrefStream = name(trailer.get("Type")) == "XRef"
		}
		// A hybrid file's /XRefStm is older than its table's own entries but newer than /Prev.
		if v, ok := integer(trailer.get("XRefStm")); ok {
			queue = append(queue, v)
		}
		if v, ok := integer(trailer.get("Prev")); ok {
			queue = append(queue, v)
		}
	}
	if _, ok := ref(doc.trailer.get("Root")); !ok {
		return nil, fmt.Errorf("%w: trailer without /Root", ErrPDF)
	}
	return doc, nil
}

// readSection reads one xref table or stream at off and adds the entries not yet known.
func (doc *document) readSection(off int64) (*dict, error) {
	b := doc.data
	if off < 0 || off >= int64(len(b)) {
		return nil, fmt.Errorf("%w: xref offset %d out of range", ErrPDF, off)
	}
	i := skipSpace(b, int(off))
	if bytes.HasPrefix(b[i:], []byte("xref")) {
		return doc.readTable(i + 4)
	}
	return doc.readXrefStream(i)
}

func (doc *document) add(num int, e xrefEntry) {
	if _, ok := doc.xref[num]; !ok {
		doc.xref[num] = e
	}
}

func (doc *document) readTable(i int) (*dict, error) {
	b := doc.data
	for {
		i = skipSpace(b, i)
		if bytes.HasPrefix(b[i:], []byte("trailer")) {
			d, _, err := parseDict(b, i+len("trailer"))
			return d, err
		}
		e := tokenEnd(b, i)
		start, err1 := strconv.Atoi(string(b[i:e]))
		i = skipSpace(b, e)
		e = tokenEnd(b, i)
		count, err2 := strconv.Atoi(string(b[i:e]))
		if err1 != nil || err2 != nil || start < 0 || count < 0 || count > len(b)/18 {
			return nil, fmt.Errorf("%w: bad xref subsection", ErrPDF)
		}
		i = e
		for k := 0; k < count; k++ {
			var f [3][]byte
			for n := range f {
				i = skipSpace(b, i)
				e := tokenEnd(b, i)
				f[n] = b[i:e]
				i = e
			}
			o, ok := integer(f[0])
			g, ok2 := integer(f[1])
			if !ok || !ok2 || len(f[2]) != 1 {
				return nil, fmt.Errorf("%w: bad xref entry", ErrPDF)
			}
			doc.add(start+k, xrefEntry{offset: o, gen: int(g), free: f[2][0] == 'f'})
		}
	}
}

// objectHeader skips "n g obj" at i and returns the position after it.
func objectHeader(b []byte, i int) (num, pos int, err error) {
	i = skipSpace(b, i)
	e := tokenEnd(b, i)
	n, err1 := strconv.Atoi(string(b[i:e]))
	i = skipSpace(b, e)
	e = tokenEnd(b, i)
	_, err2 := strconv.Atoi(string(b[i:e]))
	i = skipSpace(b, e)
	if err1 != nil || err2 != nil || !bytes.HasPrefix(b[i:], []byte("obj")) {
		return 0, i, fmt.Errorf("%w: object header expected at %d", ErrPDF, i)
	}
	return n, i + 3, nil
}

func (doc *document) readXrefStream(i int) (*dict, error) {
	b := doc.data
	_, i, err := objectHeader(b, i)
	if err != nil {
		return nil, err
	}
	d, i, err := parseDict(b, i)
	if err != nil {
		return nil, err
	}
	if name(d.get("Type")) != "XRef" {
		return nil, fmt.Errorf("%w: xref stream expected", ErrPDF)
	}
	data, err := readStream(b, d, i, nil)
	if err != nil {
		return nil, err
	}
	wv, err := array(d.get("W"))
	if err != nil || len(wv) != 3 {
		return nil, fmt.Errorf("%w: bad /W", ErrPDF)
	}
	var w [3]int
	for k, v := range wv {
		n, ok := integer(v)
		if !ok || n < 0 || n > 8 {
			return nil, fmt.Errorf("%w: bad /W", ErrPDF)
		}
		w[k] = int(n)
	}
	size, _ := integer(d.get("Size"))
	index := []int64{0, size}
	if iv := d.get("Index"); iv != nil {
		els, err := array(iv)
		if err != nil || len(els)%2 != 0 {
			return nil, fmt.Errorf("%w: bad /Index", ErrPDF)
		}
		index = index[:0]
		for _, v := range els {
			n, ok := integer(v)
			if !ok || n < 0 {
				return nil, fmt.Errorf("%w: bad /Index", ErrPDF)
			}
			index = append(index, n)
		}
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return nil, fmt.Errorf("%w: bad /W", ErrPDF)
	}
	pos := 0
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
				return nil, fmt.Errorf("%w: xref stream too short", ErrPDF)
			}
			typ := field(w[0], 1)
			f2 := field(w[1], 0)
			f3 := field(w[2], 0)
			num := int(index[k] + j)
			switch typ {
			case 0:
				doc.add(num, xrefEntry{free: true})
			case 1:
				doc.add(num, xrefEntry{offset: f2})
			case 2:
				doc.add(num, xrefEntry{offset: f2, index: int(f3), inStm: true})
			}
		}
	}
	return d, nil
}

// object returns the raw value of object num (for a stream, its dictionary)
// and the position after the value in doc.data; pos is -1 for objects in object streams.
func (doc *document) objectAt(num int) (v []byte, pos int, err error) {
	e, ok := doc.xref[num]
	if !ok || e.free {
		return nil, 0, fmt.Errorf("%w: object %d missing", ErrPDF, num)
	}
	if e.inStm {
		v, err := doc.fromObjStm(int(e.offset), e.index, num)
		return v, -1, err
	}
	if e.offset < 0 || e.offset >= int64(len(doc.data)) {
		return nil, 0, fmt.Errorf("%w: object %d offset out of range", ErrPDF, num)
	}
	n, i, err := objectHeader(doc.data, int(e.offset))
	if err != nil {
		return nil, 0, err
	}
	if n != num {
		return nil, 0, fmt.Errorf("%w: object %d: found %d at its offset", ErrPDF, num, n)
	}
	s, end, err := value(doc.data, i)
	if err != nil {
		return nil, 0, err
	}
	return doc.data[s:end], end, nil
}

func (doc *document) object(num int) ([]byte, error) {
	v, _, err := doc.objectAt(num)
	return v, err
}

func (doc *document) fromObjStm(stm, index, num int) ([]byte, error) {
	data, ok := doc.objstm[stm]
	if !ok {
		if e := doc.xref[stm]; e.inStm {
			return nil, fmt.Errorf("%w: nested object stream", ErrPDF)
		}
		v, pos, err := doc.objectAt(stm)
		if err != nil {
			return nil, err
		}
		d, _, err := parseDict(v, 0)
		if err != nil {
			return nil, err
		}
		data, err = readStream(doc.data, d, pos, doc)
		if err != nil {
			return nil, err
		}
		doc.objstm[stm] = data
	}
	// The header is pairs "num offset", offsets relative to /First.
	v, _, _ := doc.objectAt(stm)
	d, _, err := parseDict(v, 0)
	if err != nil {
		return nil, err
	}
	first, _ := integer(d.get("First"))
	count, _ := integer(d.get("N"))
	if first <= 0 || first > int64(len(data)) || index < 0 || int64(index) >= count {
		return nil, fmt.Errorf("%w: bad object stream %d", ErrPDF, stm)
	}
	i := 0
	for k := 0; k <= index; k++ {
		var f [2]int64
		for n := range f {
			i = skipSpace(data, i)
			e := tokenEnd(data, i)
			x, ok := integer(data[i:e])
			if !ok {
				return nil, fmt.Errorf("%w: bad object stream header", ErrPDF)
			}
			f[n] = x
			i = e
		}
		if k == index {
			if int(f[0]) != num || f[1] < 0 || first+f[1] >= int64(len(data)) {
				return nil, fmt.Errorf("%w: object %d not in stream %d", ErrPDF, num, stm)
			}
			s, e, err := value(data, int(first+f[1]))
			if err != nil {
				return nil, err
			}
			return data[s:e], nil
		}
	}
	return nil, fmt.Errorf("%w: object %d not in stream %d", ErrPDF, num, stm)
}

// resolve follows an indirect reference; direct values come back unchanged.
func (doc *document) resolve(v []byte) ([]byte, error) {
	for k := 0; k < 8; k++ {
		n, ok := ref(v)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = doc.object(n); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain too long", ErrPDF)
}

func (doc *document) dict(v []byte) (*dict, error) {
	v, err := doc.resolve(v)
	if err != nil {
		return nil, err
	}
	d, _, err := parseDict(v, 0)
	return d, err
}
