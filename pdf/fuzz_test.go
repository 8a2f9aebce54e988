package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzRead feeds the cross-reference reader, the object reader and the page tree, and
// checks that an update of any file it reads cleanly can be read back with the new
// object in it. Seeds: a written document, an incremental update, hand-made xref and
// object streams, and hostile files (loops in /Prev, huge counts and lengths, bad /W,
// deep nesting, a page tree that contains itself).
func FuzzRead(f *testing.F) {
	doc := testDoc(f, 2)
	f.Add(doc)
	if r, err := Read(doc); err == nil {
		if u, err := r.NewUpdate(); err == nil {
			u.Set(u.Alloc(), String("x"))
			f.Add(u.Bytes())
		}
	}
	f.Add(xrefStreamDoc(f, "[1 2 1]"))
	f.Add(xrefStreamDoc(f, "[1 2 9]"))
	f.Add(xrefStreamDoc(f, "[4 8 8]"))
	xref := bytes.LastIndex(doc, []byte("\nxref\n")) + 1
	f.Add(bytes.Replace(doc, []byte("trailer\n<<"), []byte(fmt.Sprintf("trailer\n<</Prev %d /XRefStm %d", xref, xref)), 1))
	f.Add(bytes.Replace(doc, []byte("xref\n0 "), []byte("xref\n0 99999999"), 1))
	f.Add(bytes.Replace(doc, []byte("/Length "), []byte("/Length 99999999999"), 1))
	f.Add([]byte("1 0 obj " + strings.Repeat("[", 200) + "\ntrailer <</Root 1 0 R>>"))
	f.Add([]byte("1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj 2 0 obj <</Type /Pages /Kids [2 0 R]>> endobj trailer <</Root 1 0 R /Size 3>>"))
	f.Add([]byte("xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Root 1 0 R/Prev 0>>\nstartxref\n0\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Read: %v wraps no sentinel", err)
			}
			return
		}
		for n := range min(r.Size(), 200) {
			r.Object(n)
		}
		r.Pages()
		u, err := r.NewUpdate()
		if err != nil {
			return
		}
		ref := u.Alloc()
		u.Set(ref, String("neu"))
		out := u.Bytes()
		g, err := Read(out)
		if err != nil || g.Repaired() {
			t.Fatalf("the update of a readable file does not read back: %v (repaired %v)", err, g != nil && g.Repaired())
		}
		if v, err := g.Object(ref.Num); err != nil || string(Text(v)) != "neu" {
			t.Fatalf("the new object reads back as %v, %v", v, err)
		}
	})
}
