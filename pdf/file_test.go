package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testDoc writes a document of n pages, each with a content stream.
func testDoc(t testing.TB, n int) []byte {
	t.Helper()
	w := NewWriter("1.4")
	catalog, pages := w.Alloc(), w.Alloc()
	var kids Array
	for i := range n {
		c := w.Alloc()
		w.WriteStream(c, nil, []byte(fmt.Sprintf("BT /F1 12 Tf 72 720 Td (Seite %d) Tj ET", i+1)))
		kids = append(kids, w.Add(NewDict("Type", Name("Page"), "Parent", pages, "Contents", c)))
	}
	w.Write(pages, NewDict("Type", Name("Pages"), "Kids", kids, "Count", Integer(n),
		"MediaBox", Array{Integer(0), Integer(0), Integer(595), Integer(842)}))
	w.Write(catalog, NewDict("Type", Name("Catalog"), "Pages", pages))
	b, err := w.Finish(NewDict("Root", catalog))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(b)
}

func TestReadWrittenDocument(t *testing.T) {
	f, err := Read(testDoc(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	if f.Repaired() || f.XRefStream() || f.Size() != 9 {
		t.Fatalf("repaired %v, xref stream %v, size %d", f.Repaired(), f.XRefStream(), f.Size())
	}
	pages, err := f.Pages()
	if err != nil || len(pages) != 3 {
		t.Fatalf("%d pages, %v", len(pages), err)
	}
	if box, _ := pages[2].Inherited.Get("MediaBox").(Array); len(box) != 4 {
		t.Errorf("MediaBox not inherited: %v", pages[2].Inherited)
	}
	c, err := f.Object(pages[1].Dict.Get("Contents").(Ref).Num)
	if s, ok := c.(*Stream); err != nil || !ok || string(s.Data) != "BT /F1 12 Tf 72 720 Td (Seite 2) Tj ET" {
		t.Fatalf("content of page 2: %v, %v", c, err)
	}
}

func TestUpdate(t *testing.T) {
	orig := testDoc(t, 1)
	f, err := Read(orig)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.NewUpdate()
	if err != nil {
		t.Fatal(err)
	}
	info := u.Alloc()
	u.Set(info, NewDict("Title", String("Bescheid")))
	cat, _ := f.Dict(f.Root())
	cat = cat.Clone()
	cat.Set("Lang", String("de-DE"))
	u.Set(f.Root(), cat)
	out := u.Bytes()
	if !bytes.HasPrefix(out, orig) {
		t.Fatal("the update changed the original bytes")
	}
	if !bytes.HasPrefix(out[u.Offset(info):], []byte("<</Title (Bescheid) >>")) || u.Offset(Ref{999, 0}) != -1 {
		t.Fatalf("Offset does not point at the body: %q", out[u.Offset(info):u.Offset(info)+20])
	}
	g, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if prev, _ := g.Trailer().Int("Prev"); prev != f.StartXref() || g.Trailer().Get("ID") == nil {
		t.Fatalf("trailer %v", AppendObject(nil, g.Trailer()))
	}
	cat2, err := g.Dict(g.Root())
	if err != nil || string(Text(cat2.Get("Lang"))) != "de-DE" {
		t.Fatalf("the new catalog is not the one read: %v", err)
	}
	if n, err := PageCount(out); n != 1 || err != nil {
		t.Fatalf("PageCount = %d, %v", n, err)
	}
	if qpdf, err := exec.LookPath("qpdf"); err == nil {
		checkQpdf(t, qpdf, out)
	}
}

func checkQpdf(t *testing.T, qpdf string, b []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(qpdf, "--check", p).CombinedOutput()
	if err != nil || strings.Contains(string(out), "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// xrefStreamDoc writes by hand what PDF 1.5 writers produce: the page tree inside an
// object stream and an xref stream with /W [1 2 1], compressed with a PNG predictor.
func xrefStreamDoc(t testing.TB, w string) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	objs := []string{"<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [3 0 R] /Count 1>>", "<</Type /Page /Parent 2 0 R>>"}
	header, body := "", ""
	for i, o := range objs {
		header += fmt.Sprintf("%d %d ", i+1, len(body))
		body += o + " "
	}
	stm := header + body
	off4 := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<</Type /ObjStm /N 3 /First %d /Length %d>>\nstream\n%s\nendstream\nendobj\n", len(header), len(stm), stm)
	off5 := b.Len()
	// Rows: type, offset (2 bytes), index or generation; object 0 free.
	rows := [][]byte{{0, 0, 0, 0xFF}, {2, 0, 4, 0}, {2, 0, 4, 1}, {2, 0, 4, 2}, {1, byte(off4 >> 8), byte(off4), 0}, {1, byte(off5 >> 8), byte(off5), 0}}
	var pred []byte
	prev := make([]byte, 4)
	for _, r := range rows {
		pred = append(pred, 2) // PNG "Up"
		for i := range r {
			pred = append(pred, r[i]-prev[i])
		}
		prev = r
	}
	data := deflate(pred)
	fmt.Fprintf(&b, "5 0 obj\n<</Type /XRef /Size 6 /W %s /Root 1 0 R /Filter /FlateDecode /DecodeParms <</Predictor 12 /Columns 4>> /Length %d>>\nstream\n", w, len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off5)
	return b.Bytes()
}

// An update never gives a new object the number of an old one, even when the
// trailer's /Size is too small.
func TestUpdateSizeTooSmall(t *testing.T) {
	doc := bytes.Replace(testDoc(t, 2), []byte("/Size 7"), []byte("/Size 2"), 1)
	f, err := Read(doc)
	if err != nil || f.Size() != 2 {
		t.Fatalf("size %d, %v", f.Size(), err)
	}
	u, err := f.NewUpdate()
	if err != nil {
		t.Fatal(err)
	}
	if r := u.Alloc(); r.Num != 7 {
		t.Fatalf("new object %d, want 7", r.Num)
	}
}

func TestReadXrefStreamAndObjectStream(t *testing.T) {
	doc := xrefStreamDoc(t, "[1 2 1]")
	f, err := Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !f.XRefStream() || f.Repaired() {
		t.Fatalf("xref stream %v, repaired %v", f.XRefStream(), f.Repaired())
	}
	pages, err := f.Pages()
	if err != nil || len(pages) != 1 || pages[0].Ref != (Ref{3, 0}) {
		t.Fatalf("pages %v, %v", pages, err)
	}
	// An update of an xref-stream file ends with an xref stream, readable again.
	u, err := f.NewUpdate()
	if err != nil {
		t.Fatal(err)
	}
	r := u.Alloc()
	u.Set(r, String("neu"))
	g, err := Read(u.Bytes())
	if err != nil || !g.XRefStream() {
		t.Fatalf("update: %v", err)
	}
	if v, err := g.Object(r.Num); err != nil || string(Text(v)) != "neu" {
		t.Fatalf("new object: %v, %v", v, err)
	}
	if qpdf, err := exec.LookPath("qpdf"); err == nil {
		checkQpdf(t, qpdf, u.Bytes())
	}
}

// TestReadQpdfObjectStreams reads a file qpdf rewrote with object streams, as other
// programs write them; it needs qpdf (make deps installs it).
func TestReadQpdfObjectStreams(t *testing.T) {
	qpdf, err := exec.LookPath("qpdf")
	if err != nil {
		t.Skip("qpdf not installed (apt-get install qpdf): the hand-made xref stream test covers the reader")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, testDoc(t, 5), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(qpdf, "--object-streams=generate", "--compress-streams=y", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("/ObjStm")) {
		t.Fatal("qpdf wrote no object stream")
	}
	if n, err := PageCount(b); n != 5 || err != nil {
		t.Fatalf("PageCount = %d, %v", n, err)
	}
}

func TestReadHostile(t *testing.T) {
	doc := testDoc(t, 1)
	xref := bytes.LastIndex(doc, []byte("\nxref\n")) + 1
	trailer := bytes.LastIndex(doc, []byte("trailer"))
	loop := bytes.Replace(doc, []byte("trailer\n<<"), []byte(fmt.Sprintf("trailer\n<</Prev %d", xref)), 1)
	count := bytes.IndexByte(doc[xref+7:], '\n')
	huge := append(append(bytes.Clone(doc[:xref+7]), "999999999"...), doc[xref+7+count:]...)
	for name, tc := range map[string]struct {
		in       []byte
		repaired bool
		err      error
	}{
		"empty":             {nil, false, ErrMalformed},
		"no pdf":            {[]byte("Sehr geehrte Damen und Herren"), false, ErrMalformed},
		"Prev loop":         {loop, false, nil},
		"startxref garbage": {append(bytes.Clone(doc[:len(doc)-8]), "999999\n%%EOF\n"...), true, nil},
		"huge subsection":   {huge, true, nil},
		"huge /Length":      {bytes.Replace(doc, []byte("/Length "), []byte("/Length 99999999999"), 1), true, nil},
		"deep nesting":      {bytes.Replace(doc, []byte("/Type /Catalog"), []byte("/Deep "+strings.Repeat("[", 100)+" /Type /Catalog"), 1), true, ErrMalformed},
		// The page tree is in an object stream, which scanning cannot find.
		"bad /W":     {xrefStreamDoc(t, "[1 2 9]"), false, ErrMalformed},
		"zero /W":    {xrefStreamDoc(t, "[0 0 0]"), false, ErrMalformed},
		"short /W":   {xrefStreamDoc(t, "[1 2]"), false, ErrMalformed},
		"encrypted":  {bytes.Replace(doc, []byte("trailer\n<<"), []byte("trailer\n<</Encrypt 1 0 R"), 1), false, ErrUnsupported},
		"no trailer": {doc[:trailer], true, nil},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.err != nil {
				if _, err := PageCount(tc.in); !errors.Is(err, tc.err) {
					t.Fatalf("PageCount = %v, want %v", err, tc.err)
				}
				return
			}
			f, err := Read(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if f.Repaired() != tc.repaired {
				t.Fatalf("repaired = %v", f.Repaired())
			}
			if n, err := PageCount(tc.in); n != 1 || err != nil {
				t.Fatalf("PageCount = %d, %v", n, err)
			}
			if _, err := f.NewUpdate(); tc.repaired != (err != nil) {
				t.Fatalf("NewUpdate of repaired=%v file: %v", tc.repaired, err)
			}
		})
	}
}

func TestObjectLoops(t *testing.T) {
	w := NewWriter("1.4")
	catalog, pages, self := w.Alloc(), w.Alloc(), w.Alloc()
	w.Write(self, Raw("<</Length 3 0 R>>\nstream\nabc\nendstream"))
	w.Write(pages, NewDict("Type", Name("Pages"), "Kids", Array{pages}, "Count", Integer(1)))
	w.Write(catalog, NewDict("Type", Name("Catalog"), "Pages", pages, "Self", self))
	b, err := w.Finish(NewDict("Root", catalog))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Pages(); !errors.Is(err, ErrMalformed) {
		t.Errorf("a page tree that contains itself: %v", err)
	}
	if s, err := f.Object(self.Num); err != nil || string(s.(*Stream).Data) != "abc" {
		t.Errorf("a stream whose /Length is itself: %v, %v", s, err)
	}
}

func TestDecodeLimits(t *testing.T) {
	defer func(n int) { maxDecoded = n }(maxDecoded)
	maxDecoded = 1 << 20
	f := &File{cache: map[int]Object{}}
	if d, err := f.Decode(&Stream{Dict: NewDict("Filter", Name("FlateDecode")), Data: deflate(make([]byte, maxDecoded))}); err != nil || len(d) != maxDecoded {
		t.Errorf("a stream of exactly the limit: %d bytes, %v", len(d), err)
	}
	bomb := &Stream{Dict: NewDict("Filter", Name("FlateDecode")), Data: deflate(make([]byte, maxDecoded+1))}
	if _, err := f.Decode(bomb); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a stream of more than %d bytes decoded: %v", maxDecoded, err)
	}
	if _, err := f.Decode(&Stream{Dict: NewDict("Filter", Name("LZWDecode"))}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("LZW: %v", err)
	}
	if _, err := f.Decode(&Stream{Dict: NewDict("Filter", Name("FlateDecode")), Data: []byte("no zlib")}); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad zlib: %v", err)
	}
}
