package pdfmerge

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
)

// Writer collects pages of several documents into one. The zero value is not
// usable; call New.
type Writer struct {
	objs    [][]byte // serialized object bodies; object n is objs[n-1]
	pages   []int
	leaves  map[[32]byte]int // objects without references, by content: fonts and images of every letter are written once
	lastBox []byte
}

// Object numbers the writer reserves.
const (
	pagesNum   = 1
	catalogNum = 2
)

// parentRef stands for the new page tree in a copied page until it is written.
var parentRef = ref{-1, 0}

// a4 is the media box of a blank page when no page came before it.
var a4 = []byte("[0 0 595.28 841.89]")

// New returns an empty Writer.
func New() *Writer {
	return &Writer{objs: make([][]byte, 2), leaves: map[[32]byte]int{}}
}

// Pages returns the number of pages added so far.
func (w *Writer) Pages() int { return len(w.pages) }

func (w *Writer) alloc() int {
	w.objs = append(w.objs, nil)
	return len(w.objs)
}

// dropped are page keys that refer to what a printout has no use for: the parent
// (replaced), annotations (form fields, the signature widget, links), structure,
// thumbnails, articles.
var dropped = map[string]bool{"Parent": true, "Annots": true, "StructParents": true, "Thumb": true, "B": true, "Tabs": true, "PieceInfo": true}

// Add appends every page of d.
func (w *Writer) Add(d *Doc) error {
	pageDicts := make([]*dict, len(d.pages))
	var box object
	for i, p := range d.pages {
		pd, err := d.dictOf(ref{p.num, 0})
		if err != nil || pd == nil {
			return fmt.Errorf("%w: page %d: %v", ErrPDF, i+1, err)
		}
		nd := pd.clone()
		for k := range dropped {
			nd.del(k)
		}
		for _, k := range inheritable {
			if nd.get(k) == nil && p.inherited[k] != nil {
				nd.set(k, p.inherited[k])
			}
		}
		if nd.get("Resources") == nil {
			nd.set("Resources", newDict())
		}
		pageDicts[i] = nd
		box = nd.get("MediaBox")
	}
	// Everything the pages reach, with references to other pages or the catalog cut.
	pageNums := map[int]bool{}
	for _, p := range d.pages {
		pageNums[p.num] = true
	}
	reach := map[int]object{}
	var visit func(o object, depth int) error
	visit = func(o object, depth int) error {
		if depth > maxDepth*4 {
			return fmt.Errorf("%w: objects nested too deeply", ErrPDF)
		}
		switch x := o.(type) {
		case ref:
			if _, ok := reach[x.num]; ok || pageNums[x.num] {
				return nil
			}
			v, err := d.resolve(x)
			if err != nil {
				return err
			}
			if structural(v) {
				reach[x.num] = keyword("null")
				return nil
			}
			reach[x.num] = v
			return visit(v, depth+1)
		case *dict:
			for _, k := range x.keys {
				if err := visit(x.vals[k], depth+1); err != nil {
					return err
				}
			}
		case array:
			for _, v := range x {
				if err := visit(v, depth+1); err != nil {
					return err
				}
			}
		case *stream:
			return visit(x.dict, depth+1)
		}
		return nil
	}
	for _, pd := range pageDicts {
		if err := visit(pd, 0); err != nil {
			return err
		}
	}
	nums := make([]int, 0, len(reach))
	for n := range reach {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	newNum := map[int]int{}
	mapRef := func(r ref) (int, bool) {
		n, ok := newNum[r.num]
		return n, ok
	}
	// Leaves first, so identical ones from earlier documents are found by content.
	var inner []int
	for _, n := range nums {
		if hasRef(reach[n]) {
			inner = append(inner, n)
			continue
		}
		var b bytes.Buffer
		write(&b, reach[n], mapRef)
		sum := sha256.Sum256(b.Bytes())
		if m, ok := w.leaves[sum]; ok {
			newNum[n] = m
			continue
		}
		m := w.alloc()
		w.objs[m-1] = b.Bytes()
		w.leaves[sum] = m
		newNum[n] = m
	}
	for _, n := range inner {
		newNum[n] = w.alloc()
	}
	for _, n := range inner {
		var b bytes.Buffer
		write(&b, reach[n], mapRef)
		w.objs[newNum[n]-1] = b.Bytes()
	}
	for _, pd := range pageDicts {
		pd.set("Parent", parentRef)
		var b bytes.Buffer
		write(&b, pd, func(r ref) (int, bool) {
			if r == parentRef {
				return pagesNum, true
			}
			return mapRef(r)
		})
		m := w.alloc()
		w.objs[m-1] = b.Bytes()
		w.pages = append(w.pages, m)
	}
	if box != nil {
		if v, err := d.resolve(box); err == nil {
			var b bytes.Buffer
			write(&b, v, func(ref) (int, bool) { return 0, false })
			w.lastBox = b.Bytes()
		}
	}
	return nil
}

// structural reports a page, page tree or catalog reached from a page's content
// (through a link destination, say); copying it would copy the whole document.
func structural(o object) bool {
	d, ok := o.(*dict)
	if !ok {
		return false
	}
	t, _ := d.get("Type").(name)
	return t == "Page" || t == "Pages" || t == "Catalog"
}

// AddBlank appends an empty page of the size of the last page added.
func (w *Writer) AddBlank() {
	box := w.lastBox
	if box == nil {
		box = a4
	}
	m := w.alloc()
	w.objs[m-1] = []byte(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << >> >>", pagesNum, box))
	w.pages = append(w.pages, m)
}

// Bytes returns the merged document.
func (w *Writer) Bytes() ([]byte, error) {
	if len(w.pages) == 0 {
		return nil, fmt.Errorf("pdfmerge: no pages")
	}
	var kids bytes.Buffer
	for i, p := range w.pages {
		if i > 0 {
			kids.WriteByte(' ')
		}
		fmt.Fprintf(&kids, "%d 0 R", p)
	}
	w.objs[pagesNum-1] = []byte(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.Bytes(), len(w.pages)))
	w.objs[catalogNum-1] = []byte(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesNum))

	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(w.objs))
	h := sha256.New()
	for i, body := range w.objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n", i+1)
		out.Write(body)
		out.WriteString("\nendobj\n")
		h.Write(body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	id := fmt.Sprintf("%X", h.Sum(nil)[:16])
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(w.objs)+1, catalogNum, id, id, xref)
	return out.Bytes(), nil
}

func hasRef(o object) bool {
	switch x := o.(type) {
	case ref:
		return true
	case *dict:
		for _, v := range x.vals {
			if hasRef(v) {
				return true
			}
		}
	case array:
		for _, v := range x {
			if hasRef(v) {
				return true
			}
		}
	case *stream:
		return hasRef(x.dict)
	}
	return false
}

// write serializes o; mapRef gives a reference's new object number, and a reference
// it does not know becomes null.
func write(b *bytes.Buffer, o object, mapRef func(ref) (int, bool)) {
	switch x := o.(type) {
	case nil:
		b.WriteString("null")
	case name:
		b.WriteByte('/')
		b.WriteString(string(x))
	case number:
		b.WriteString(string(x))
	case keyword:
		b.WriteString(string(x))
	case raw:
		b.Write(x)
	case ref:
		if n, ok := mapRef(x); ok {
			fmt.Fprintf(b, "%d 0 R", n)
		} else {
			b.WriteString("null")
		}
	case array:
		b.WriteByte('[')
		for i, v := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			write(b, v, mapRef)
		}
		b.WriteByte(']')
	case *dict:
		b.WriteString("<<")
		for _, k := range x.keys {
			b.WriteString(" /")
			b.WriteString(k)
			b.WriteByte(' ')
			write(b, x.vals[k], mapRef)
		}
		b.WriteString(" >>")
	case *stream:
		d := x.dict.clone()
		d.set("Length", number(strconv.Itoa(len(x.data))))
		write(b, d, mapRef)
		b.WriteString("\nstream\n")
		b.Write(x.data)
		b.WriteString("\nendstream")
	}
}

// Duplex merges the documents so that each starts on an odd page: after a document
// with an odd number of pages a blank page follows (not after the last). It returns
// the merged file and the number of blank pages put in.
func Duplex(docs [][]byte) ([]byte, int, error) {
	w := New()
	blanks := 0
	for i, b := range docs {
		d, err := Parse(b)
		if err != nil {
			return nil, 0, fmt.Errorf("pdfmerge: document %d: %w", i+1, err)
		}
		if err := w.Add(d); err != nil {
			return nil, 0, fmt.Errorf("pdfmerge: document %d: %w", i+1, err)
		}
		if w.Pages()%2 == 1 && i < len(docs)-1 {
			w.AddBlank()
			blanks++
		}
	}
	out, err := w.Bytes()
	if err != nil {
		return nil, 0, err
	}
	return out, blanks, nil
}
