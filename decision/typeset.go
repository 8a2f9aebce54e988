package decision

import (
	"regexp"
	"strings"
)

// nbsp is the no-break space: the layout breaks lines only at U+0020.
const nbsp = "\u00a0"

var (
	// An amount and its currency: "45,50 €", "1.234 EUR".
	amountRE = regexp.MustCompile(`(\d) (€|EUR\b|Euro\b)`)
	// A reference and its number: "§ 18", "§§ 55a", "Art. 12", "Abs. 2", "Nr. 1",
	// "Satz 1", "S. 2". The abbreviation must start a word, so "Vnr. 1" stays.
	refRE = regexp.MustCompile(`(^|[\s(„"/])(§§?|Art\.|Abs\.|Nr\.|Satz|S\.) (\d)`)
	// A written date: "1. Dezember 2026", "1. Dez. 2026".
	dateRE = regexp.MustCompile(`(\d{1,2}\.) (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|Jan\.|Feb\.|Apr\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\.) (\d{4})`)
)

// typeset prepares a text for printing: no-break spaces where German typography
// forbids a line break (amount and currency, after §, Art., Abs., Nr., Satz and
// inside written dates), and no soft hyphens, which the layout cannot hyphenate at
// and would otherwise print as a visible hyphen or gap.
func typeset(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "\u00ad", "")
	s = amountRE.ReplaceAllString(s, "${1}"+nbsp+"${2}")
	// Twice: adjacent matches share the separator ("Abs. 2 Satz 1").
	for range 2 {
		s = refRE.ReplaceAllString(s, "${1}${2}"+nbsp+"${3}")
	}
	return dateRE.ReplaceAllString(s, "${1}"+nbsp+"${2}"+nbsp+"${3}")
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
