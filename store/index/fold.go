package index

import (
	"slices"
	"strings"
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
	p := make([]byte, 0, len(s)+4)
	a := make([]byte, 0, len(s)+4)
	var prev byte // the last ASCII vowel written, for a combining diaeresis after it
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			p, a, prev = append(p, c), append(a, c), c
			continue
		}
		if r == '\u0308' { // combining diaeresis: "u\u0308" is ü written decomposed
			if prev == 'a' || prev == 'o' || prev == 'u' {
				p = append(p, 'e')
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
			p = append(p, v, 'e')
			a = append(a, v)
			umlaut = true
			continue
		case 'ß', 'ẞ':
			p, a = append(p, "ss"...), append(a, "ss"...)
			continue
		}
		if r < rune(len(latin)) && latin[r] != "" {
			p, a = append(p, latin[r]...), append(a, latin[r]...)
			continue
		}
		p, a = utf8.AppendRune(p, r), utf8.AppendRune(a, r)
	}
	prim = string(p)
	if !umlaut {
		return prim, prim, false
	}
	return prim, string(a), true
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
	var out []string
	// add trims hyphens after folding, since folding drops combining marks that may
	// stand before a hyphen.
	add := func(f string) {
		if f = strings.Trim(f, "-"); f == "" {
			return
		}
		out = append(out, clip(f))
		if strings.IndexByte(f, '-') >= 0 {
			for sub := range strings.SplitSeq(f, "-") {
				if sub != "" {
					out = append(out, clip(sub))
				}
			}
		}
	}
	for _, part := range parts {
		words(part, func(w string) {
			p, a, umlaut := fold2(w)
			add(p)
			if umlaut {
				add(a)
			}
		})
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// queryWords splits a search text into folded words. A hyphenated word stays whole
// so that "BAU-2026-00" narrows to file numbers instead of matching "bau" and "2026"
// anywhere; only leading hyphens go, since "bau-" is a useful prefix.
func queryWords(text string) []string {
	var out []string
	words(text, func(w string) {
		if f := clip(strings.TrimLeft(Fold(w), "-")); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	})
	return out
}
