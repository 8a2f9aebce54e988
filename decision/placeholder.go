package decision

import (
	"maps"
	"slices"
)

// Placeholder names with a part of their own in templates.
const (
	// PlaceholderRemedy is the legal-remedy instructions, which every decision needs.
	PlaceholderRemedy = "rechtsbehelf"
	// PlaceholderFee is the fee's amount; a block using it makes the fee required.
	PlaceholderFee = "gebuehr"
	// FormPrefix + FELD is the value of the application's form field FELD.
	FormPrefix = "form."
	// ClerkPrefix + NAME is a text the clerk types when making the decision. Any name
	// that is neither filled from the case nor marked so is one the administration
	// probably misspelt.
	ClerkPrefix = "eingabe."
)

// fromCase are the placeholders Fill fills from the case, the letterhead, the clerk,
// the letter's date and the fee (values); TestFromCaseIsWhatFillFills keeps the two
// equal.
var fromCase = map[string]bool{
	"antragsteller.name": true, "antragsteller.strasse": true, "antragsteller.ort": true,
	"antragsteller.anschrift": true, "aktenzeichen": true, "vorgang.titel": true, "vorgangsart": true,
	"eingangsdatum": true, "datum": true, "behoerde.name": true, "behoerde.anschrift": true,
	"bank": true, "iban": true, "bic": true, "verwendungszweck": true, "sachbearbeitung.name": true,
	PlaceholderFee: true, "faelligkeit": true, PlaceholderRemedy: true,
	"kostenentscheidung": true, "kassenzeichen": true, "gebuehr.grundlage": true, "zahlungshinweise": true,
}

// FromCase reports whether Fill fills the placeholder itself, from the case (its form
// fields included), the letterhead, the clerk, the letter's date or the fee; any
// other placeholder takes its value from Data.Values, typed by the clerk.
func FromCase(name string) bool {
	return fromCase[name] || len(name) > len(FormPrefix) && name[:len(FormPrefix)] == FormPrefix
}

// FromCaseNames returns the names of the placeholders Fill fills itself, sorted, form
// fields (FormPrefix) aside.
func FromCaseNames() []string { return slices.Sorted(maps.Keys(fromCase)) }

// Placeholders returns the names of the placeholders ("{{name}}") in s, in order of
// first appearance, each once.
func Placeholders(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if name := m[1]; !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
