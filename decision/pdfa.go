package decision

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// errStructure reports fpdf output that is not shaped as expected (a fpdf upgrade).
var errStructure = errors.New("unexpected PDF structure")

type pdfaInfo struct {
	Title   string
	Created time.Time
	Fonts   []sharedFont // to write and add to the resources; nil when fpdf wrote them
}

const producer = "OZG-Cloud Desktop"

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	rootRE      = regexp.MustCompile(`/Root (\d+) 0 R`)
	pagesRE     = regexp.MustCompile(`/Pages (\d+) 0 R`)
	resRE       = regexp.MustCompile(`/Resources (\d+) 0 R`)
	emptyFontRE = regexp.MustCompile(`/Font <<\s*>>`)
)

// toPDFA turns fpdf's output into PDF/A-1b, which fpdf cannot write itself: it adds
// the binary header comment, an sRGB OutputIntent, XMP metadata matching a new Info
// dictionary, a catalog without the empty EmbeddedFiles tree (forbidden in PDF/A-1)
// and the trailer /ID. The result is one revision with one complete xref table, so a
// signature's incremental update starts from a clean file.
func toPDFA(doc []byte, info pdfaInfo) ([]byte, error) {
	const header = "%PDF-1.3\n"
	if !bytes.HasPrefix(doc, []byte(header)) {
		return nil, fmt.Errorf("pdfa: %w: header", errStructure)
	}
	m := startxrefRE.FindSubmatch(doc)
	if m == nil {
		return nil, fmt.Errorf("pdfa: %w: startxref", errStructure)
	}
	xrefAt, _ := strconv.Atoi(string(m[1]))
	offsets, size, err := parseXref(doc[xrefAt:])
	if err != nil {
		return nil, fmt.Errorf("pdfa: %w", err)
	}
	trailer := doc[xrefAt:]
	rm := rootRE.FindSubmatch(trailer)
	if rm == nil {
		return nil, fmt.Errorf("pdfa: %w: no /Root", errStructure)
	}
	root, _ := strconv.Atoi(string(rm[1]))
	catalog, err := object(doc, offsets, root)
	if err != nil {
		return nil, fmt.Errorf("pdfa: %w", err)
	}
	pm := pagesRE.FindSubmatch(catalog)
	if pm == nil {
		return nil, fmt.Errorf("pdfa: %w: no /Pages", errStructure)
	}

	const newHeader = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"
	shift := len(newHeader) - len(header)
	var out bytes.Buffer
	grow := len(doc) + len(srgbProfile) + 4096
	for _, f := range info.Fonts {
		grow += len(f.file) + len(f.cidToGID) + len(f.widths) + len(fpdfToUnicode) + 1024
	}
	out.Grow(grow)
	out.WriteString(newHeader)
	out.Write(doc[len(header):xrefAt])
	for i := range offsets {
		if offsets[i] > 0 {
			offsets[i] += shift
		}
	}

	id := sha256.Sum256(doc)
	idHex := hex.EncodeToString(id[:16])
	created := info.Created.UTC()
	nInfo, nMeta, nICC, nIntent := size, size+1, size+2, size+3
	offsets = append(offsets, 0, 0, 0, 0)
	obj := func(n int, body string) {
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	obj(root, fmt.Sprintf("<< /Type /Catalog /Pages %s 0 R /Lang (de-DE) /Metadata %d 0 R /OutputIntents [%d 0 R] >>",
		pm[1], nMeta, nIntent))
	obj(nInfo, fmt.Sprintf("<< /Title %s /Creator %s /Producer %s /CreationDate (%s) /ModDate (%s) >>",
		pdfText(info.Title), pdfText(producer), pdfText(producer), pdfDate(created), pdfDate(created)))
	xmp := xmpPacket(info.Title, created)
	obj(nMeta, fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(xmp), xmp))
	obj(nICC, fmt.Sprintf("<< /N 3 /Length %d >>\nstream\n%s\nendstream", len(srgbProfile), srgbProfile))
	obj(nIntent, fmt.Sprintf("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>", nICC))

	if len(info.Fonts) > 0 {
		if offsets, err = writeFonts(&out, doc, offsets, shift, info.Fonts); err != nil {
			return nil, fmt.Errorf("pdfa: %w", err)
		}
	}

	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, o := range offsets[1:] {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets), root, nInfo, idHex, idHex, xref)
	return out.Bytes(), nil
}

// parseXref reads fpdf's single xref section "xref\n0 N\n" with N 20-byte entries.
func parseXref(b []byte) (offsets []int, size int, err error) {
	var first int
	if _, err := fmt.Sscanf(string(b[:min(len(b), 40)]), "xref\n%d %d\n", &first, &size); err != nil || first != 0 {
		return nil, 0, fmt.Errorf("%w: xref header", errStructure)
	}
	start := bytes.IndexByte(b[5:], '\n') + 6
	offsets = make([]int, size, size+4)
	for i := 0; i < size; i++ {
		e := b[start+20*i : start+20*i+20]
		if e[17] == 'f' {
			continue
		}
		offsets[i], err = strconv.Atoi(string(e[:10]))
		if err != nil {
			return nil, 0, fmt.Errorf("%w: xref entry %d", errStructure, i)
		}
	}
	return offsets, size, nil
}

func object(doc []byte, offsets []int, n int) ([]byte, error) {
	if n <= 0 || n >= len(offsets) || offsets[n] == 0 {
		return nil, fmt.Errorf("%w: object %d", errStructure, n)
	}
	b := doc[offsets[n]:]
	end := bytes.Index(b, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("%w: object %d unterminated", errStructure, n)
	}
	return b[:end], nil
}

// pdfText encodes s as a UTF-16BE hex string with byte order mark.
func pdfText(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func pdfDate(t time.Time) string { return t.Format("D:20060102150405") + "Z" }

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func xmpPacket(title string, created time.Time) string {
	date := created.Format("2006-01-02T15:04:05Z")
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>1</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(title) + `</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>` + producer + `</xmp:CreatorTool>
<xmp:CreateDate>` + date + `</xmp:CreateDate>
<xmp:ModifyDate>` + date + `</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>` + producer + `</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}

// writeFonts appends the shared fonts' objects and a new version of the resource
// dictionary that names them. offsets are already shifted; doc is fpdf's original.
func writeFonts(out *bytes.Buffer, doc []byte, offsets []int, shift int, fonts []sharedFont) ([]int, error) {
	m := resRE.FindSubmatch(doc)
	if m == nil {
		return nil, fmt.Errorf("%w: no /Resources", errStructure)
	}
	res, _ := strconv.Atoi(string(m[1]))
	orig := make([]int, len(offsets))
	for i, o := range offsets {
		if o > 0 && o-shift < len(doc) {
			orig[i] = o - shift
		}
	}
	dict, err := object(doc, orig, res)
	if err != nil {
		return nil, err
	}
	body := dict[bytes.Index(dict, []byte("obj"))+3:]
	if !emptyFontRE.Match(body) {
		return nil, fmt.Errorf("%w: resources already name fonts", errStructure)
	}
	next := len(offsets)
	var refs strings.Builder
	for i, f := range fonts {
		fmt.Fprintf(&refs, "/%s %d 0 R ", f.res, next+6*i)
	}
	offsets = append(offsets, make([]int, 6*len(fonts))...)
	obj := func(n int, format string, args ...any) {
		offsets[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n", n)
		fmt.Fprintf(out, format, args...)
		out.WriteString("\nendobj\n")
	}
	stream := func(n int, dict string, data []byte) {
		offsets[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
		out.Write(data)
		out.WriteString("\nendstream\nendobj\n")
	}
	newBody := emptyFontRE.ReplaceAllLiteral(bytes.TrimSpace(body), []byte("/Font << "+refs.String()+">>"))
	obj(res, "%s", newBody)
	for i, f := range fonts {
		n := next + 6*i
		obj(n, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", f.base, n+1, n+2)
		obj(n+1, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> /FontDescriptor %d 0 R %s /CIDToGIDMap %d 0 R >>", f.base, n+3, f.widths, n+4)
		stream(n+2, "", []byte(fpdfToUnicode))
		obj(n+3, "<< /Type /FontDescriptor /FontName /%s %s /FontFile2 %d 0 R >>", f.base, f.desc, n+5)
		stream(n+4, "/Filter /FlateDecode", f.cidToGID)
		stream(n+5, fmt.Sprintf("/Filter /FlateDecode /Length1 %d", f.size), f.file)
	}
	return offsets, nil
}
