package filekind

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func pngBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type member struct {
	name, body string
	encrypted  bool
}

// zipBytes writes a real ZIP; the first member is stored (as ODF wants its
// mimetype), the rest deflated.
func zipBytes(t testing.TB, members ...member) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		if i == 0 {
			h.Method = zip.Store
		}
		if m.encrypted {
			h.Flags |= 1
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, m.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func odf(t testing.TB, typ string, extra ...member) []byte {
	return zipBytes(t, append([]member{{"mimetype", typ, false}, {"content.xml", "<office:document-content/>", false},
		{"META-INF/manifest.xml", "<manifest:manifest/>", false}}, extra...)...)
}

func ooxml(t testing.TB, part string, extra ...member) []byte {
	return zipBytes(t, append([]member{{"[Content_Types].xml", "<Types/>", false}, {"_rels/.rels", "<Relationships/>", false},
		{part + "document.xml", "<document/>", false}}, extra...)...)
}

const (
	pdfBytes  = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
	peBytes   = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode."
	elfBytes  = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	ole2Bytes = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00"
	lnkBytes  = "L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F"
	htmlBytes = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
	svgBytes  = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
	textBytes = "Sehr geehrte Damen und Herren,\nanbei mein Antrag auf Baugenehmigung für Flurstück 12/3.\nMit freundlichen Grüßen\n"
)

func isoBytes() string {
	p := make([]byte, 0x8800)
	copy(p[0x8001:], "CD001")
	return string(p)
}

func TestClassify(t *testing.T) {
	odt := string(odf(t, "application/vnd.oasis.opendocument.text"))
	docx := string(ooxml(t, "word/"))
	docm := string(ooxml(t, "word/", member{"word/vbaProject.bin", "\xd0\xcf\x11\xe0", false}))
	xlsx := string(ooxml(t, "xl/"))
	plainZIP := string(zipBytes(t, member{"Antrag.pdf", pdfBytes, false}, member{"Pläne/Grundriss.png", "x", false}))
	evilZIP := string(zipBytes(t, member{"Rechnung.pdf", pdfBytes, false}, member{"Rechnung.pdf.exe", peBytes, false}))
	lockedZIP := string(zipBytes(t, member{"a.txt", "x", false}, member{"geheim.txt", "x", true}))
	jar := string(zipBytes(t, member{"META-INF/MANIFEST.MF", "Main-Class: X\n", false}, member{"X.class", "\xca\xfe\xba\xbe", false}))
	odtMacro := string(odf(t, "application/vnd.oasis.opendocument.text", member{"Basic/Standard/Module1.xml", "<script:module/>", false}))

	for _, tc := range []struct {
		name, body string
		verdict    Verdict
		reason     Reason
		kind       Kind
	}{
		// Allowed types, content matching the name.
		{"Antrag.pdf", pdfBytes, Open, ReasonAllowed, PDF},
		{"Scan.PNG", string(pngBytes(t)), Open, ReasonAllowed, PNG},
		{"Foto.jpg", string(jpegBytes(t)), Open, ReasonAllowed, JPEG},
		{"Foto.jpeg", string(jpegBytes(t)), Open, ReasonAllowed, JPEG},
		{"Plan.gif", string(gifBytes(t)), Open, ReasonAllowed, GIF},
		{"Fax.tif", "II*\x00\x08\x00\x00\x00", Open, ReasonAllowed, TIFF},
		{"Fax.tiff", "MM\x00*\x00\x00\x00\x08", Open, ReasonAllowed, TIFF},
		{"Notiz.txt", textBytes, Open, ReasonAllowed, Text},
		{"Notiz-latin1.txt", "Gr\xfc\xdfe aus M\xfcnchen\n", Open, ReasonAllowed, Text},
		{"Notiz-utf16.txt", "\xff\xfeH\x00a\x00l\x00l\x00o\x00", Open, ReasonAllowed, Text},
		{"Stellungnahme.odt", odt, Open, ReasonAllowed, ODF},
		{"Bescheid.docx", docx, Open, ReasonAllowed, OOXML},
		{"Tabelle.xlsx", xlsx, Open, ReasonAllowed, OOXML},
		{"Bescheid.docx. . ", docx, Open, ReasonAllowed, OOXML},
		// Macros: opened after a warning.
		{"Makro.docm", docm, Warn, ReasonMacros, OOXML},
		{"Alt.doc", ole2Bytes, Warn, ReasonLegacyOffice, OLE2},
		{"Alt.xls", ole2Bytes, Warn, ReasonLegacyOffice, OLE2},
		{"Makro.odt", odtMacro, Warn, ReasonMacros, ODF},
		// ZIPs are listed.
		{"Unterlagen.zip", plainZIP, Archive, ReasonArchive, ZIP},
		{"Unterlagen", plainZIP, Archive, ReasonArchive, ZIP},
		{"Rechnung.zip", evilZIP, Archive, ReasonArchiveDangerous, ZIP},
		{"Geheim.zip", lockedZIP, Archive, ReasonArchiveDangerous, ZIP},
		// Dangerous by name, whatever the content.
		{"Antrag.pdf.exe", peBytes, Dangerous, ReasonDangerousName, Program},
		{"Antrag.pdf.exe", pdfBytes, Dangerous, ReasonDangerousName, PDF},
		{"Rechnung.js", "var s = new ActiveXObject('WScript.Shell');", Dangerous, ReasonDangerousName, Text},
		{"Scan.hta", htmlBytes, Dangerous, ReasonDangerousName, HTML},
		{"Formular.lnk", lnkBytes, Dangerous, ReasonDangerousName, Script},
		{"Bescheid.iso", isoBytes(), Dangerous, ReasonDangerousName, Image},
		{"Seite.html", htmlBytes, Dangerous, ReasonDangerousName, HTML},
		{"Logo.svg", svgBytes, Dangerous, ReasonDangerousName, HTML},
		{"App.jar", jar, Dangerous, ReasonDangerousName, Java},
		{"Archiv.rar", "Rar!\x1a\x07\x00", Dangerous, ReasonDangerousName, Other},
		{"Rechnung.exe.", peBytes, Dangerous, ReasonDangerousName, Program},
		{"Rechnung.\u202efdp.exe", peBytes, Dangerous, ReasonDangerousName, Program},
		{"Link.url", "[InternetShortcut]\nURL=file://host/share/x.exe\n", Dangerous, ReasonDangerousName, Script},
		// Dangerous by content under an unknown name.
		{"Anlage", peBytes, Dangerous, ReasonDangerousContent, Program},
		{"Anlage.dat", elfBytes, Dangerous, ReasonDangerousContent, Program},
		{"Anlage.xyz", "#!/bin/sh\nrm -rf ~\n", Dangerous, ReasonDangerousContent, Script},
		{"Anlage.xyz", isoBytes(), Dangerous, ReasonDangerousContent, Image},
		// Suspicious: the name says harmless, the content is not.
		{"Antrag.pdf", peBytes, Suspicious, ReasonDisguised, Program},
		{"Notiz.txt", htmlBytes, Suspicious, ReasonDisguised, HTML},
		{"Notiz.txt", "Hallo\n<iframe src=x>", Suspicious, ReasonDisguised, HTML},
		{"Foto.jpg", svgBytes, Suspicious, ReasonDisguised, HTML},
		{"Bescheid.docx", jar, Suspicious, ReasonDisguised, Java},
		{"Unterlagen.zip", isoBytes(), Suspicious, ReasonDisguised, Image},
		{"Bescheid.docx", docm, Suspicious, ReasonHiddenMacros, OOXML},
		{"Bescheid.docx", plainZIP, Suspicious, ReasonMismatch, ZIP},
		{"Bescheid.docx", xlsx, Suspicious, ReasonMismatch, OOXML},
		{"Bescheid.odt", string(odf(t, "application/vnd.oasis.opendocument.spreadsheet")), Suspicious, ReasonMismatch, ODF},
		{"Antrag.pdf", textBytes, Suspicious, ReasonMismatch, Text},
		{"Foto.png", string(jpegBytes(t)), Suspicious, ReasonMismatch, JPEG},
		{"Alt.doc", pdfBytes, Suspicious, ReasonMismatch, PDF},
		{"Makro.docm", ole2Bytes, Suspicious, ReasonMismatch, OLE2},
		{"Unterlagen.zip", pdfBytes, Suspicious, ReasonMismatch, PDF},
		// Blocked: nothing known to open.
		{"Antrag", pdfBytes, Blocked, ReasonNotAllowed, PDF},
		{"Daten.csv", "a;b;c\n1;2;3\n", Blocked, ReasonNotAllowed, Text},
		{"Brief.rtf", "{\\rtf1\\ansi Hallo}", Blocked, ReasonNotAllowed, RTF},
		{"Daten.bin", "\x00\x01\x02\x03\x04", Blocked, ReasonUnknown, Unknown},
		{"Leer.pdf", "", Blocked, ReasonEmpty, Empty},
		{"Kaputt.zip", "PK\x03\x04 this is not really a zip", Blocked, ReasonArchiveBroken, ZIP},
	} {
		t.Run(tc.name+"/"+string(tc.kind), func(t *testing.T) {
			got, err := Classify(strings.NewReader(tc.body), int64(len(tc.body)), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdict != tc.verdict || got.Reason != tc.reason || got.Kind != tc.kind {
				t.Fatalf("Classify(%q) = %v/%s/%s, want %v/%s/%s", tc.name, got.Verdict, got.Reason, got.Kind, tc.verdict, tc.reason, tc.kind)
			}
		})
	}
}

func TestClassifyZIPEntries(t *testing.T) {
	body := zipBytes(t, member{"Antrag.pdf", pdfBytes, false}, member{"../../Autostart/\u202egnp.exe", peBytes, false},
		member{"Ordner/", "", false}, member{"Ordner/geheim.txt", "abc", true})
	got, err := Classify(bytes.NewReader(body), int64(len(body)), "Unterlagen.zip")
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Name: "Antrag.pdf", Size: uint64(len(pdfBytes))},
		{Name: "Autostart/gnp.exe", Size: uint64(len(peBytes)), Dangerous: true},
		{Name: "Ordner"},
		{Name: "Ordner/geheim.txt", Size: 3, Encrypted: true},
	}
	if fmt.Sprint(got.Entries) != fmt.Sprint(want) || got.Truncated || got.Reason != ReasonArchiveDangerous {
		t.Fatalf("entries = %+v truncated=%v reason=%s\nwant %+v", got.Entries, got.Truncated, got.Reason, want)
	}
}

func TestClassifyZIPBounds(t *testing.T) {
	many := make([]member, MaxListed+5)
	for i := range many {
		many[i] = member{name: fmt.Sprintf("scan-%04d.pdf", i), body: "x"}
	}
	body := zipBytes(t, many...)
	got, err := Classify(bytes.NewReader(body), int64(len(body)), "Scans.zip")
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != Archive || len(got.Entries) != MaxListed || !got.Truncated {
		t.Fatalf("%d entries, truncated %v, verdict %v", len(got.Entries), got.Truncated, got.Verdict)
	}

	// A central directory beyond MaxDirectoryBytes is not read to its end.
	long := strings.Repeat("n", 250)
	huge := make([]member, MaxDirectoryBytes/(46+250)+10)
	for i := range huge {
		huge[i] = member{name: fmt.Sprintf("%s%06d", long, i)}
	}
	body = zipBytes(t, huge...)
	cr := &countingReader{r: bytes.NewReader(body)}
	got, err = Classify(cr, int64(len(body)), "Gross.zip")
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != Blocked || got.Reason != ReasonArchiveTooLarge {
		t.Fatalf("verdict %v/%s", got.Verdict, got.Reason)
	}
	if n := cr.n.Load(); n > prefixLen+MaxDirectoryBytes {
		t.Fatalf("read %d bytes, bound %d", n, prefixLen+MaxDirectoryBytes)
	}
}

// countingReader counts the bytes read. Without r it is a file of any size that
// starts like a ZIP and ends in a 1 GiB central directory of valid records.
type countingReader struct {
	r    io.ReaderAt
	size int64
	n    atomic.Int64
}

// record is one central directory record of 50 bytes: a stored, empty "a.tx".
var record = append(append([]byte("PK\x01\x02\x14\x00\x14\x00"), make([]byte, 20)...),
	4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', '.', 't', 'x')

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.n.Add(int64(len(p)))
	if c.r != nil {
		return c.r.ReadAt(p, off)
	}
	const dirSize = 1 << 30
	end := []byte("PK\x05\x06\x00\x00\x00\x00\xfe\xff\xfe\xff")
	end = binary.LittleEndian.AppendUint32(end, dirSize)
	end = binary.LittleEndian.AppendUint32(end, uint32(c.size-22-dirSize))
	end = append(end, 0, 0)
	for i := range p {
		switch at := off + int64(i); {
		case at < 4:
			p[i] = "PK\x03\x04"[at]
		case at >= c.size-22:
			p[i] = end[at-(c.size-22)]
		case at >= c.size-22-dirSize:
			p[i] = record[(at-(c.size-22-dirSize))%int64(len(record))]
		default:
			p[i] = 'x'
		}
	}
	return len(p), nil
}

func TestClassifyReadsAPrefix(t *testing.T) {
	// A 2 GiB file that declares a 1 GiB central directory: the classifier reads
	// its prefix and a bounded part of its end, not the file.
	cr := &countingReader{size: 2 << 30}
	got, err := Classify(cr, cr.size, "Riesig.zip")
	if err != nil {
		t.Fatal(err)
	}
	if got.Reason != ReasonArchiveTooLarge {
		t.Fatalf("verdict %v/%s", got.Verdict, got.Reason)
	}
	if n := cr.n.Load(); n > prefixLen+MaxDirectoryBytes {
		t.Fatalf("read %d bytes", n)
	}
}

func TestClassifyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "blob-1")
	if err := os.WriteFile(p, []byte(peBytes), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ClassifyFile(p, "Antrag.pdf")
	if err != nil || got.Verdict != Suspicious {
		t.Fatalf("ClassifyFile = %+v, %v", got, err)
	}
	if _, err := ClassifyFile(filepath.Join(t.TempDir(), "fehlt"), "x.pdf"); !errors.Is(err, ErrRead) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Classify(strings.NewReader("abc"), 10, "x.txt"); !errors.Is(err, ErrRead) {
		t.Fatalf("short file: %v", err)
	}
}

func TestInlineType(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"a.pdf", pdfBytes, "application/pdf"},
		{"a.png", string(pngBytes(t)), "image/png"},
		{"a.jpg", string(jpegBytes(t)), "image/jpeg"},
		{"a.gif", string(gifBytes(t)), "image/gif"},
		// By content, never by name: a PNG called .pdf is a PNG.
		{"a.pdf", string(pngBytes(t)), "image/png"},
		{"a.png", htmlBytes, ""},
		{"a.svg", svgBytes, ""},
		{"a.txt", textBytes, ""},
		{"a.tif", "II*\x00\x08\x00\x00\x00", ""},
		{"a.docx", string(ooxml(t, "word/")), ""},
		{"a.png", peBytes, ""},
	} {
		got, err := Classify(strings.NewReader(tc.body), int64(len(tc.body)), tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if got.InlineType() != tc.want {
			t.Errorf("%s (%s): InlineType = %q, want %q", tc.name, got.Kind, got.InlineType(), tc.want)
		}
	}
}

func TestOutlookBlockedList(t *testing.T) {
	for _, ext := range strings.Fields(".exe .com .bat .cmd .js .jse .vbs .vbe .wsf .wsh .hta .lnk .scr .pif .msi .msp .ps1 .reg .cpl .jar .url .iso .img .vhd .vhdx .html .htm .svg .chm .scf .appref-ms .one .xll .xlam .rdp .dll") {
		if !DangerousName("Anlage" + strings.ToUpper(ext)) {
			t.Errorf("%s is not dangerous", ext)
		}
		got, err := Classify(strings.NewReader(textBytes), int64(len(textBytes)), "Anlage"+ext)
		if err != nil || got.Verdict != Dangerous {
			t.Errorf("%s: %v, %v", ext, got.Verdict, err)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []struct{ name, body string }{
		{"Antrag.pdf", pdfBytes}, {"Antrag.pdf", peBytes}, {"Notiz.txt", htmlBytes}, {"Logo.svg", svgBytes},
		{"Alt.doc", ole2Bytes}, {"a.lnk", lnkBytes}, {"a.zip", string(zipBytes(f, member{"a.exe", peBytes, false}))},
		{"a.docx", string(ooxml(f, "word/", member{"word/vbaProject.bin", "x", false}))},
		{"a.odt", string(odf(f, "application/vnd.oasis.opendocument.text"))}, {"a.png", string(pngBytes(f))},
		{"x.txt", "\xff\xfe<\x00s\x00v\x00g\x00"}, {"Kaputt.zip", "PK\x05\x06"}, {"", ""},
	} {
		f.Add(s.name, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		cr := &countingReader{r: bytes.NewReader(body)}
		got, err := Classify(cr, int64(len(body)), name)
		if err != nil {
			t.Fatalf("Classify(%q): %v", name, err)
		}
		if n := cr.n.Load(); n > prefixLen+MaxDirectoryBytes {
			t.Fatalf("read %d bytes", n)
		}
		if got.Reason == "" || got.Verdict.String() == "" || got.Kind == "" {
			t.Fatalf("incomplete result %+v", got)
		}
		if DangerousName(name) && got.Verdict != Dangerous {
			t.Fatalf("dangerous name %q judged %v", name, got.Verdict)
		}
		if got.Verdict == Open {
			if want, ok := allowedExt[got.Ext]; !ok || want != got.Kind {
				t.Fatalf("opened %q holding %s", name, got.Kind)
			}
		}
		if got.Kind.dangerous() && (got.Verdict == Open || got.Verdict == Warn || got.Verdict == Archive) {
			t.Fatalf("%s content in %q judged %v", got.Kind, name, got.Verdict)
		}
		if it := got.InlineType(); it != "" && sniff(body[:min(len(body), prefixLen)]) != got.Kind {
			t.Fatalf("inline type %s not from content", it)
		}
		if len(got.Entries) > MaxListed {
			t.Fatalf("%d entries listed", len(got.Entries))
		}
	})
}

// tailReader is a file of any size that starts like a ZIP and ends in tail.
type tailReader struct {
	size int64
	tail []byte
}

func (t tailReader) ReadAt(p []byte, off int64) (int, error) {
	start := t.size - int64(len(t.tail))
	for i := range p {
		switch at := off + int64(i); {
		case at < 4:
			p[i] = "PK\x03\x04"[at]
		case at >= start:
			p[i] = t.tail[at-start]
		default:
			p[i] = 'x'
		}
	}
	return len(p), nil
}

// A ZIP64 end record may declare millions of entries; archive/zip would size
// its list by that count before reading one. The classifier looks first.
func TestClassifyZIPDeclaredEntries(t *testing.T) {
	const size, records = 4 << 30, 20_000_000
	dirSize := uint64(records * 46)
	le := binary.LittleEndian
	z64 := le.AppendUint32([]byte("PK\x06\x06"), 0)
	z64 = z64[:4]
	z64 = le.AppendUint64(z64, 44)                          // size of the rest
	z64 = append(z64, 45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0) // versions, disk numbers
	z64 = le.AppendUint64(z64, records)
	z64 = le.AppendUint64(z64, records)
	z64 = le.AppendUint64(z64, dirSize)
	z64 = le.AppendUint64(z64, size-56-20-22-dirSize)
	loc := le.AppendUint32([]byte("PK\x06\x07"), 0)
	loc = le.AppendUint64(loc, size-56-20-22)
	loc = le.AppendUint32(loc, 1)
	end := append([]byte("PK\x05\x06"), 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0)
	tail := append(append(z64, loc...), end...)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := Classify(tailReader{size: size, tail: tail}, size, "Viele.zip")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Fatalf("allocated %d MiB", alloc>>20)
	}
	if got.Reason != ReasonArchiveTooLarge {
		t.Fatalf("verdict %v/%s", got.Verdict, got.Reason)
	}
}
