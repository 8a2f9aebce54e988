package pdfmerge

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/ozgcloud/desktop/pdf"
)

// Writer collects pages of several documents into one. The zero value is not
// usable; call New.
type Writer struct {
	objs    [][]byte // serialized object bodies; object n is objs[n-1]
	pages   []int
	leaves  map[[32]byte]int // objects without references, by content: fonts and images of every letter are written once
	lastBox pdf.Object
}

// Object numbers the writer reserves.
const (
	pagesNum   = 1
	catalogNum = 2
)

// maxVisit bounds how deep a page's objects may nest through references.
const maxVisit = 256

// a4 is the media box of a blank page when no page came before it.
var a4 = pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Real(595.28), pdf.Real(841.89)}

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
var dropped = []string{"Parent", "Annots", "StructParents", "Thumb", "B", "Tabs", "PieceInfo"}

// Add appends every page of d.
func (w *Writer) Add(d *Doc) error {
	pageDicts := make([]*pdf.Dict, len(d.pages))
	pageNums := map[int]bool{}
	for i, p := range d.pages {
		nd := p.Dict.Clone()
		for _, k := range dropped {
			nd.Delete(k)
		}
		for _, k := range p.Inherited.Keys() {
			if nd.Get(k) == nil {
				nd.Set(k, p.Inherited.Get(k))
			}
		}
		if nd.Get("Resources") == nil {
			nd.Set("Resources", &pdf.Dict{})
		}
		pageDicts[i] = nd
		pageNums[p.Ref.Num] = true
	}
	// Everything the pages reach, with references to other pages or the catalog cut.
	reach := map[int]pdf.Object{}
	var visit func(o pdf.Object, depth int) error
	visit = func(o pdf.Object, depth int) error {
		if depth > maxVisit {
			return fmt.Errorf("%w: objects nested too deeply", ErrPDF)
		}
		switch x := o.(type) {
		case pdf.Ref:
			if _, ok := reach[x.Num]; ok || pageNums[x.Num] {
				return nil
			}
			v, err := d.f.Object(x.Num)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrPDF, err)
			}
			if structural(v) {
				reach[x.Num] = nil
				return nil
			}
			reach[x.Num] = v
			return visit(v, depth+1)
		case *pdf.Dict:
			for _, k := range x.Keys() {
				if err := visit(x.Get(k), depth+1); err != nil {
					return err
				}
			}
		case pdf.Array:
			for _, v := range x {
				if err := visit(v, depth+1); err != nil {
					return err
				}
			}
		case *pdf.Stream:
			return visit(x.Dict, depth+1)
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
	mapRef := func(r pdf.Ref) pdf.Object {
		if n, ok := newNum[r.Num]; ok {
			return pdf.Ref{Num: n}
		}
		return nil
	}
	// Leaves first, so identical ones from earlier documents are found by content.
	var inner []int
	for _, n := range nums {
		if hasRef(reach[n]) {
			inner = append(inner, n)
			continue
		}
		b := pdf.AppendObject(nil, reach[n])
		sum := sha256.Sum256(b)
		if m, ok := w.leaves[sum]; ok {
			newNum[n] = m
			continue
		}
		m := w.alloc()
		w.objs[m-1] = b
		w.leaves[sum] = m
		newNum[n] = m
	}
	for _, n := range inner {
		newNum[n] = w.alloc()
	}
	for _, n := range inner {
		w.objs[newNum[n]-1] = pdf.AppendObject(nil, remap(reach[n], mapRef))
	}
	for _, pd := range pageDicts {
		pd = remap(pd, mapRef).(*pdf.Dict)
		pd.Set("Parent", pdf.Ref{Num: pagesNum})
		m := w.alloc()
		w.objs[m-1] = pdf.AppendObject(nil, pd)
		w.pages = append(w.pages, m)
	}
	if box, err := d.f.Resolve(pageDicts[len(pageDicts)-1].Get("MediaBox")); err == nil && box != nil {
		w.lastBox = remap(box, func(pdf.Ref) pdf.Object { return nil })
	}
	return nil
}

// structural reports a page, page tree or catalog reached from a page's content
// (through a link destination, say); copying it would copy the whole document.
func structural(o pdf.Object) bool {
	d, ok := o.(*pdf.Dict)
	if !ok {
		return false
	}
	t := d.Name("Type")
	return t == "Page" || t == "Pages" || t == "Catalog"
}

// AddBlank appends an empty page of the size of the last page added.
func (w *Writer) AddBlank() {
	box := w.lastBox
	if box == nil {
		box = a4
	}
	m := w.alloc()
	w.objs[m-1] = pdf.AppendObject(nil, pdf.NewDict("Type", pdf.Name("Page"), "Parent", pdf.Ref{Num: pagesNum},
		"MediaBox", box, "Resources", &pdf.Dict{}))
	w.pages = append(w.pages, m)
}

// Bytes returns the merged document.
func (w *Writer) Bytes() ([]byte, error) {
	if len(w.pages) == 0 {
		return nil, fmt.Errorf("pdfmerge: no pages")
	}
	kids := make(pdf.Array, len(w.pages))
	for i, p := range w.pages {
		kids[i] = pdf.Ref{Num: p}
	}
	w.objs[pagesNum-1] = pdf.AppendObject(nil, pdf.NewDict("Type", pdf.Name("Pages"), "Kids", kids, "Count", pdf.Integer(len(w.pages))))
	w.objs[catalogNum-1] = pdf.AppendObject(nil, pdf.NewDict("Type", pdf.Name("Catalog"), "Pages", pdf.Ref{Num: pagesNum}))

	out := pdf.NewWriter("1.7")
	h := sha256.New()
	for _, body := range w.objs {
		out.Add(pdf.Raw(body))
		h.Write(body)
	}
	id := pdf.HexString(h.Sum(nil)[:16])
	return out.Finish(pdf.NewDict("Root", pdf.Ref{Num: catalogNum}, "ID", pdf.Array{id, id}))
}

func hasRef(o pdf.Object) bool {
	switch x := o.(type) {
	case pdf.Ref:
		return true
	case *pdf.Dict:
		for _, k := range x.Keys() {
			if hasRef(x.Get(k)) {
				return true
			}
		}
	case pdf.Array:
		for _, v := range x {
			if hasRef(v) {
				return true
			}
		}
	case *pdf.Stream:
		return hasRef(x.Dict)
	}
	return false
}

// remap returns a copy of o with every reference replaced by what mapRef gives.
func remap(o pdf.Object, mapRef func(pdf.Ref) pdf.Object) pdf.Object {
	switch x := o.(type) {
	case pdf.Ref:
		return mapRef(x)
	case *pdf.Dict:
		c := &pdf.Dict{}
		for _, k := range x.Keys() {
			c.Set(k, remap(x.Get(k), mapRef))
		}
		return c
	case pdf.Array:
		c := make(pdf.Array, len(x))
		for i, v := range x {
			c[i] = remap(v, mapRef)
		}
		return c
	case *pdf.Stream:
		return &pdf.Stream{Dict: remap(x.Dict, mapRef).(*pdf.Dict), Data: x.Data}
	}
	return o
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
