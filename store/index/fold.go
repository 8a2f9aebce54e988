package index

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxTokenBytes caps tokens and query words alike, so a prefix of a long word still
// matches: both sides are cut at the same length.
const maxTokenBytes = 64

// latin folds the lower-case letters of Latin-1 and Latin Extended-A that are not
// German umlauts; ä, ö, ü and ß are handled apart because they also yield the
// alternate form.
var latin = [0x180]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ð': "d", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ø': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ý': "y", 'þ': "th", 'ÿ': "y",
	'ā': "a", 'ă': "a", 'ą': "a", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g", 'ĥ': "h", 'ħ': "h",
	'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i", 'ĳ': "ij", 'ĵ': "j", 'ķ': "k", 'ĸ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ń': "n", 'ņ': "n", 'ň': "n", 'ŉ': "n", 'ŋ': "n",
	'ō': "o", 'ŏ': "o", 'ő': "o", 'œ': "oe", 'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ţ': "t", 'ť': "t", 'ŧ': "t",
	'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w", 'ŷ': "y", 'ź': "z", 'ż': "z", 'ž': "z", 'ſ': "s",
}

// Fold returns s in the form the index compares: lower case, ä->ae, ö->oe, ü->ue,
// ß and ẞ->ss, other accents of Latin letters stripped (é->e, ł->l). Characters that
// are not letters are kept, so Fold also serves as a sort key.
func Fold(s string) string {
	p, _, _ := fold2(s)
	return p
}

// fold2 returns the folding of s and its alternate form, in which umlauts lose their
// "e" (Müller: "mueller" and "muller"); umlaut reports whether the two differ.
func fold2(s string) (prim, alt string, umlaut bool) {
	if plainASCII(s) {
		return s, s, false
	}
	p, umlaut := appendFold(make([]byte, 0, len(s)+4), s, false)
	prim = string(p)
	if !umlaut {
		return prim, prim, false
	}
	a, _ := appendFold(make([]byte, 0, len(s)+4), s, true)
	return prim, string(a), true
}

// appendFold appends the folding of s to dst, or its alternate form if alt is set;
// umlaut reports whether the two forms of s differ.
func appendFold(dst []byte, s string, alt bool) (_ []byte, umlaut bool) {
	var prev byte // the last ASCII vowel written, for a combining diaeresis after it
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst, prev = append(dst, c), c
			continue
		}
		if r == '\u0308' { // combining diaeresis: "u\u0308" is ü written decomposed
			if prev == 'a' || prev == 'o' || prev == 'u' {
				if !alt {
					dst = append(dst, 'e')
				}
				umlaut = true
			}
			prev = 0
			continue
		}
		prev = 0
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'ä', 'ö', 'ü':
			v := byte('a')
			if r == 'ö' {
				v = 'o'
			} else if r == 'ü' {
				v = 'u'
			}
			dst = append(dst, v)
			if !alt {
				dst = append(dst, 'e')
			}
			umlaut = true
			continue
		case 'ß', 'ẞ':
			dst = append(dst, "ss"...)
			continue
		}
		if r < rune(len(latin)) && latin[r] != "" {
			dst = append(dst, latin[r]...)
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst, umlaut
}

// plainASCII reports whether s is ASCII without upper-case letters, so folds to itself.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// wordRune reports whether r belongs to a word: letters, digits, combining marks and
// the hyphen, which joins parts of file numbers and double names.
func wordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || r == '-'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// words calls fn with each maximal run of word runes in s.
func words(s string, fn func(string)) {
	start := -1
	for i, r := range s {
		if wordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fn(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		fn(s[start:])
	}
}

// clip cuts s to maxTokenBytes at a rune boundary.
func clip(s string) string {
	if len(s) <= maxTokenBytes {
		return s
	}
	n := maxTokenBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Tokens splits parts into words, folds them and returns the sorted, distinct
// tokens. A word with umlauts adds its alternate form too ("mueller", "muller"); a
// hyphenated word such as a file number adds itself whole and each of its parts
// ("bau-2026-0042-a7", "bau", "2026", "0042", "a7").
func Tokens(parts ...string) []string {
	t := newTokenizer()
	defer t.release()
	for _, p := range parts {
		t.add(p)
	}
	return t.tokens()
}

// tokenizer collects the tokens of one row. The folded words go into one buffer and
// the tokens are spans of it, so a row costs two allocations (its token strings and
// the slice of them) instead of several per word; RowOf builds the row's index
// entries for every case of a sync, where this was most of the time.
type tokenizer struct {
	buf   []byte
	spans []span
}

type span struct{ lo, hi int32 }

var tokenizers = sync.Pool{New: func() any { return new(tokenizer) }}

func newTokenizer() *tokenizer { return tokenizers.Get().(*tokenizer) }

// release returns t to the pool unless it grew unusually big.
func (t *tokenizer) release() {
	if cap(t.buf) > 1<<16 || cap(t.spans) > 1<<13 {
		return
	}
	t.buf, t.spans = t.buf[:0], t.spans[:0]
	tokenizers.Put(t)
}

// add splits part into words and records their tokens.
func (t *tokenizer) add(part string) {
	words(part, t.word)
}

// word records the folded forms of w.
func (t *tokenizer) word(w string) {
	lo := len(t.buf)
	var umlaut bool
	t.buf, umlaut = appendFold(t.buf, w, false)
	t.span(lo, len(t.buf))
	if umlaut {
		lo = len(t.buf)
		t.buf, _ = appendFold(t.buf, w, true)
		t.span(lo, len(t.buf))
	}
}

// span records buf[lo:hi] trimmed of hyphens, and its hyphen-separated parts. Hyphens
// are trimmed after folding, since folding drops combining marks that may stand
// before a hyphen.
func (t *tokenizer) span(lo, hi int) {
	for lo < hi && t.buf[lo] == '-' {
		lo++
	}
	for hi > lo && t.buf[hi-1] == '-' {
		hi--
	}
	if lo == hi {
		return
	}
	t.spans = append(t.spans, t.clip(lo, hi))
	if bytes.IndexByte(t.buf[lo:hi], '-') < 0 {
		return
	}
	start := lo
	for i := lo; i <= hi; i++ {
		if i == hi || t.buf[i] == '-' {
			if i > start {
				t.spans = append(t.spans, t.clip(start, i))
			}
			start = i + 1
		}
	}
}

// clip is clip for a span of buf.
func (t *tokenizer) clip(lo, hi int) span {
	if hi-lo > maxTokenBytes {
		hi = lo + maxTokenBytes
		for hi > lo && !utf8.RuneStart(t.buf[hi]) {
			hi--
		}
	}
	return span{int32(lo), int32(hi)}
}

// tokens returns the recorded tokens sorted and distinct. Sorting strings is
// markedly faster than sorting spans with a comparison func, so the buffer becomes
// one string first; when duplicates and cut-off parts make up more than a quarter of
// it, the distinct tokens are copied into a string of their own so that the row does
// not keep the rest alive.
func (t *tokenizer) tokens() []string {
	if len(t.spans) == 0 {
		return nil
	}
	all := string(t.buf)
	out := make([]string, len(t.spans))
	for i, s := range t.spans {
		out[i] = all[s.lo:s.hi]
	}
	slices.Sort(out)
	out = slices.Clip(slices.Compact(out))
	size := 0
	for _, tok := range out {
		size += len(tok)
	}
	if size >= len(all)*3/4 {
		return out
	}
	var sb strings.Builder
	sb.Grow(size)
	for _, tok := range out {
		sb.WriteString(tok)
	}
	packed := sb.String()
	off := 0
	for i, tok := range out {
		out[i] = packed[off : off+len(tok)]
		off += len(tok)
	}
	return out
}

// QueryWords splits a search text into folded, distinct words, each of which must be
// the prefix of a token. A hyphenated word stays whole so that "BAU-2026-00" narrows
// to file numbers instead of matching "bau" and "2026" anywhere; only leading hyphens
// go, since "bau-" is a useful prefix.
func QueryWords(text string) []string {
	var out []string
	words(text, func(w string) {
		if f := clip(strings.TrimLeft(Fold(w), "-")); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	})
	return out
}
