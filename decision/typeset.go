package decision

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nbsp is the no-break space: the layout breaks lines only at U+0020.
const nbsp = "\u00a0"

// refs are the abbreviations a number must not be separated from.
var refs = map[string]bool{"§": true, "§§": true, "Art.": true, "Abs.": true, "Nr.": true, "Satz": true, "S.": true}

// months are the month names, written out or abbreviated, of a written date.
var months = map[string]bool{
	"Januar": true, "Februar": true, "März": true, "April": true, "Mai": true, "Juni": true, "Juli": true,
	"August": true, "September": true, "Oktober": true, "November": true, "Dezember": true,
	"Jan.": true, "Feb.": true, "Apr.": true, "Aug.": true, "Sep.": true, "Sept.": true, "Okt.": true,
	"Nov.": true, "Dez.": true,
}

// typeset prepares a text for printing: no-break spaces where German typography
// forbids a line break (amount and currency, after §, Art., Abs., Nr., Satz and
// inside written dates), and no soft hyphens, which the layout cannot hyphenate at
// and would otherwise print as a visible hyphen or gap. One pass over the text, no
// regular expressions: it runs on every block of every letter.
func typeset(s string) string {
	for strings.Contains(s, "\u00ad") { // again: removing one may join invalid bytes into another
		s = strings.ReplaceAll(s, "\u00ad", "")
	}
	if !strings.Contains(s, " ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	glue := -1 // index of a space already known to be glued (a date's second one)
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			b.WriteByte(s[i])
			continue
		}
		keep := i == glue || i > 0 && i+1 < len(s) && glued(s, i)
		if !keep && i > 1 && s[i-1] == '.' && i+1 < len(s) && s[i+1] >= 'A' && s[i+1] <= 'Z' && isDay(wordBefore(s, i)) {
			next := wordAfter(s, i+1)
			j := i + 1 + len(next)
			if months[next] && len(s) >= j+5 && s[j] == ' ' && allDigits(s[j+1:j+5]) {
				keep, glue = true, j
			}
		}
		if keep {
			b.WriteString(nbsp)
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// glued reports whether the space at s[i] joins a reference to its number or an
// amount to its currency. The cheap byte tests come first: most spaces are neither.
func glued(s string, i int) bool {
	last, first := s[i-1], s[i+1]
	if first >= '0' && first <= '9' {
		// "§" ends in 0xA7, "Art." in '.', "Satz" in 'z'.
		return (last == 0xA7 || last == '.' || last == 'z') && refs[wordBefore(s, i)]
	}
	if last < '0' || last > '9' {
		return false
	}
	next := s[i+1:]
	return strings.HasPrefix(next, "€") ||
		strings.HasPrefix(next, "EUR") && !isLetter(next[3:]) ||
		strings.HasPrefix(next, "Euro") && !isLetter(next[4:])
}

// wordBefore returns the word ending at s[i], back to whitespace or an opening
// bracket, quote or slash.
func wordBefore(s string, i int) string {
	j := i
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsSpace(r) || r == '(' || r == '„' || r == '"' || r == '/' {
			break
		}
		j -= n
	}
	return s[j:i]
}

// wordAfter returns the word starting at s[i], up to whitespace.
func wordAfter(s string, i int) string {
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += n
	}
	return s[i:j]
}

func isLetter(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return w != "" && unicode.IsLetter(r)
}

// isDay reports a day of a written date, "1." to "31.".
func isDay(w string) bool {
	d, ok := strings.CutSuffix(w, ".")
	return ok && len(d) >= 1 && len(d) <= 2 && allDigits(d)
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// printed returns the letter as it is printed: every text typeset. The verification
// code stays that of the letter as filled, so the cloud's hash does not depend on
// typography.
func (l Letter) printed() Letter {
	p := l
	h := &p.Letterhead
	for _, f := range []*string{&h.Authority, &h.Unit, &h.Street, &h.City} {
		*f = typeset(*f)
	}
	p.Contact.Name = typeset(p.Contact.Name)
	p.Signer = typeset(p.Signer)
	p.Recipient = make([]string, len(l.Recipient))
	for i, r := range l.Recipient {
		p.Recipient[i] = typeset(r)
	}
	p.Blocks = make([]Block, len(l.Blocks))
	for i, b := range l.Blocks {
		p.Blocks[i] = Block{Kind: b.Kind, Title: typeset(b.Title), Text: typeset(b.Text)}
	}
	return p
}
