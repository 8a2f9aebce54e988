package decision

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// ErrFee reports a fee where the law allows none.
var ErrFee = errors.New("decision: fee not allowed")

// Fee is the fee a decision sets, once, in its operative part.
type Fee struct {
	Cents int64     `json:"cents"`
	Due   time.Time `json:"due"` // calendar date
	// Basis is the legal basis as it reads after "Die Gebühr beruht auf": statute or
	// Satzung with its date and the tariff number, "§ 1 und Tarifstelle 3.2 der
	// Verwaltungsgebührensatzung der Gemeinde Musterhausen vom 12.03.2021". Empty
	// prints a general reference to the authority's fee statute, which the app
	// should not let a clerk send.
	Basis string `json:"basis,omitempty"`
	// Kassenzeichen identifies the payment; empty means the file number.
	Kassenzeichen string `json:"kassenzeichen,omitempty"`
}

// feeFree are the case types whose procedure costs nothing, with the cost decision
// their letters print instead.
var feeFree = map[string]string{
	"WOHNGELD": "Das Verfahren ist kostenfrei (§ 64 Abs. 1 SGB X).",
}

// FeeFree reports whether decisions of the case type may set no fee (Wohngeld:
// § 64 (1) SGB X).
func FeeFree(caseType string) bool { _, ok := feeFree[caseType]; return ok }

// paymentNotes follow the payment details: the fee is due even under a remedy, and
// what happens when it is paid late.
const paymentNotes = "Ein Rechtsbehelf gegen die Festsetzung der Gebühr hat keine aufschiebende Wirkung " +
	"(§ 80 Abs. 2 Satz 1 Nr. 1 VwGO); der Betrag ist daher auch dann bis zum Fälligkeitstag zu zahlen. " +
	"Wird nicht rechtzeitig gezahlt, können Säumniszuschläge erhoben und der Betrag im " +
	"Verwaltungsvollstreckungsverfahren beigetrieben werden."

// feeText is the fee block: how to pay the fee the operative part set.
const feeText = `Bitte überweisen Sie den Betrag bis zum {{faelligkeit}} unter Angabe des Kassenzeichens.

Betrag: {{gebuehr}}
Fällig am: {{faelligkeit}}
Empfänger: {{behoerde.name}}
IBAN: {{iban}}
BIC: {{bic}} ({{bank}})
Verwendungszweck: Kassenzeichen {{kassenzeichen}}

{{zahlungshinweise}}`

// feeValues fills the fee's placeholders and the cost decision, which exists only
// with a fee or as the statement that no costs are charged.
func feeValues(v map[string]string, c *model.Case, d Data) {
	v["kassenzeichen"] = c.FileNumber
	if free, ok := feeFree[c.Type]; ok {
		v["kostenentscheidung"] = free
	} else {
		v["kostenentscheidung"] = "Für diesen Bescheid werden keine Kosten erhoben."
	}
	if d.Fee == nil {
		return
	}
	f := d.Fee
	v["gebuehr"] = FormatEuro(f.Cents)
	v["zahlungshinweise"] = paymentNotes
	if !f.Due.IsZero() {
		v["faelligkeit"] = FormatDate(f.Due)
	}
	if f.Kassenzeichen != "" {
		v["kassenzeichen"] = f.Kassenzeichen
	}
	v["verwendungszweck"] = "Kassenzeichen " + v["kassenzeichen"]
	v["gebuehr.grundlage"] = f.Basis
	if f.Basis == "" {
		v["gebuehr.grundlage"] = "der Verwaltungsgebührensatzung " + genitive(d.Letterhead.Authority) + " in der geltenden Fassung"
	}
	if !FeeFree(c.Type) {
		v["kostenentscheidung"] = "Die Kosten des Verfahrens tragen Sie. Die Verwaltungsgebühr wird auf " + v["gebuehr"] + " festgesetzt."
	}
}

// genitive returns "der Gemeinde X" / "des Amtes X" where the first word tells,
// else "von X".
func genitive(name string) string {
	d, ok := DativeOf(name)
	switch {
	case !ok:
		return "von " + name
	case d[:4] == "der ":
		return d
	}
	return "von " + name // "dem Amt X": the genitive changes the noun; keep it simple
}

// feeBlocks returns t's blocks as the case type allows them: for a fee-free case
// type without a fee the fee block is left out; a fee, or a block that needs one
// (a Gebührenbescheid), is refused with ErrFee.
func feeBlocks(t Template, c *model.Case, d Data) ([]Block, error) {
	if !FeeFree(c.Type) {
		return t.Blocks, nil
	}
	refuse := fmt.Errorf("%w: %s is free of charge (§ 64 (1) SGB X)", ErrFee, c.Type)
	var out []Block
	for _, b := range t.Blocks {
		names := Placeholders(b.Title + "\n" + b.Text)
		switch {
		case b.Kind == KindFee && d.Fee == nil:
			continue
		case b.Kind == KindFee, slices.Contains(names, PlaceholderFee), slices.Contains(names, "faelligkeit"):
			return nil, refuse
		}
		out = append(out, b)
	}
	return out, nil
}
