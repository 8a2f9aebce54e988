package filekind

import (
	"bytes"
	"unicode/utf8"
)

// Kind is what a file's content is, judged by its bytes alone.
type Kind string

// Kinds the classifier tells apart. Harmless kinds first, then containers, then
// the kinds that run code or show active content.
const (
	Empty   Kind = "empty"
	Unknown Kind = "unknown"
	PDF     Kind = "pdf"
	PNG     Kind = "png"
	JPEG    Kind = "jpeg"
	GIF     Kind = "gif"
	TIFF    Kind = "tiff"
	Text    Kind = "text"
	ZIP     Kind = "zip"
	ODF     Kind = "odf"
	OOXML   Kind = "ooxml"
	OLE2    Kind = "ole2" // legacy Office (.doc, .xls, .ppt) and also .msi and .msg
	RTF     Kind = "rtf"

	Program Kind = "program" // Windows PE, ELF, Mach-O, Java class
	Script  Kind = "script"  // "#!" scripts, shortcuts, registry and link files
	HTML    Kind = "html"    // HTML, SVG and XML that a browser runs scripts in
	Java    Kind = "jar"     // a ZIP holding Java classes
	Image   Kind = "disk-image"
	Other   Kind = "other-archive" // RAR, 7z, gzip, CAB, CHM: not listed
)

// dangerous reports whether content of this kind runs code or is a container the
// app does not look into.
func (k Kind) dangerous() bool {
	switch k {
	case Program, Script, HTML, Java, Image, Other:
		return true
	}
	return false
}

// InlineType returns the media type under which content of this kind may be shown
// inside the app's page (PDF through pdf.js, raster images through <img>), and ""
// for every other kind. TIFF is left out: browsers do not render it.
func (k Kind) InlineType() string {
	switch k {
	case PDF:
		return "application/pdf"
	case PNG:
		return "image/png"
	case JPEG:
		return "image/jpeg"
	case GIF:
		return "image/gif"
	}
	return ""
}

var magics = []struct {
	at    int
	magic string
	kind  Kind
}{
	{0, "MZ", Program},
	{0, "\x7fELF", Program},
	{0, "\xfe\xed\xfa\xce", Program}, {0, "\xfe\xed\xfa\xcf", Program},
	{0, "\xce\xfa\xed\xfe", Program}, {0, "\xcf\xfa\xed\xfe", Program},
	{0, "\xca\xfe\xba\xbe", Program}, // Mach-O universal and Java class
	{0, "#!", Script},
	{0, "L\x00\x00\x00\x01\x14\x02\x00", Script}, // Windows shortcut (.lnk)
	{0, "\x89PNG\r\n\x1a\n", PNG},
	{0, "\xff\xd8\xff", JPEG},
	{0, "GIF87a", GIF}, {0, "GIF89a", GIF},
	{0, "II*\x00", TIFF}, {0, "MM\x00*", TIFF}, {0, "II+\x00", TIFF}, {0, "MM\x00+", TIFF},
	{0, "PK\x03\x04", ZIP}, {0, "PK\x05\x06", ZIP},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2},
	{0, "{\\rtf", RTF},
	{0, "Rar!\x1a\x07", Other}, {0, "7z\xbc\xaf\x27\x1c", Other}, {0, "\x1f\x8b", Other},
	{0, "MSCF", Other}, {0, "ITSF", Other}, {0, "BZh", Other}, {0, "\xfd7zXZ\x00", Other},
	{0, "\x28\xb5\x2f\xfd", Other}, // zstd
	{0, "conectix", Image}, {0, "vhdxfile", Image}, {0, "KDMV", Image},
	{0x8001, "CD001", Image}, {0x8801, "CD001", Image}, {0x9001, "CD001", Image},
	{257, "ustar", Other},
}

// prefixLen is how much of a file sniff reads: enough for the ISO 9660 volume
// descriptors at 32 KiB and for markup a few kilobytes into a text.
const prefixLen = 0x9001 + 5

// sniff judges the first bytes of a file. ZIPs come back as ZIP; the central
// directory tells the rest (zip.go).
func sniff(p []byte) Kind {
	if len(p) == 0 {
		return Empty
	}
	for _, m := range magics {
		if len(p) >= m.at+len(m.magic) && string(p[m.at:m.at+len(m.magic)]) == m.magic {
			return m.kind
		}
	}
	// Acrobat accepts the header anywhere in the first kilobyte; so do we, after
	// the programs above are ruled out.
	if bytes.Contains(p[:min(len(p), 1024)], []byte("%PDF-")) {
		return PDF
	}
	text, ok := decodeText(p)
	if !ok {
		return Unknown
	}
	if isMarkup(text) {
		return HTML
	}
	if isShortcutText(text) {
		return Script
	}
	return Text
}

// decodeText returns p as UTF-8 when it is text: UTF-8 (a cut last rune allowed),
// UTF-16 with a byte order mark, or Latin-1 without control bytes.
func decodeText(p []byte) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(p, []byte{0xff, 0xfe}), bytes.HasPrefix(p, []byte{0xfe, 0xff}):
		return utf16ToUTF8(p[2:], p[0] == 0xff)
	case bytes.HasPrefix(p, []byte{0xef, 0xbb, 0xbf}):
		p = p[3:]
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 && len(p)-i >= utf8.UTFMax {
			return latin1(p)
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return nil, false
		}
		i += max(size, 1)
	}
	return p, true
}

func latin1(p []byte) ([]byte, bool) {
	for _, b := range p {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f || (b >= 0x80 && b < 0xa0) {
			return nil, false
		}
	}
	return p, true
}

func utf16ToUTF8(p []byte, little bool) ([]byte, bool) {
	out := make([]byte, 0, len(p)/2)
	for i := 0; i+1 < len(p); i += 2 {
		c := rune(p[i])<<8 | rune(p[i+1])
		if little {
			c = rune(p[i+1])<<8 | rune(p[i])
		}
		if c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			return nil, false
		}
		if c >= 0xd800 && c < 0xe000 {
			c = '?' // surrogates: the markers below are ASCII anyway
		}
		out = utf8.AppendRune(out, c)
	}
	return out, true
}

// markup lists tags and declarations that make a browser run scripts or load
// content; a text holding them anywhere near its start is treated as HTML.
var markup = [][]byte{
	[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body"), []byte("<script"),
	[]byte("<iframe"), []byte("<object"), []byte("<embed"), []byte("<svg"), []byte("<meta"),
	[]byte("<a href"), []byte("<img"), []byte("<form"), []byte("<style"), []byte("<?xml-stylesheet"),
	[]byte("<xsl:"), []byte("javascript:"), []byte("<hta:"),
}

func isMarkup(text []byte) bool {
	lower := bytes.ToLower(text[:min(len(text), 8192)])
	for _, m := range markup {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// isShortcutText spots the text files Windows treats as programs or shortcuts:
// internet shortcuts and registry files.
func isShortcutText(text []byte) bool {
	head := bytes.ToLower(bytes.TrimLeft(text[:min(len(text), 512)], " \t\r\n"))
	for _, m := range []string{"[internetshortcut]", "[internetshortcut", "regedit4", "windows registry editor", "[shell]", "[.shellclassinfo]"} {
		if bytes.HasPrefix(head, []byte(m)) {
			return true
		}
	}
	return false
}
