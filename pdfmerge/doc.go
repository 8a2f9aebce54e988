// Package pdfmerge joins PDF documents into one file for printing: every page is
// copied with what it draws (contents, fonts, images), and a blank page can follow a
// document so that the next one starts on a front side of a duplex printout.
//
// It reads classic cross-reference tables, incremental updates included, which is
// what the decision letters and their signatures are written with; annotations,
// forms and signatures are not copied, since paper cannot carry them.
package pdfmerge

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Sentinel errors.
var (
	// ErrPDF reports a document that cannot be read.
	ErrPDF = errors.New("pdfmerge: unreadable PDF")
)

// Doc is a parsed PDF document.
type Doc struct {
	data    []byte
	offsets map[int]int64 // object number -> offset of "num gen obj"
	trailer *dict
	cache   map[int]object
	pages   []page
}

// page is a leaf of the page tree with the attributes it inherits.
type page struct {
	num       int
	inherited map[string]object // Resources, MediaBox, CropBox, Rotate from ancestors
}

const maxSections = 256

// Parse reads a PDF document. It returns an error wrapping ErrPDF when the file
// has no readable cross-reference table, catalog or page tree.
func Parse(b []byte) (*Doc, error) {
	d := &Doc{data: b, offsets: map[int]int64{}, cache: map[int]object{}}
	if err := d.readXref(); err != nil {
		// A damaged table: find the objects by their headers, as viewers do.
		if err := d.scan(); err != nil {
			return nil, err
		}
	}
	if err := d.readPages(); err != nil {
		return nil, err
	}
	return d, nil
}

// Pages returns the number of pages.
func (d *Doc) Pages() int { return len(d.pages) }

var startxref = regexp.MustCompile(`startxref\s+(\d+)`)

func (d *Doc) readXref() error {
	all := startxref.FindAllSubmatch(d.data, -1)
	if len(all) == 0 {
		return fmt.Errorf("%w: no startxref", ErrPDF)
	}
	off, _ := strconv.ParseInt(string(all[len(all)-1][1]), 10, 64)
	seen := map[int64]bool{}
	free := map[int]bool{}
	for n := 0; ; n++ {
		if seen[off] || n > maxSections {
			return fmt.Errorf("%w: cross-reference sections loop", ErrPDF)
		}
		seen[off] = true
		trailer, err := d.readSection(off, free)
		if err != nil {
			return err
		}
		if d.trailer == nil {
			d.trailer = trailer
		}
		prev, ok := trailer.get("Prev").(number)
		if !ok {
			break
		}
		if off, err = strconv.ParseInt(string(prev), 10, 64); err != nil {
			return fmt.Errorf("%w: bad /Prev", ErrPDF)
		}
	}
	if _, ok := d.trailer.get("Root").(ref); !ok {
		return fmt.Errorf("%w: trailer without /Root", ErrPDF)
	}
	return nil
}

// readSection reads the xref table at off; entries of newer sections (read first)
// win, including the free ones.
func (d *Doc) readSection(off int64, free map[int]bool) (*dict, error) {
	b := d.data
	if off < 0 || off >= int64(len(b)) {
		return nil, fmt.Errorf("%w: xref offset %d out of range", ErrPDF, off)
	}
	i := skip(b, int(off))
	if !bytes.HasPrefix(b[i:], []byte("xref")) {
		return nil, fmt.Errorf("%w: no xref table at %d (cross-reference streams are not supported)", ErrPDF, off)
	}
	i += len("xref")
	for {
		i = skip(b, i)
		if bytes.HasPrefix(b[i:], []byte("trailer")) {
			v, _, err := parse(b, i+len("trailer"), 0)
			if err != nil {
				return nil, err
			}
			t, ok := v.(*dict)
			if !ok {
				return nil, fmt.Errorf("%w: trailer is not a dictionary", ErrPDF)
			}
			return t, nil
		}
		j := tokenEnd(b, i)
		start, err1 := strconv.Atoi(string(b[i:j]))
		k := skip(b, j)
		l := tokenEnd(b, k)
		count, err2 := strconv.Atoi(string(b[k:l]))
		if err1 != nil || err2 != nil || start < 0 || count < 0 || count > len(b)/18 {
			return nil, fmt.Errorf("%w: bad xref subsection at %d", ErrPDF, i)
		}
		i = l
		for n := 0; n < count; n++ {
			var f [3]string
			for x := range f {
				i = skip(b, i)
				e := tokenEnd(b, i)
				f[x] = string(b[i:e])
				i = e
			}
			num := start + n
			if _, known := d.offsets[num]; known || free[num] {
				continue
			}
			switch f[2] {
			case "n":
				o, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("%w: bad xref entry for %d", ErrPDF, num)
				}
				d.offsets[num] = o
			case "f":
				free[num] = true
			default:
				return nil, fmt.Errorf("%w: bad xref entry for %d", ErrPDF, num)
			}
		}
	}
}

var anyHeader = regexp.MustCompile(`(?m)(?:^|[\r\n ])(\d+)\s+(\d+)\s+obj\b`)

// scan finds every "num gen obj" in the file; a later definition wins, as in an
// incremental update. The trailer is the last one written.
func (d *Doc) scan() error {
	d.offsets = map[int]int64{}
	for _, m := range anyHeader.FindAllSubmatchIndex(d.data, -1) {
		num, err := strconv.Atoi(string(d.data[m[2]:m[3]]))
		if err != nil {
			continue
		}
		d.offsets[num] = int64(m[2])
	}
	d.trailer = nil
	i := bytes.LastIndex(d.data, []byte("trailer"))
	if i < 0 {
		return fmt.Errorf("%w: no trailer", ErrPDF)
	}
	v, _, err := parse(d.data, i+len("trailer"), 0)
	t, ok := v.(*dict)
	if err != nil || !ok {
		return fmt.Errorf("%w: no trailer", ErrPDF)
	}
	if _, ok := t.get("Root").(ref); !ok {
		return fmt.Errorf("%w: trailer without /Root", ErrPDF)
	}
	d.trailer = t
	return nil
}

// resolve follows a reference; other objects come back as they are. A missing
// object is null, as the PDF specification says.
func (d *Doc) resolve(o object) (object, error) {
	r, ok := o.(ref)
	if !ok {
		return o, nil
	}
	if v, ok := d.cache[r.num]; ok {
		return v, nil
	}
	off, ok := d.offsets[r.num]
	if !ok {
		return keyword("null"), nil
	}
	d.cache[r.num] = keyword("null") // a stream whose /Length points to itself ends here
	v, err := readObject(d.data, off, r.num, d.length)
	if err != nil {
		delete(d.cache, r.num)
		return nil, err
	}
	d.cache[r.num] = v
	return v, nil
}

func (d *Doc) length(o object) (int, bool) {
	v, err := d.resolve(o)
	if err != nil {
		return 0, false
	}
	n, ok := v.(number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(string(n))
	return i, err == nil
}

func (d *Doc) dictOf(o object) (*dict, error) {
	v, err := d.resolve(o)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case *dict:
		return x, nil
	case *stream:
		return x.dict, nil
	}
	return nil, nil
}

var inheritable = []string{"Resources", "MediaBox", "CropBox", "Rotate"}

const maxPages = 100000

func (d *Doc) readPages() error {
	root, err := d.dictOf(d.trailer.get("Root"))
	if err != nil || root == nil {
		return fmt.Errorf("%w: no catalog", ErrPDF)
	}
	seen := map[int]bool{}
	var walk func(o object, inh map[string]object, depth int) error
	walk = func(o object, inh map[string]object, depth int) error {
		r, ok := o.(ref)
		if !ok || seen[r.num] || depth > maxDepth || len(d.pages) > maxPages {
			return fmt.Errorf("%w: broken page tree", ErrPDF)
		}
		seen[r.num] = true
		node, err := d.dictOf(r)
		if err != nil || node == nil {
			return fmt.Errorf("%w: page tree node %d: %v", ErrPDF, r.num, err)
		}
		next := make(map[string]object, len(inh))
		for k, v := range inh {
			next[k] = v
		}
		for _, k := range inheritable {
			if v := node.get(k); v != nil {
				next[k] = v
			}
		}
		if t, _ := node.get("Type").(name); t == "Page" || (t != "Pages" && node.get("Kids") == nil) {
			d.pages = append(d.pages, page{num: r.num, inherited: next})
			return nil
		}
		kids, err := d.resolve(node.get("Kids"))
		if err != nil {
			return err
		}
		arr, _ := kids.(array)
		for _, k := range arr {
			if err := walk(k, next, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root.get("Pages"), map[string]object{}, 0); err != nil {
		return err
	}
	if len(d.pages) == 0 {
		return fmt.Errorf("%w: no pages", ErrPDF)
	}
	return nil
}
