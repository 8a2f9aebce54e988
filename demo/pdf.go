package demo

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ozgcloud/desktop/model"
)

// A small hand-written PDF 1.4 writer for the representation of a demo application.
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
	out, content bytes.Buffer
	body         []placed
	slab         []byte
	parts        [][]byte
}

// renderPDF writes doc as a PDF with correct cross-reference offsets.
func renderPDF(doc pdfDoc) []byte {
	var w pdfWriter
	return w.render(doc)
}

// render writes doc as a PDF with correct cross-reference offsets; the result is a
// fresh slice the caller owns.
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

	b := &pw.out
	b.Reset()
	nObj := 5 + 2*len(pages)
	offsets := make([]int, nObj+1)
	obj := func(n int) {
		offsets[n] = b.Len()
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" 0 obj\n")
	}

	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj(1)
	b.WriteString("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	obj(2)
	b.WriteString("<< /Type /Pages /Count ")
	b.WriteString(strconv.Itoa(len(pages)))
	b.WriteString(" /Kids [")
	for i := range pages {
		b.WriteString(strconv.Itoa(6 + 2*i))
		b.WriteString(" 0 R ")
	}
	b.WriteString("] >>\nendobj\n")
	obj(3)
	b.WriteString("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n")
	obj(4)
	b.WriteString("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>\nendobj\n")
	obj(5)
	b.WriteString("<< /Producer (OZG-Cloud Desktop, Demodaten) /Title ")
	writeUTF16Hex(b, doc.Title)
	b.WriteString(" /CreationDate (D:")
	b.WriteString(doc.Created.UTC().Format("20060102150405"))
	b.WriteString("Z) >>\nendobj\n")

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

		obj(6 + 2*i)
		b.WriteString("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ")
		b.WriteString(strconv.Itoa(7 + 2*i))
		b.WriteString(" 0 R >>\nendobj\n")
		obj(7 + 2*i)
		b.WriteString("<< /Length ")
		b.WriteString(strconv.Itoa(content.Len()))
		b.WriteString(" >>\nstream\n")
		b.Write(content.Bytes())
		b.WriteString("\nendstream\nendobj\n")
	}

	xref := b.Len()
	b.WriteString("xref\n0 ")
	b.WriteString(strconv.Itoa(nObj + 1))
	b.WriteString("\n0000000000 65535 f \n")
	var num [10]byte
	for n := 1; n <= nObj; n++ {
		s := strconv.AppendInt(num[:0], int64(offsets[n]), 10)
		for range 10 - len(s) {
			b.WriteByte('0')
		}
		b.Write(s)
		b.WriteString(" 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size ")
	b.WriteString(strconv.Itoa(nObj + 1))
	b.WriteString(" /Root 1 0 R /Info 5 0 R >>\nstartxref\n")
	b.WriteString(strconv.Itoa(xref))
	b.WriteString("\n%%EOF\n")
	return bytes.Clone(b.Bytes())
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

// writeUTF16Hex writes s as a PDF text string in UTF-16BE, which needs no escaping.
func writeUTF16Hex(w *bytes.Buffer, s string) {
	const hexd = "0123456789ABCDEF"
	w.WriteString("<FEFF")
	put := func(u uint16) {
		w.WriteByte(hexd[u>>12])
		w.WriteByte(hexd[u>>8&15])
		w.WriteByte(hexd[u>>4&15])
		w.WriteByte(hexd[u&15])
	}
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	w.WriteByte('>')
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
