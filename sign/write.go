package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Options describe one signature.
type Options struct {
	// Time is the signing time written as /M; it is also the time the certificate must be valid at.
	Time time.Time
	// Name, Reason and Location fill the optional entries of the signature dictionary.
	Name, Reason, Location string
	// Rand feeds the signature algorithm; nil means crypto/rand.
	Rand io.Reader
	// TSA, when set, adds an RFC 3161 timestamp over the signature (PAdES B-T).
	TSA Timestamper
}

const byteRangeWidth = 10

// Sign appends a PAdES B-B signature (ETSI.CAdES.detached) to pdf as an
// incremental update with an invisible signature field on the first page, and
// returns the new file; pdf itself is not modified. With opt.TSA it adds a
// timestamp (B-T); when the TSA fails, Sign still returns the PDF, signed
// without timestamp, together with an error wrapping ErrTimestamp, so the
// caller can keep it and tell the clerk. Errors: those of Check, ErrPDF, ErrSpace.
func Sign(pdf []byte, s Signer, opt Options) ([]byte, error) {
	if err := Check(s, opt.Time); err != nil {
		return nil, err
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	doc, err := parseTrailer(pdf)
	if err != nil {
		return nil, fmt.Errorf("sign: read pdf: %w", err)
	}
	if doc.trailer.get("Encrypt") != nil {
		// Our new objects would be written unencrypted into an encrypted file.
		return nil, fmt.Errorf("sign: encrypted pdf: %w", ErrPDF)
	}
	u, err := newUpdate(doc)
	if err != nil {
		return nil, fmt.Errorf("sign: read pdf: %w", err)
	}
	reserve := 2 * contentsEstimate(s)
	if opt.TSA != nil {
		reserve += 2 * tokenEstimate
	}
	out, need, tsErr, err := write(pdf, doc, u, s, opt, reserve)
	if errors.Is(err, ErrSpace) && need > 0 {
		// Only an unusually large timestamp token gets here; lay out once more with room for it.
		out, _, tsErr, err = write(pdf, doc, u, s, opt, 2*need+1024)
	}
	if err != nil {
		return nil, err
	}
	if tsErr != nil {
		if !errors.Is(tsErr, ErrTimestamp) {
			tsErr = fmt.Errorf("%w: %v", ErrTimestamp, tsErr)
		}
		return out, fmt.Errorf("sign: signed without timestamp: %w", tsErr)
	}
	return out, nil
}

// tokenEstimate is the room for a timestamp token: TSTInfo, TSA signature and certificates.
const tokenEstimate = 12 << 10

// write lays out the update with reserve hex digits for /Contents and signs it.
// need is the CMS size when it did not fit.
func write(pdf []byte, doc *document, u *update, s Signer, opt Options, reserve int) (b []byte, need int, tsErr error, err error) {
	h := hashFor(s.Public())
	out := bytes.NewBuffer(make([]byte, 0, len(pdf)+reserve+4096))
	out.Write(pdf)
	if len(pdf) > 0 && pdf[len(pdf)-1] != '\n' && pdf[len(pdf)-1] != '\r' {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	gens := map[int]int{}

	// Signature dictionary, with room reserved for /ByteRange and /Contents.
	offsets[u.sigNum] = out.Len()
	fmt.Fprintf(out, "%d 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M %s", u.sigNum, pdfText(pdfDate(opt.Time)))
	for _, e := range []struct{ k, v string }{{"Name", opt.Name}, {"Reason", opt.Reason}, {"Location", opt.Location}} {
		if e.v != "" {
			fmt.Fprintf(out, " /%s %s", e.k, pdfText(e.v))
		}
	}
	out.WriteString(" /ByteRange [0 ")
	byteRangePos := out.Len()
	out.Write(bytes.Repeat([]byte(" "), 3*(byteRangeWidth+1)))
	out.WriteString("] /Contents ")
	contentsStart := out.Len()
	out.WriteByte('<')
	out.Write(bytes.Repeat([]byte("0"), reserve))
	out.WriteByte('>')
	contentsEnd := out.Len()
	out.WriteString(">>\nendobj\n")

	for _, o := range u.objects() {
		offsets[o.num] = out.Len()
		gens[o.num] = o.gen
		fmt.Fprintf(out, "%d %d obj\n", o.num, o.gen)
		out.Write(o.body)
		out.WriteString("\nendobj\n")
	}

	writeXref(out, doc, u, offsets, gens)

	b = out.Bytes()
	br := []int{0, contentsStart, contentsEnd, len(b) - contentsEnd}
	field := fmt.Sprintf("%d %d %d", br[1], br[2], br[3])
	if len(field) > 3*(byteRangeWidth+1) {
		return nil, 0, nil, fmt.Errorf("sign: byte range: %w", ErrSpace)
	}
	copy(b[byteRangePos:], field)

	d := h.New()
	d.Write(b[:br[1]])
	d.Write(b[br[2]:])
	content := cmsContent{contentType: oidData, digest: d.Sum(nil)}
	if opt.TSA != nil {
		stamp := timestampAttribute(opt.TSA, h)
		// Offline is normal for a town hall PC: a failed timestamp leaves a B-B signature.
		content.unsigned = func(sig []byte) ([][]byte, error) {
			attrs, err := stamp(sig)
			if err != nil {
				tsErr = err
				return nil, nil
			}
			return attrs, nil
		}
	}
	cms, err := buildSignedData(s, h, content, opt.Rand)
	if err != nil {
		return nil, 0, nil, err
	}
	if 2*len(cms) > reserve {
		return nil, len(cms), nil, fmt.Errorf("sign: %d bytes for %d: %w", len(cms), reserve/2, ErrSpace)
	}
	hex.Encode(b[contentsStart+1:], cms)
	return b, 0, tsErr, nil
}

// writeXref ends the update with a cross-reference section of the same kind
// as the file's last one: a classic table and trailer, or an xref stream.
func writeXref(out *bytes.Buffer, doc *document, u *update, offsets, gens map[int]int) {
	size := u.size
	xrefPos := out.Len()
	if doc.xrefStream {
		offsets[size] = xrefPos
		gens[size] = 0
		size++
	}
	nums := make([]int, 0, len(offsets))
	for n := range offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var index [][2]int // first, count
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, [2]int{nums[i], j - i + 1})
		i = j + 1
	}
	tr := &dict{vals: map[string][]byte{}}
	if doc.xrefStream {
		tr.set("Type", []byte("/XRef"))
	}
	tr.set("Size", []byte(strconv.Itoa(size)))
	tr.set("Root", doc.trailer.get("Root"))
	if v := doc.trailer.get("Info"); v != nil {
		tr.set("Info", v)
	}
	tr.set("ID", u.id)
	tr.set("Prev", []byte(strconv.FormatInt(doc.startxref, 10)))

	if !doc.xrefStream {
		out.WriteString("xref\n")
		k := 0
		for _, ix := range index {
			fmt.Fprintf(out, "%d %d\n", ix[0], ix[1])
			for ; ix[1] > 0; ix[1]-- {
				fmt.Fprintf(out, "%010d %05d n\r\n", offsets[nums[k]], gens[nums[k]])
				k++
			}
		}
		out.WriteString("trailer\n")
		out.Write(tr.bytes())
	} else {
		// Rows of type 1: 1 byte type, 4 bytes offset, 2 bytes generation, unfiltered.
		rows := make([]byte, 0, 7*len(nums))
		for _, n := range nums {
			o, g := offsets[n], gens[n]
			rows = append(rows, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), byte(g>>8), byte(g))
		}
		var ixs []string
		for _, ix := range index {
			ixs = append(ixs, fmt.Sprintf("%d %d", ix[0], ix[1]))
		}
		tr.set("W", []byte("[1 4 2]"))
		tr.set("Index", []byte("["+strings.Join(ixs, " ")+"]"))
		tr.set("Length", []byte(strconv.Itoa(len(rows))))
		fmt.Fprintf(out, "%d 0 obj\n", u.size)
		out.Write(tr.bytes())
		out.WriteString("\nstream\n")
		out.Write(rows)
		out.WriteString("\nendstream\nendobj")
	}
	fmt.Fprintf(out, "\nstartxref\n%d\n%%%%EOF\n", xrefPos)
}

// contentsEstimate is an upper bound of the CMS size in bytes, generous so
// that no signature ever needs a second pass.
func contentsEstimate(s Signer) int {
	n := 2048
	for _, c := range s.Chain() {
		n += len(c.Raw) + 16
	}
	switch k := s.Public().(type) {
	case *rsa.PublicKey:
		n += k.Size()
	case *ecdsa.PublicKey:
		n += 2*(k.Curve.Params().BitSize+7)/8 + 16
	default:
		n += 1024
	}
	return n
}

type newObject struct {
	num, gen int
	body     []byte
}

// update holds the objects an incremental update rewrites or adds.
type update struct {
	sigNum, widgetNum, apNum, size int
	catalog                        *dict
	rootNum, rootGen               int
	page                           *dict
	pageNum, pageGen               int
	acro                           *dict // written as its own object when acroNum > 0
	acroNum, acroGen               int
	id                             []byte
	widget                         *dict
}

func newUpdate(doc *document) (*update, error) {
	size, ok := integer(doc.trailer.get("Size"))
	if !ok || size <= 0 || size > 1<<23 {
		return nil, fmt.Errorf("%w: bad trailer /Size", ErrPDF)
	}
	u := &update{sigNum: int(size), widgetNum: int(size) + 1, apNum: int(size) + 2, size: int(size) + 3}
	u.rootNum, _ = ref(doc.trailer.get("Root"))
	u.rootGen = doc.xref[u.rootNum].gen
	var err error
	if u.catalog, err = doc.dict(doc.trailer.get("Root")); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if u.pageNum, err = firstPage(doc, u.catalog.get("Pages")); err != nil {
		return nil, err
	}
	u.pageGen = doc.xref[u.pageNum].gen
	pv, err := doc.object(u.pageNum)
	if err != nil {
		return nil, err
	}
	if u.page, _, err = parseDict(pv, 0); err != nil {
		return nil, err
	}

	u.acro = &dict{vals: map[string][]byte{}}
	if av := u.catalog.get("AcroForm"); av != nil {
		if n, ok := ref(av); ok {
			u.acroNum, u.acroGen = n, doc.xref[n].gen
		}
		if u.acro, err = doc.dict(av); err != nil {
			return nil, fmt.Errorf("acroform: %w", err)
		}
	}
	var fields [][]byte
	if fv := u.acro.get("Fields"); fv != nil {
		if fv, err = doc.resolve(fv); err != nil {
			return nil, err
		}
		if fields, err = array(fv); err != nil {
			return nil, fmt.Errorf("acroform fields: %w", err)
		}
	}
	widgetRef := []byte(fmt.Sprintf("%d 0 R", u.widgetNum))
	u.acro.set("Fields", joinArray(append(fields, widgetRef)))
	u.acro.set("SigFlags", []byte("3"))
	if u.acroNum == 0 {
		u.catalog.set("AcroForm", u.acro.bytes())
	}
	fieldName := fmt.Sprintf("Signatur%d", len(fields)+1)

	var annots [][]byte
	if av := u.page.get("Annots"); av != nil {
		if av, err = doc.resolve(av); err != nil {
			return nil, err
		}
		if annots, err = array(av); err != nil {
			return nil, fmt.Errorf("page annots: %w", err)
		}
	}
	u.page.set("Annots", joinArray(append(annots, widgetRef)))

	widget := &dict{vals: map[string][]byte{}}
	widget.set("Type", []byte("/Annot"))
	widget.set("Subtype", []byte("/Widget"))
	widget.set("FT", []byte("/Sig"))
	widget.set("T", pdfText(fieldName))
	widget.set("V", []byte(fmt.Sprintf("%d 0 R", u.sigNum)))
	widget.set("P", []byte(fmt.Sprintf("%d %d R", u.pageNum, u.pageGen)))
	widget.set("Rect", []byte("[0 0 0 0]"))
	widget.set("F", []byte("132")) // Print and Locked: PDF/A wants Print set
	// PDF/A validators (PDFBox Preflight) want an appearance even for an invisible widget.
	widget.set("AP", []byte(fmt.Sprintf("<</N %d 0 R>>", u.apNum)))
	u.widget = widget

	if idv := doc.trailer.get("ID"); idv != nil {
		u.id = idv
	} else {
		sum := sha256.Sum256(doc.data)
		h := hex.EncodeToString(sum[:16])
		u.id = []byte("[<" + h + "> <" + h + ">]")
	}
	return u, nil
}

func (u *update) objects() []newObject {
	objs := []newObject{
		{u.widgetNum, 0, u.widget.bytes()},
		{u.apNum, 0, []byte("<</Type /XObject /Subtype /Form /BBox [0 0 0 0] /Resources <<>> /Length 0>>\nstream\n\nendstream")},
		{u.rootNum, u.rootGen, u.catalog.bytes()},
		{u.pageNum, u.pageGen, u.page.bytes()},
	}
	if u.acroNum > 0 {
		objs = append(objs, newObject{u.acroNum, u.acroGen, u.acro.bytes()})
	}
	return objs
}

// firstPage walks /Kids down to the first leaf of the page tree.
func firstPage(doc *document, pages []byte) (int, error) {
	for depth := 0; depth < 32; depth++ {
		n, ok := ref(pages)
		if !ok {
			return 0, fmt.Errorf("%w: page tree node is not a reference", ErrPDF)
		}
		d, err := doc.dict(pages)
		if err != nil {
			return 0, fmt.Errorf("page tree: %w", err)
		}
		if name(d.get("Type")) == "Page" {
			return n, nil
		}
		kv, err := doc.resolve(d.get("Kids"))
		if err != nil {
			return 0, err
		}
		kids, err := array(kv)
		if err != nil || len(kids) == 0 {
			return 0, fmt.Errorf("%w: empty page tree", ErrPDF)
		}
		pages = kids[0]
	}
	return 0, fmt.Errorf("%w: page tree too deep", ErrPDF)
}

func joinArray(els [][]byte) []byte {
	return append(append([]byte("["), bytes.Join(els, []byte(" "))...), ']')
}

// pdfDate formats t as a PDF date with its UTC offset.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// pdfText encodes a text string: literal for ASCII, UTF-16BE with BOM otherwise.
func pdfText(s string) []byte {
	ascii := true
	for _, r := range s {
		if r >= 0x80 || r < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte(')')
		return b.Bytes()
	}
	u := utf16.Encode([]rune(s))
	buf := make([]byte, 2, 2+2*len(u))
	buf[0], buf[1] = 0xFE, 0xFF
	for _, c := range u {
		buf = append(buf, byte(c>>8), byte(c))
	}
	return []byte("<" + hex.EncodeToString(buf) + ">")
}
