package decision

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
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
	infoRE      = regexp.MustCompile(`/Info (\d+) 0 R`)
	emptyFontRE = regexp.MustCompile(`/Font <<\s*>>`)
)

// toPDFA turns fpdf's output into PDF/A-1b, which fpdf cannot write itself: it adds
// the binary header comment, an sRGB OutputIntent, XMP metadata matching a new Info
// dictionary, a catalog without the empty EmbeddedFiles tree (forbidden in PDF/A-1)
// and the trailer /ID, and with info.Fonts the shared fonts. The objects it replaces
// are left out, so the result is one clean revision with one complete xref table,
// from which a signature's incremental update can start.
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
	root, err := ref(rootRE, trailer, "/Root")
	if err != nil {
		return nil, err
	}
	oldInfo, err := ref(infoRE, trailer, "/Info")
	if err != nil {
		return nil, err
	}
	catalog, err := object(doc, offsets, root)
	if err != nil {
		return nil, fmt.Errorf("pdfa: %w", err)
	}
	pages, err := ref(pagesRE, catalog, "/Pages")
	if err != nil {
		return nil, err
	}
	drop := map[int]bool{root: true, oldInfo: true}
	var res int
	var resDict []byte
	if len(info.Fonts) > 0 {
		if res, err = ref(resRE, doc, "/Resources"); err != nil {
			return nil, err
		}
		if resDict, err = object(doc, offsets, res); err != nil {
			return nil, fmt.Errorf("pdfa: %w", err)
		}
		drop[res] = true
	}

	var out bytes.Buffer
	grow := len(doc) + len(srgbProfile) + 4096
	for _, f := range info.Fonts {
		grow += len(f.file) + len(f.cidToGID) + len(f.widths) + len(fpdfToUnicode) + 1024
	}
	out.Grow(grow)
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	// Copy fpdf's objects in file order, each up to the next, leaving out replaced ones.
	order := make([]int, 0, size)
	for n, o := range offsets {
		if o > 0 {
			order = append(order, n)
		}
	}
	sort.Slice(order, func(i, j int) bool { return offsets[order[i]] < offsets[order[j]] })
	moved := make([]int, size, size+4+6*len(info.Fonts))
	for i, n := range order {
		end := xrefAt
		if i+1 < len(order) {
			end = offsets[order[i+1]]
		}
		if offsets[n] < len(header) || end > xrefAt || offsets[n] > end {
			return nil, fmt.Errorf("pdfa: %w: object %d at %d", errStructure, n, offsets[n])
		}
		if !drop[n] {
			moved[n] = out.Len()
			out.Write(doc[offsets[n]:end])
		}
	}
	offsets = moved

	id := sha256.Sum256(doc)
	idHex := hex.EncodeToString(id[:16])
	created := info.Created.UTC()
	nInfo, nMeta, nICC, nIntent := oldInfo, size, size+1, size+2
	offsets = append(offsets, 0, 0, 0)
	obj := func(n int, body string) {
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	obj(root, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Lang (de-DE) /Metadata %d 0 R /OutputIntents [%d 0 R] >>",
		pages, nMeta, nIntent))
	obj(nInfo, fmt.Sprintf("<< /Title %s /Creator %s /Producer %s /CreationDate (%s) /ModDate (%s) >>",
		pdfText(info.Title), pdfText(producer), pdfText(producer), pdfDate(created), pdfDate(created)))
	xmp := xmpPacket(info.Title, created)
	obj(nMeta, fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(xmp), xmp))
	obj(nICC, fmt.Sprintf("<< /N 3 /Length %d >>\nstream\n%s\nendstream", len(srgbProfile), srgbProfile))
	obj(nIntent, fmt.Sprintf("<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>", nICC))

	if len(info.Fonts) > 0 {
		if offsets, err = writeFonts(&out, offsets, res, resDict, info.Fonts); err != nil {
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

// ref returns the object number of the first "key N 0 R" re finds in b.
func ref(re *regexp.Regexp, b []byte, key string) (int, error) {
	m := re.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("pdfa: %w: no %s", errStructure, key)
	}
	return strconv.Atoi(string(m[1]))
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

// writeFonts appends the shared fonts' objects and a new version of resource
// dictionary res (whose old text is dict) that names them.
func writeFonts(out *bytes.Buffer, offsets []int, res int, dict []byte, fonts []sharedFont) ([]int, error) {
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
