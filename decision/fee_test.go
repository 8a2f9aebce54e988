package decision

import (
	"errors"
	"strings"
	"testing"
)

func letterText(l Letter) string {
	var b strings.Builder
	for _, x := range l.Blocks {
		b.WriteString(x.Title + "\n" + x.Text + "\n")
	}
	return b.String()
}

func fill(t *testing.T, templateID, caseType string, d Data) (Letter, error) {
	t.Helper()
	tpl, _ := TemplateByID(templateID)
	for _, c := range demoCases(t, 60) {
		if c.Type == caseType {
			return Fill(tpl, &c, d)
		}
	}
	t.Fatalf("no demo case of type %s", caseType)
	return Letter{}, nil
}

// TestFeeSetOnceWithBasisAndNotes: the operative part sets the fee once, the fee
// block only says how to pay, with the Kassenzeichen and the payment notes.
func TestFeeSetOnceWithBasisAndNotes(t *testing.T) {
	d := testData()
	d.Fee.Basis = "§ 1 und Tarifstelle 3.2 der Verwaltungsgebührensatzung der Gemeinde Musterhausen vom 12.03.2021"
	d.Fee.Kassenzeichen = "5.0100.000042"
	for _, id := range []string{"bewilligung", "teilbewilligung", "gebuehrenbescheid"} {
		l, err := fill(t, id, "BAU", d)
		if err != nil {
			t.Fatal(err)
		}
		text := letterText(l)
		if n := strings.Count(text, "festgesetzt"); n != 1 {
			t.Errorf("%s: the fee is set %d times:\n%s", id, n, text)
		}
		for _, want := range []string{"Kassenzeichen 5.0100.000042", "keine aufschiebende Wirkung (§ 80 Abs. 2 Satz 1 Nr. 1 VwGO)",
			"Säumniszuschläge", "Verwaltungsvollstreckungsverfahren"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", id, want)
			}
		}
		if id == "gebuehrenbescheid" && !strings.Contains(text, "Die Gebühr beruht auf "+d.Fee.Basis+".") {
			t.Errorf("no legal basis:\n%s", text)
		}
		if id != "gebuehrenbescheid" && !strings.Contains(text, "Die Kosten des Verfahrens tragen Sie. Die Verwaltungsgebühr wird auf 1.234,50 € festgesetzt.") {
			t.Errorf("%s: no cost decision with the fee:\n%s", id, text)
		}
	}
}

// TestNoCostSentenceWithoutFee: with the fee switched off (the app leaves out the fee
// block) the letter does not say the applicant bears the costs.
func TestNoCostSentenceWithoutFee(t *testing.T) {
	tpl, _ := TemplateByID("bewilligung")
	var blocks []Block
	for _, b := range tpl.Blocks {
		if b.Kind != KindFee {
			blocks = append(blocks, b)
		}
	}
	tpl.Blocks = blocks
	d := testData()
	d.Fee = nil
	c := demoCases(t, 1)[0]
	l, err := Fill(tpl, &c, d)
	if err != nil {
		t.Fatal(err)
	}
	text := letterText(l)
	if strings.Contains(text, "Kosten des Verfahrens tragen Sie") || !strings.Contains(text, "keine Kosten erhoben") {
		t.Errorf("cost sentence without a fee:\n%s", text)
	}
}

// TestWohngeldIsFreeOfCharge: § 64 (1) SGB X; a fee, or a fee notice, is refused.
func TestWohngeldIsFreeOfCharge(t *testing.T) {
	d := testData()
	if _, err := fill(t, "bewilligung", "WOHNGELD", d); !errors.Is(err, ErrFee) {
		t.Errorf("a fee on Wohngeld: %v, want ErrFee", err)
	}
	d.Fee = nil
	l, err := fill(t, "bewilligung", "WOHNGELD", d)
	if err != nil {
		t.Fatal(err)
	}
	text := letterText(l)
	if !strings.Contains(text, "Das Verfahren ist kostenfrei (§ 64 Abs. 1 SGB X).") || strings.Contains(text, "Gebühr") {
		t.Errorf("Wohngeld letter:\n%s", text)
	}
	if _, err := fill(t, "gebuehrenbescheid", "WOHNGELD", d); !errors.Is(err, ErrFee) {
		t.Errorf("a fee notice on Wohngeld: %v, want ErrFee", err)
	}
}
