package pdf

import "fmt"

// Page is a leaf of the page tree.
type Page struct {
	Ref  Ref
	Dict *Dict // the page's own dictionary, as stored
	// Inherited holds the attributes the page takes from its ancestors when it
	// does not set them itself: Resources, MediaBox, CropBox, Rotate.
	Inherited *Dict
}

// inheritable are the page attributes a page tree node passes to its kids.
var inheritable = []string{"Resources", "MediaBox", "CropBox", "Rotate"}

// maxPages bounds the page tree: a loop or a hostile tree ends here.
const maxPages = 100000

// Pages returns the pages in order. A page tree that loops, nests more than
// 64 levels or has no pages gives an error wrapping ErrMalformed.
func (f *File) Pages() ([]Page, error) {
	root, err := f.Dict(f.trailer.Get("Root"))
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var pages []Page
	seen := map[int]bool{}
	var walk func(o Object, inh *Dict, depth int) error
	walk = func(o Object, inh *Dict, depth int) error {
		r, ok := o.(Ref)
		if !ok || seen[r.Num] || depth > maxDepth || len(pages) >= maxPages {
			return fmt.Errorf("%w: broken page tree", ErrMalformed)
		}
		seen[r.Num] = true
		node, err := f.Dict(r)
		if err != nil {
			return fmt.Errorf("page tree node %d: %w", r.Num, err)
		}
		next := inh
		for _, k := range inheritable {
			if v := node.Get(k); v != nil {
				if next == inh {
					next = inh.Clone()
				}
				next.Set(k, v)
			}
		}
		if t := node.Name("Type"); t == "Page" || (t != "Pages" && node.Get("Kids") == nil) {
			pages = append(pages, Page{Ref: r, Dict: node, Inherited: inh})
			return nil
		}
		kids, err := f.Array(node.Get("Kids"))
		if err != nil {
			return err
		}
		for _, k := range kids {
			if err := walk(k, next, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root.Get("Pages"), &Dict{}, 0); err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	return pages, nil
}

// PageCount returns the number of pages of the PDF in data, counted by walking its
// page tree (never trusting /Count). Errors wrap ErrMalformed or ErrUnsupported.
func PageCount(data []byte) (int, error) {
	f, err := Read(data)
	if err != nil {
		return 0, err
	}
	pages, err := f.Pages()
	if err != nil {
		return 0, err
	}
	return len(pages), nil
}
