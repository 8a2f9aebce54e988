package pdf

import (
	"fmt"
	"slices"
	"strconv"
)

// Writer writes a new PDF document: objects are given numbers with Alloc and
// written in any order, then Finish adds the cross-reference table and trailer.
// A Writer can be Reset and used again, which keeps its buffers.
type Writer struct {
	buf     []byte
	offsets []int // offsets[n-1] is where object n starts; -1 while unwritten
}

// NewWriter returns a Writer that has written the header of a PDF of the given
// version ("1.4"), with the binary comment that marks the file as binary.
func NewWriter(version string) *Writer {
	w := &Writer{}
	w.Reset(version)
	return w
}

// Reset starts a new document, keeping the buffers.
func (w *Writer) Reset(version string) {
	w.buf = append(w.buf[:0], "%PDF-"...)
	w.buf = append(w.buf, version...)
	w.buf = append(w.buf, "\n%\xE2\xE3\xCF\xD3\n"...)
	w.offsets = w.offsets[:0]
}

// Grow makes room for n more bytes, so that a caller who knows the size of what
// it writes (embedded fonts, say) saves the copies of a growing buffer.
func (w *Writer) Grow(n int) { w.buf = slices.Grow(w.buf, n) }

// Alloc returns the reference of a new object, to be written later.
func (w *Writer) Alloc() Ref {
	w.offsets = append(w.offsets, -1)
	return Ref{len(w.offsets), 0}
}

// Add writes o as a new object and returns its reference.
func (w *Writer) Add(o Object) Ref {
	r := w.Alloc()
	w.Write(r, o)
	return r
}

// Write writes o as object r, which Alloc returned. Writing an object that was not
// allocated, or twice, is a bug in the caller and panics.
func (w *Writer) Write(r Ref, o Object) {
	w.begin(r)
	w.buf = AppendObject(w.buf, o)
	w.buf = append(w.buf, "\nendobj\n"...)
}

// WriteStream writes the stream object r with dictionary d (nil for an empty one)
// and data, setting /Length; d is not changed.
func (w *Writer) WriteStream(r Ref, d *Dict, data []byte) {
	w.begin(r)
	w.buf = append(w.buf, "<</Length "...)
	w.buf = strconv.AppendInt(w.buf, int64(len(data)), 10)
	for _, k := range d.Keys() {
		if k == "Length" {
			continue
		}
		w.buf = append(w.buf, ' ')
		w.buf = appendName(w.buf, k)
		w.buf = append(w.buf, ' ')
		w.buf = AppendObject(w.buf, d.vals[k])
	}
	w.buf = append(w.buf, ">>\nstream\n"...)
	w.buf = append(w.buf, data...)
	w.buf = append(w.buf, "\nendstream\nendobj\n"...)
}

func (w *Writer) begin(r Ref) {
	if r.Num < 1 || r.Num > len(w.offsets) || w.offsets[r.Num-1] >= 0 {
		panic(fmt.Sprintf("pdf: Writer: object %d not allocated or written twice", r.Num))
	}
	w.offsets[r.Num-1] = len(w.buf)
	w.buf = strconv.AppendInt(w.buf, int64(r.Num), 10)
	w.buf = append(w.buf, " 0 obj\n"...)
}

// Finish writes the cross-reference table and the trailer, which gets /Size; the
// trailer must name /Root. It returns the document, which stays valid until the
// next Reset, or an error when an allocated object was never written.
func (w *Writer) Finish(trailer *Dict) ([]byte, error) {
	for i, o := range w.offsets {
		if o < 0 {
			return nil, fmt.Errorf("pdf: Writer: object %d allocated but not written", i+1)
		}
	}
	xref := len(w.buf)
	w.buf = append(w.buf, "xref\n0 "...)
	w.buf = strconv.AppendInt(w.buf, int64(len(w.offsets)+1), 10)
	w.buf = append(w.buf, "\n0000000000 65535 f \n"...)
	for _, o := range w.offsets {
		w.buf = appendOffset(w.buf, o)
		w.buf = append(w.buf, " 00000 n \n"...)
	}
	t := trailer.Clone()
	t.Set("Size", Integer(len(w.offsets)+1))
	w.buf = append(w.buf, "trailer\n"...)
	w.buf = AppendObject(w.buf, t)
	w.buf = append(w.buf, "\nstartxref\n"...)
	w.buf = strconv.AppendInt(w.buf, int64(xref), 10)
	w.buf = append(w.buf, "\n%%EOF\n"...)
	return w.buf, nil
}

// appendOffset writes a 10-digit, zero-padded offset.
func appendOffset(b []byte, o int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(o), 10)
	for range 10 - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}
