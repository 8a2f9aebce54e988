package mail

import (
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// htmlToText writes the readable text of an HTML body into b, at most limit bytes
// in total, and reports whether it cut. It walks tokens, so memory stays bounded
// however large the HTML is: block elements become line breaks, list items get a
// dash, links keep their target, scripts and styles are dropped.
func htmlToText(b *strings.Builder, r io.Reader, limit int) bool {
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	z := html.NewTokenizer(r)
	z.SetMaxBuf(1 << 20)
	var t textWriter
	t.b, t.limit = b, limit
	skip := 0 // depth inside script/style/head
	var href string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return t.cut
		case html.TextToken:
			if skip == 0 {
				t.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title", "template":
				skip++
			case "br":
				t.newline(1)
			case "p", "div", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "hr":
				t.newline(2)
			case "tr":
				t.newline(1)
			case "td", "th":
				t.space()
			case "li":
				t.newline(1)
				t.raw("- ")
			case "a":
				href = ""
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = string(v)
					}
				}
			case "img":
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "alt" && len(v) > 0 && skip == 0 {
						t.text("[" + string(v) + "]")
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title", "template":
				if skip > 0 {
					skip--
				}
			case "p", "div", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre":
				t.newline(2)
			case "a":
				if strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://") {
					t.text(" (" + href + ")")
				}
				href = ""
			}
		}
		if t.cut {
			_, _ = io.Copy(io.Discard, r)
			return true
		}
	}
}

// textWriter collapses whitespace the way a browser does and tracks pending breaks.
type textWriter struct {
	b        *strings.Builder
	limit    int
	cut      bool
	newlines int  // newlines written since the last text
	pending  bool // a space is pending
	start    int  // b.Len() when this body began
	started  bool
}

func (t *textWriter) raw(s string) {
	if !t.started {
		t.start, t.started = t.b.Len(), true
	}
	if t.b.Len()+len(s) > t.limit {
		t.cut = true
		return
	}
	t.b.WriteString(s)
}

func (t *textWriter) text(s string) {
	if r, _ := utf8.DecodeRuneInString(s); isHTMLSpace(r) {
		t.pending = true
	}
	for _, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if t.pending && t.newlines == 0 && t.wrote() {
			t.raw(" ")
		}
		t.raw(f)
		t.newlines = 0
		t.pending = true
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	t.pending = isHTMLSpace(r)
}

func (t *textWriter) wrote() bool { return t.started && t.b.Len() > t.start }

func (t *textWriter) space() { t.pending = true }

// newline ends the current line; n is how many line breaks the block wants.
func (t *textWriter) newline(n int) {
	if !t.wrote() {
		return
	}
	for t.newlines < n {
		t.raw("\n")
		t.newlines++
	}
	t.pending = false
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}
