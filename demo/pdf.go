package demo

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/pdf"
)

// The representation of a demo application as a PDF 1.4, written with package pdf.
// It is this plain on purpose: 100,000 of them must be written in seconds, and the
// standard Helvetica with WinAnsiEncoding needs no embedded font for German text.

const (
	pageWidth    = 595 // A4 in points
	pageHeight   = 842
	marginLeft   = 56
	marginRight  = 56
	textTop      = 700 // first body line on the first page
	textTopNext  = 790 // first body line on following pages
	textBottom   = 60
	lineHeight   = 13
	bodySize     = 10
	indentPoints = 14
)

// pdfLine is one line of body text before wrapping.
type pdfLine struct {
	Text   string
	Bold   bool
	Indent int
	// Gap adds half a line of space above.
	Gap bool
}

// pdfDoc is what renderPDF needs.
type pdfDoc struct {
	Title   string   // large, bold, first page
	Header  []string // small lines under the title
	Lines   []pdfLine
	Footer  string // left of the page number
	Created time.Time
}

// placed is a wrapped line with its font and position.
type placed struct {
	text []byte // WinAnsi, not yet escaped
	bold bool
	x    int
	gap  bool
}

// pdfWriter renders PDFs, keeping its scratch buffers between documents so that
// generating many of them allocates little more than the results.
type pdfWriter struct {
	w       *pdf.Writer
	content bytes.Buffer
	body    []placed
	slab    []byte
	parts   [][]byte
}

// Objects every demo PDF shares: the core fonts need no embedding, and every page
// has the same size and resources.
var (
	helvetica     = pdf.NewDict("Type", pdf.Name("Font"), "Subtype", pdf.Name("Type1"), "BaseFont", pdf.Name("Helvetica"), "Encoding", pdf.Name("WinAnsiEncoding"))
	helveticaBold = pdf.NewDict("Type", pdf.Name("Font"), "Subtype", pdf.Name("Type1"), "BaseFont", pdf.Name("Helvetica-Bold"), "Encoding", pdf.Name("WinAnsiEncoding"))
	a4            = pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Integer(pageWidth), pdf.Integer(pageHeight)}
)

// renderPDF writes doc as a PDF.
func renderPDF(doc pdfDoc) []byte {
	var w pdfWriter
	return w.render(doc)
}

// render writes doc as a PDF; the result is a fresh slice the caller owns.
func (pw *pdfWriter) render(doc pdfDoc) []byte {
	body := pw.body[:0]
	pw.slab = pw.slab[:0]
	for _, l := range doc.Lines {
		x := marginLeft + l.Indent*indentPoints
		width := float64(pageWidth - marginRight - x)
		start := len(pw.slab)
		pw.slab = appendWinAnsi(pw.slab, l.Text)
		pw.parts = wrapInto(pw.parts[:0], pw.slab[start:len(pw.slab):len(pw.slab)], width, bodySize, l.Bold)
		for i, w := range pw.parts {
			body = append(body, placed{text: w, bold: l.Bold, x: x + boolInt(i > 0)*indentPoints, gap: l.Gap && i == 0})
		}
	}
	pw.body = body

	// Paginate first so that every page can say "Seite i von n".
	var pages [][]placed
	var cur []placed
	y := textTop
	for i, p := range body {
		need := lineHeight
		if p.gap {
			need += lineHeight / 2
		}
		if y-need < textBottom && len(cur) > 0 {
			pages = append(pages, cur)
			cur, y = nil, textTopNext
		}
		y -= need
		if cur == nil {
			cur = body[i:i]
		}
		cur = cur[:len(cur)+1]
	}
	pages = append(pages, cur)

	if pw.w == nil {
		pw.w = pdf.NewWriter("1.4")
	} else {
		pw.w.Reset("1.4")
	}
	w := pw.w
	catalog, tree := w.Alloc(), w.Alloc()
	resources := pdf.NewDict("Font", pdf.NewDict("F1", w.Add(helvetica), "F2", w.Add(helveticaBold)))
	info := w.Add(pdf.NewDict("Producer", pdf.String("OZG-Cloud Desktop, Demodaten"), "Title", pdf.TextString(doc.Title),
		"CreationDate", pdf.String("D:"+doc.Created.UTC().Format("20060102150405")+"Z")))
	w.Write(catalog, pdf.NewDict("Type", pdf.Name("Catalog"), "Pages", tree))

	kids := make(pdf.Array, len(pages))
	content := &pw.content
	for i, lines := range pages {
		content.Reset()
		if i == 0 {
			textAt(content, doc.Title, true, 16, marginLeft, 780)
			hy := 760
			for _, h := range doc.Header {
				textAt(content, h, false, 9, marginLeft, hy)
				hy -= 12
			}
			content.WriteString("0.5 w 56 ")
			content.WriteString(strconv.Itoa(hy + 4))
			content.WriteString(" m 539 ")
			content.WriteString(strconv.Itoa(hy + 4))
			content.WriteString(" l S\n")
		}
		y := textTop
		if i > 0 {
			y = textTopNext
		}
		for _, p := range lines {
			y -= lineHeight
			if p.gap {
				y -= lineHeight / 2
			}
			writeText(content, p.text, p.bold, bodySize, p.x, y)
		}
		footer := doc.Footer + "   Seite " + strconv.Itoa(i+1) + " von " + strconv.Itoa(len(pages))
		textAt(content, footer, false, 8, marginLeft, 30)

		page, c := w.Alloc(), w.Alloc()
		w.Write(page, pdf.NewDict("Type", pdf.Name("Page"), "Parent", tree, "MediaBox", a4, "Resources", resources, "Contents", c))
		w.WriteStream(c, nil, content.Bytes())
		kids[i] = page
	}
	w.Write(tree, pdf.NewDict("Type", pdf.Name("Pages"), "Count", pdf.Integer(len(pages)), "Kids", kids))
	out, err := w.Finish(pdf.NewDict("Root", catalog, "Info", info))
	if err != nil {
		panic(err) // every object above is written: a bug, not an input
	}
	return bytes.Clone(out)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// textAt writes one line of text, cut to the page width.
func textAt(w *bytes.Buffer, s string, bold bool, size, x, y int) {
	t := winAnsi(s)
	max := float64(pageWidth - marginRight - x)
	for textWidth(t, size, bold) > max && len(t) > 0 {
		t = t[:len(t)-1]
	}
	writeText(w, t, bold, size, x, y)
}

func writeText(w *bytes.Buffer, t []byte, bold bool, size, x, y int) {
	if bold {
		w.WriteString("BT /F2 ")
	} else {
		w.WriteString("BT /F1 ")
	}
	w.WriteString(strconv.Itoa(size))
	w.WriteString(" Tf ")
	w.WriteString(strconv.Itoa(x))
	w.WriteByte(' ')
	w.WriteString(strconv.Itoa(y))
	w.WriteString(" Td (")
	for _, c := range t {
		if c == '(' || c == ')' || c == '\\' {
			w.WriteByte('\\')
		}
		w.WriteByte(c)
	}
	w.WriteString(") Tj ET\n")
}

// wrap breaks t into lines no wider than width; words longer than a line are split.
func wrap(t []byte, width float64, size int, bold bool) [][]byte {
	return wrapInto(nil, t, width, size, bold)
}

func wrapInto(out [][]byte, t []byte, width float64, size int, bold bool) [][]byte {
	if textWidth(t, size, bold) <= width {
		return append(out, t)
	}
	first := len(out)
	// Continuation lines are indented, so they have a little less room.
	for len(t) > 0 {
		w := width
		if len(out) > first {
			w -= indentPoints
		}
		end, lastSpace := 0, -1
		var acc float64
		for end < len(t) {
			acc += charWidth(t[end], bold) * float64(size) / 1000
			if acc > w {
				break
			}
			if t[end] == ' ' {
				lastSpace = end
			}
			end++
		}
		if end == len(t) {
			out = append(out, t)
			break
		}
		cut, next := end, end
		if lastSpace > 0 {
			cut, next = lastSpace, lastSpace+1
		}
		if cut == 0 {
			cut, next = 1, 1
		}
		out = append(out, t[:cut])
		t = t[next:]
	}
	return out
}

func textWidth(t []byte, size int, bold bool) float64 {
	var w float64
	for _, c := range t {
		w += charWidth(c, bold)
	}
	return w * float64(size) / 1000
}

// charWidth returns the advance of a WinAnsi byte in Helvetica, in 1/1000 em. Bold is
// estimated from the regular widths with a margin, which is enough to stay on the page.
func charWidth(c byte, bold bool) float64 {
	w := float64(helveticaWidths[c])
	if w == 0 {
		w = 556
	}
	if bold {
		w *= 1.1
	}
	return w
}

// helveticaWidths holds the Helvetica AFM widths for the WinAnsi code points that
// German text uses; zero means "use the average".
var helveticaWidths = func() [256]uint16 {
	var t [256]uint16
	ascii := []uint16{
		278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
		556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48-63
		1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64-79
		667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80-95
		333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96-111
		556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 112-126
	}
	copy(t[32:], ascii)
	for c, w := range map[byte]uint16{
		0x80: 556, 0x82: 222, 0x84: 333, 0x85: 1000, 0x8A: 667, 0x8E: 611, 0x91: 222,
		0x92: 222, 0x93: 333, 0x94: 333, 0x95: 350, 0x96: 556, 0x97: 1000, 0x99: 1000,
		0x9A: 500, 0x9E: 500, 0xA0: 278, 0xA7: 556, 0xA9: 737, 0xAB: 556, 0xAE: 737,
		0xB0: 400, 0xB2: 333, 0xB3: 333, 0xB5: 556, 0xB7: 278, 0xBB: 556, 0xBD: 834,
		0xC4: 667, 0xC9: 667, 0xD6: 778, 0xD7: 584, 0xDC: 722, 0xDF: 611, 0xE4: 556,
		0xE9: 556, 0xF6: 556, 0xFC: 556, 0xE7: 500, 0xF1: 556, 0xFD: 500,
	} {
		t[c] = w
	}
	for c := 0xC0; c <= 0xFF; c++ {
		if t[c] == 0 {
			switch {
			case c >= 0xE0: // lower case accented letters
				t[c] = 556
			case c == 0xCC || c == 0xCD || c == 0xCE || c == 0xCF:
				t[c] = 278
			default:
				t[c] = 722
			}
		}
	}
	for _, c := range []int{0xEC, 0xED, 0xEE, 0xEF} {
		t[c] = 278
	}
	return t
}()

// winAnsiSpecial maps the characters of Windows-1252's 0x80-0x9F block.
var winAnsiSpecial = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// winAnsi converts s to WinAnsiEncoding; characters it lacks become '?', control
// characters become spaces.
func winAnsi(s string) []byte {
	return appendWinAnsi(make([]byte, 0, len(s)), s)
}

func appendWinAnsi(out []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				c = ' '
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r >= 0xA0 && r <= 0xFF:
			out = append(out, byte(r))
		case r == 'ẞ':
			out = append(out, 'S', 'S')
		case r == '→':
			out = append(out, '-', '>')
		default:
			if b, ok := winAnsiSpecial[r]; ok {
				out = append(out, b)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// formLines flattens a form tree into PDF lines: groups as bold headings, fields as
// "Label: Value".
func formLines(dst []pdfLine, fields []model.FormField, depth int) []pdfLine {
	for _, f := range fields {
		if len(f.Items) > 0 {
			dst = append(dst, pdfLine{Text: f.Label, Bold: true, Indent: depth, Gap: depth == 0})
			dst = formLines(dst, f.Items, depth+1)
			continue
		}
		dst = append(dst, pdfLine{Text: f.Label + ": " + strings.TrimSpace(f.Value), Indent: depth})
	}
	return dst
}
